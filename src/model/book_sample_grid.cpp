#include "model/book_sample_grid.hpp"

namespace depthrec {

void BookSampleGrid::synced(std::int64_t recv_ns) {
  if (armed()) return;
  // Floor division, so the rounding up is right for any sign.
  std::int64_t quotient = recv_ns / every_ns_;
  if (recv_ns % every_ns_ != 0 && recv_ns < 0) --quotient;
  const std::int64_t floor_ns = quotient * every_ns_;
  next_ns_ = floor_ns == recv_ns             ? recv_ns
             : floor_ns > kNever - every_ns_ ? kNever
                                             : floor_ns + every_ns_;
}

}  // namespace depthrec

// The receive-time grid that book states are sampled on (--parquet-book-every, depthrec-export's
// --book-every): the state at grid point g is the book after every event received at or before g,
// so the points before an event are due just before that event is applied, with the book as it
// is then. Points are multiples of the interval (UTC aligned), counted only while the book is
// synced: the first is the one at or after the event that synced it, none fall in an unsynced
// interval. Between grid points an event costs one comparison (due()).
#pragma once

#include <cstdint>
#include <limits>

namespace depthrec {

class BookSampleGrid {
 public:
  explicit BookSampleGrid(std::int64_t every_ns) : every_ns_(every_ns > 0 ? every_ns : 1) {}

  std::int64_t every_ns() const { return every_ns_; }
  bool armed() const { return next_ns_ != kNever; }

  // Before an event received at `recv_ns` is applied: a grid point lies before it.
  bool due(std::int64_t recv_ns) const { return recv_ns > next_ns_; }

  // The grid points before `recv_ns`, oldest first, each given to `sample(point_ns)`; the grid
  // moves past them.
  template <typename Sample>
  void take_points(std::int64_t recv_ns, Sample&& sample) {
    while (next_ns_ < recv_ns) {
      sample(next_ns_);
      next_ns_ = next_ns_ > kNever - every_ns_ ? kNever : next_ns_ + every_ns_;
    }
  }

  // After the event received at `recv_ns` left the book synced: the first point is the one at or
  // after it (an armed grid keeps its place).
  void synced(std::int64_t recv_ns);
  // The book broke or the stream stopped: no point is due until synced() again.
  void unsynced() { next_ns_ = kNever; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t every_ns_;
  std::int64_t next_ns_ = kNever;
};

}  // namespace depthrec

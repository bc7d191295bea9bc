// A bounded single-producer single-consumer hand-off of book states, for consumers that are
// too slow to run inside the network-thread callback (see recorder.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"
#include "depthrec/observer_queue.hpp"

namespace depthrec {

// A copy of the top of the book after one update.
struct TopOfBook {
  // The stream (market, symbol, stream name) the state is of: with several streams in one
  // Recorder, a queue may carry several (subscribe_queue's KeyFilter says which). Shared, not
  // copied, per state.
  std::shared_ptr<const StreamKey> key;
  std::uint64_t first_id = 0;  // U
  std::uint64_t final_id = 0;  // u
  // pu (futures) and the event kind, so a consumer can check that states continue each other:
  // futures pu == previous u, spot diff U == previous u + 1 (a dropped state breaks the chain).
  std::uint64_t prev_final_id = 0;
  bool has_prev_final_id = false;
  DepthKind kind = DepthKind::diff;
  std::int64_t event_time_ms = 0;
  std::int64_t recv_ns = 0;  // of the update that made this state
  // An on_book observer with ObserverOptions::every_ns: the grid point this state is the book at
  // (the state after every update received at or before it); else 0.
  std::int64_t sample_ns = 0;
  bool synced = false;
  std::vector<PriceLevel> bids;  // best first
  std::vector<PriceLevel> asks;  // best first
};

// The book states of subscribe_queue(): an ObserverQueue that also says how many levels a state
// carries.
class BookUpdateQueue : public ObserverQueue<TopOfBook> {
 public:
  BookUpdateQueue(std::size_t capacity, std::size_t levels)
      : ObserverQueue<TopOfBook>(capacity), levels_(levels) {}

  std::size_t levels() const { return levels_; }

 private:
  const std::size_t levels_;
};

}  // namespace depthrec

// A bounded single-producer single-consumer hand-off of book states, for consumers that are
// too slow to run inside the network-thread callback (see recorder.hpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"

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
  std::int64_t recv_ns = 0;
  bool synced = false;
  std::vector<PriceLevel> bids;  // best first
  std::vector<PriceLevel> asks;  // best first
};

class BookUpdateQueue {
 public:
  BookUpdateQueue(std::size_t capacity, std::size_t levels)
      : capacity_(capacity), levels_(levels) {}

  std::size_t levels() const { return levels_; }

  // Producer: never blocks; a full queue drops the new state and counts it.
  bool try_push(TopOfBook&& state) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_ || items_.size() >= capacity_) {
        ++dropped_;
        return false;
      }
      items_.push_back(std::move(state));
    }
    ready_.notify_one();
    return true;
  }

  // Consumer: waits up to `timeout` for a state; empty when none came or the queue is closed and
  // drained.
  std::optional<TopOfBook> pop(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    TopOfBook state = std::move(items_.front());
    items_.pop_front();
    return state;
  }

  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_ && items_.empty();
  }
  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

 private:
  const std::size_t capacity_;
  const std::size_t levels_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<TopOfBook> items_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace depthrec

// Windows computed on the recorder's network thread, handed to the main thread that writes them:
// the callback never does I/O. Bounded in windows of all streams together, whatever the number
// of symbols; a window that does not fit is counted against its stream, not kept.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "ofi_calculator.hpp"

namespace depthrec::ofi {

struct StreamWindow {
  std::size_t stream = 0;  // index in the run's streams (OfiStreams)
  OfiWindow window;
};

class WindowMailbox {
 public:
  WindowMailbox(std::size_t capacity, std::size_t streams)
      : capacity_(capacity), dropped_(streams, 0) {}

  void push(std::size_t stream, const OfiWindow& window) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (windows_.size() >= capacity_) {
        ++dropped_.at(stream);
        return;
      }
      windows_.push_back(StreamWindow{stream, window});
    }
    ready_.notify_one();
  }

  // Waits up to `timeout` for windows and takes every one waiting, in the order pushed.
  std::vector<StreamWindow> take(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return !windows_.empty(); });
    std::vector<StreamWindow> out(std::make_move_iterator(windows_.begin()),
                                  std::make_move_iterator(windows_.end()));
    windows_.clear();
    return out;
  }

  std::uint64_t dropped(std::size_t stream) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_.at(stream);
  }
  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t total = 0;
    for (const std::uint64_t d : dropped_) total += d;
    return total;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<StreamWindow> windows_;
  std::vector<std::uint64_t> dropped_;  // per stream
};

}  // namespace depthrec::ofi

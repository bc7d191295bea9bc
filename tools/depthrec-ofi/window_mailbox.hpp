// Windows computed on the recorder's network thread, handed to the main thread that writes them:
// the callback never does I/O. Bounded; a window that does not fit is counted, not kept.
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

class WindowMailbox {
 public:
  explicit WindowMailbox(std::size_t capacity) : capacity_(capacity) {}

  void push(const OfiWindow& window) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (windows_.size() >= capacity_) {
        ++dropped_;
        return;
      }
      windows_.push_back(window);
    }
    ready_.notify_one();
  }

  // Waits up to `timeout` for windows and takes every one waiting.
  std::vector<OfiWindow> take(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait_for(lock, timeout, [&] { return !windows_.empty(); });
    std::vector<OfiWindow> out(std::make_move_iterator(windows_.begin()),
                               std::make_move_iterator(windows_.end()));
    windows_.clear();
    return out;
  }

  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<OfiWindow> windows_;
  std::uint64_t dropped_ = 0;
};

}  // namespace depthrec::ofi

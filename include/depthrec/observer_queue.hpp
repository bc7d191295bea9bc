// A bounded hand-off of events from the network thread to one consumer thread: the producer never
// waits (a full queue drops the new event and counts it), the consumer waits with a timeout. The
// library's book-state queue (BookUpdateQueue) and every queued observer (observer.hpp) are one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace depthrec {

template <typename Event>
class ObserverQueue {
 public:
  explicit ObserverQueue(std::size_t capacity) : capacity_(capacity) {}

  // Producer: never blocks; a full (or closed) queue drops the new event and counts it.
  bool try_push(Event&& event) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_ || items_.size() >= capacity_) {
        ++dropped_;
        return false;
      }
      items_.push_back(std::move(event));
      wake = waiting_ > 0;
    }
    // Only a consumer that waits is woken: a busy one takes the event with its next pop(), and
    // the producer saves the wake-up's system call.
    if (wake) ready_.notify_one();
    return true;
  }

  // Consumer: waits up to `timeout` for an event; empty when none came or the queue is closed and
  // drained. Events queued before close() are still given out.
  std::optional<Event> pop(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++waiting_;
    ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
    --waiting_;
    if (items_.empty()) return std::nullopt;
    Event event = std::move(items_.front());
    items_.pop_front();
    return event;
  }

  // No more events are taken; the ones queued stay to be popped.
  void close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  // Closed and drained: nothing more will come.
  bool closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_ && items_.empty();
  }
  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> items_;
  std::uint64_t dropped_ = 0;
  int waiting_ = 0;  // consumers inside pop()
  bool closed_ = false;
};

}  // namespace depthrec

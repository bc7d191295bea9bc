// One observer's delivery (include/depthrec/observer.hpp): its callback called on the network
// thread (Delivery::synchronous) or on a thread of its own fed by a bounded ObserverQueue
// (Delivery::queued). A callback that throws is counted and the next event is given as usual.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "depthrec/observer.hpp"
#include "depthrec/observer_queue.hpp"

namespace depthrec::session {

template <typename Event>
class ObserverSink : public std::enable_shared_from_this<ObserverSink<Event>> {
 public:
  using Callback = std::function<void(const Event&)>;

  ObserverSink(Callback callback, std::shared_ptr<Observer> handle, const ObserverOptions& options)
      : callback_(std::move(callback)),
        handle_(std::move(handle)),
        levels_(options.levels == 0 ? std::numeric_limits<std::size_t>::max() : options.levels),
        every_ns_(options.every_ns) {
    if (options.delivery == Delivery::queued)
      queue_.emplace(options.capacity == 0 ? 1 : options.capacity);
  }
  ~ObserverSink() { finish(); }
  ObserverSink(const ObserverSink&) = delete;
  ObserverSink& operator=(const ObserverSink&) = delete;

  const std::shared_ptr<Observer>& handle() const { return handle_; }
  std::size_t levels() const { return levels_; }       // on_book: levels per side of a state
  std::int64_t every_ns() const { return every_ns_; }  // on_book: the sampling grid (0: none)
  std::size_t queued_now() const { return queue_ ? queue_->size() : 0; }

  // Network thread. A queued observer takes a copy (or the moved event).
  void publish(const Event& event) {
    if (!queue_) {
      call(event);
      return;
    }
    Event copy = event;
    push(std::move(copy));
  }
  void publish(Event&& event) {
    if (!queue_) {
      call(event);
      return;
    }
    push(std::move(event));
  }

  // The observer's thread (queued delivery): runs until close() and every queued event is given.
  // The sink must be owned by a shared_ptr.
  void start() {
    if (!queue_ || worker_.joinable()) return;
    // The thread holds the sink: an observer that stops the recorder from its own callback is
    // not joined, and its sink lives until the thread has given out its queue.
    worker_ = std::thread([self = this->shared_from_this()] {
      while (!self->queue_->closed()) {
        if (std::optional<Event> event = self->queue_->pop(std::chrono::milliseconds(200)))
          self->call(*event);
      }
    });
  }
  // No more events are taken; the thread gives out the ones queued, then ends.
  void close() {
    if (queue_) queue_->close();
  }
  // close(), then waits for the thread (from the thread itself, e.g. the last owner let go there:
  // the thread ends on its own once this returns).
  void finish() {
    close();
    if (!worker_.joinable()) return;
    if (worker_.get_id() == std::this_thread::get_id()) {
      worker_.detach();
    } else {
      worker_.join();
    }
  }

 private:
  void push(Event&& event) {
    if (!queue_->try_push(std::move(event))) handle_->count_dropped();
  }
  void call(const Event& event) {
    try {
      callback_(event);
    } catch (const std::exception& error) {
      handle_->count_error(error.what());
    } catch (...) {
      handle_->count_error("a non-standard exception");
    }
    handle_->count_delivered();
  }

  Callback callback_;
  std::shared_ptr<Observer> handle_;
  std::size_t levels_;
  std::int64_t every_ns_;
  std::optional<ObserverQueue<Event>> queue_;
  std::thread worker_;
};

}  // namespace depthrec::session

// Observers: a consumer binds a callback to a channel type for some streams (or all) and is given
// each event as a typed, parsed value (observer_events.hpp), as seed 002's services are.
//
//   depthrec::Recorder recorder(config);   // config.subscriptions: depth, aggTrade, ... streams
//   auto flow = recorder.on_agg_trade([&](const depthrec::ObservedTrade& t) {
//     signed_volume += t.buyer_is_maker ? -to_double(t.quantity) : to_double(t.quantity);
//   });                                    // its own thread, its own bounded queue
//   depthrec::ObserverOptions top5;
//   top5.levels = 5;
//   top5.keys = depthrec::KeyFilter{{depthrec::Market::usdm, "BTCUSDT"}};
//   recorder.on_book([&](const depthrec::TopOfBook& book) { ofi.on_book(book); }, top5);
//   recorder.start();
//   ...
//   recorder.stop();                       // each queued observer is given what was queued
//   flow->dropped();                       // events its queue had no room for
//
// Channels: on_depth (each depth event as received), on_book (the book's top after each applied
// update, and once unsynced at a break), on_trade, on_agg_trade, on_kline, on_book_ticker,
// on_mark_price, on_force_order (Recorder, recorder.hpp). Bind before start(); each call adds an
// observer with its own filter, queue and thread. An observer of a stream is given every event the
// recording keeps of it, in the order recorded, once (not the duplicates and backward ids the
// continuity check refuses; not the trades a --repair-trades REST fill adds). A filter naming a
// stream that is not subscribed makes start() throw.
//
// Threads: Delivery::queued (the default) calls the observer on a thread the library owns, one
// per observer, started by start(); a full queue drops the new event and counts it, the network
// thread never waits. stop() returns once every queued observer has been given the events queued
// before it (an observer that calls stop() itself is not waited for). Delivery::synchronous
// calls it on the network thread, where it must be fast.
//
// A callback that throws does not stop the recorder or the observer: the event counts as
// delivered and as an error (errors(), last_error(), metrics.json observers[].errors) and the
// next event is given as usual.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "depthrec/observer_figures.hpp"
#include "depthrec/observer_options.hpp"

namespace depthrec {

// The handle Recorder::on_<channel> returns: the observer's figures, from any thread.
class Observer {
 public:
  Observer(std::string name, std::string channel, Delivery delivery)
      : name_(std::move(name)), channel_(std::move(channel)), delivery_(delivery) {}
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  const std::string& name() const { return name_; }
  const std::string& channel() const { return channel_; }
  Delivery delivery() const { return delivery_; }
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  // What the last throw said (empty: none).
  std::string last_error() const {
    std::lock_guard<std::mutex> lock(error_mutex_);
    return last_error_;
  }
  // Its figures; `queued_now` the library fills in (it knows the queue).
  ObserverFigures figures() const {
    return {name_, channel_, delivery_ == Delivery::queued, delivered(), dropped(), errors(), 0};
  }

  // The library's side: the network thread and the observer's thread count here.
  void count_delivered() { delivered_.fetch_add(1, std::memory_order_relaxed); }
  void count_dropped() { dropped_.fetch_add(1, std::memory_order_relaxed); }
  void count_error(std::string what) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(error_mutex_);
    last_error_ = std::move(what);
  }

 private:
  const std::string name_;
  const std::string channel_;
  const Delivery delivery_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> errors_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace depthrec

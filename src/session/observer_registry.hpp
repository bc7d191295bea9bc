// The observers bound to a Recorder (include/depthrec/observer.hpp), by channel, each with its
// filter. Like the update consumers (update_consumers.hpp) a filter is resolved once, when the
// streams are built: a stream holds only its own observers (BookObservers, ChannelObservers), so
// an event reaches exactly those and a stream without one tests one empty vector per event.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/key_filter.hpp"
#include "depthrec/market.hpp"
#include "depthrec/observer.hpp"
#include "depthrec/observer_events.hpp"
#include "depthrec/subscription.hpp"
#include "session/observer_sink.hpp"

namespace depthrec::session {

// One stream's observers of one channel (network thread).
template <typename Event>
class ObserverList {
 public:
  bool empty() const { return sinks_.empty(); }
  void add(std::shared_ptr<ObserverSink<Event>> sink) { sinks_.push_back(std::move(sink)); }
  const std::vector<std::shared_ptr<ObserverSink<Event>>>& sinks() const { return sinks_; }
  // Each observer is given the event (the last one may take it by move).
  void publish(Event&& event) const {
    for (std::size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->publish(event);
    if (!sinks_.empty()) sinks_.back()->publish(std::move(event));
  }

 private:
  std::vector<std::shared_ptr<ObserverSink<Event>>> sinks_;
};

// A depth stream's observers (FeedSession): its events, its book, its bookTicker.
struct BookObservers {
  std::shared_ptr<const StreamKey> key;  // what each event names (set with the first observer)
  ObserverList<ObservedDepth> depth;
  ObserverList<TopOfBook> book;
  ObserverList<ObservedBookTicker> book_ticker;
};

// An event channel's observers (ChannelHandler): the list of its channel kind is filled.
struct ChannelObservers {
  std::shared_ptr<const StreamKey> key;
  ObserverList<ObservedTrade> trade;  // trade or aggTrade
  ObserverList<ObservedKline> kline;
  ObserverList<ObservedMarkPrice> mark_price;
  ObserverList<ObservedForceOrder> force_order;
};

class ObserverRegistry {
 public:
  template <typename Event>
  using Callback = std::function<void(const Event&)>;

  // Before the run (Recorder::on_<channel>): a new observer and its handle.
  std::shared_ptr<Observer> on_depth(Callback<ObservedDepth> callback,
                                     ObserverOptions options = {}) {
    return bind(depth_, "depth", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_book(Callback<TopOfBook> callback, ObserverOptions options = {}) {
    return bind(book_, "book", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_trade(Callback<ObservedTrade> callback,
                                     ObserverOptions options = {}) {
    return bind(trade_, "trade", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_agg_trade(Callback<ObservedTrade> callback,
                                         ObserverOptions options = {}) {
    return bind(agg_trade_, "aggTrade", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_kline(Callback<ObservedKline> callback,
                                     ObserverOptions options = {}) {
    return bind(kline_, "kline", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_book_ticker(Callback<ObservedBookTicker> callback,
                                           ObserverOptions options = {}) {
    return bind(book_ticker_, "bookTicker", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_mark_price(Callback<ObservedMarkPrice> callback,
                                          ObserverOptions options = {}) {
    return bind(mark_price_, "markPrice", std::move(callback), std::move(options));
  }
  std::shared_ptr<Observer> on_force_order(Callback<ObservedForceOrder> callback,
                                           ObserverOptions options = {}) {
    return bind(force_order_, "forceOrder", std::move(callback), std::move(options));
  }

  bool empty() const { return handles_.empty(); }
  // Throws std::runtime_error when an observer's filter names a stream not among `subscribed`.
  void check_filters(const std::vector<SubscriptionKey>& subscribed) const;
  // The observers of depth stream `key` (named `stream` in the events) and of its bookTicker.
  BookObservers for_book(const SubscriptionKey& key, const StreamKey& stream) const;
  // The observers of event channel `key` (trade, aggTrade, kline, markPrice, forceOrder).
  ChannelObservers for_channel(const SubscriptionKey& key, const StreamKey& stream) const;

  // The queued observers' threads (Recorder::start).
  void start();
  // The run ended (network thread): no more events are queued; each thread gives out its queue.
  void close();
  // close(), then waits for every observer thread but the caller's own. Any thread, idempotent.
  void finish();
  // Every observer's figures, in the order bound (metrics.json "observers"). Any thread.
  std::vector<ObserverFigures> figures() const;

 private:
  template <typename Event>
  struct Binding {
    KeyFilter filter;
    std::shared_ptr<ObserverSink<Event>> sink;
  };
  template <typename Event>
  using Bindings = std::vector<Binding<Event>>;

  template <typename Event>
  std::shared_ptr<Observer> bind(Bindings<Event>& bindings, const char* channel,
                                 Callback<Event> callback, ObserverOptions options) {
    if (!callback) return nullptr;
    std::string name = options.name.empty()
                           ? std::string(channel) + "#" + std::to_string(handles_.size())
                           : options.name;
    auto handle = std::make_shared<Observer>(std::move(name), channel, options.delivery);
    auto sink = std::make_shared<ObserverSink<Event>>(std::move(callback), handle, options);
    bindings.push_back({std::move(options.keys), sink});
    handles_.push_back(handle);
    queued_now_.push_back([sink] { return sink->queued_now(); });
    lifecycle_.push_back(
        {[sink] { sink->start(); }, [sink] { sink->close(); }, [sink] { sink->finish(); }});
    return handle;
  }
  template <typename Event>
  static void take(const Bindings<Event>& bindings, const SubscriptionKey& key,
                   ObserverList<Event>& list) {
    for (const Binding<Event>& binding : bindings) {
      if (binding.filter.matches(key)) list.add(binding.sink);
    }
  }

  struct Lifecycle {
    std::function<void()> start, close, finish;
  };

  Bindings<ObservedDepth> depth_;
  Bindings<TopOfBook> book_;
  Bindings<ObservedTrade> trade_, agg_trade_;
  Bindings<ObservedKline> kline_;
  Bindings<ObservedBookTicker> book_ticker_;
  Bindings<ObservedMarkPrice> mark_price_;
  Bindings<ObservedForceOrder> force_order_;
  std::vector<std::shared_ptr<Observer>> handles_;        // in the order bound
  std::vector<std::function<std::size_t()>> queued_now_;  // handles_[i]'s queue length
  std::vector<Lifecycle> lifecycle_;                      // handles_[i]'s thread
  std::mutex finish_mutex_;                               // one finish() at a time
};

}  // namespace depthrec::session

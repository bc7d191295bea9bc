// The library API: run a depth recorder (or just a synced book) on a background thread.
//
//   depthrec::RecorderConfig config;
//   config.symbol = "BTCUSDT";
//   config.depth_levels = 0;            // full book
//   depthrec::Recorder recorder(config);
//   recorder.on_update([&](const depthrec::BookUpdate& u) { ofi.on_book(u); });  // network thread!
//   recorder.start();                   // returns at once
//   ...
//   auto m = recorder.metrics();        // any thread
//   recorder.stop();                    // any thread: drains the writer, writes final metrics
//
// The callback runs on the network thread for every applied update and must be fast (its cost
// is measured: metrics.json "callback_us"). A consumer that is not fast takes a bounded
// BookUpdateQueue from subscribe_queue() instead and reads it from its own thread.
//
// With several streams (config.subscriptions), a consumer may take some streams only:
//   recorder.on_update(callback, depthrec::KeyFilter{{Market::usdm, "BTCUSDT"},
//                                                    {Market::spot, "ETHUSDT"}});
//   auto queue = recorder.subscribe_queue(1024, 5, depthrec::KeyFilter{{Market::usdm, "SOLUSDT"}});
// Any number of callbacks and queues may coexist, each with its own filter (or none: every
// stream); each is given every update of the streams it names, in order, and nothing else. The
// filters are resolved once, at start(): an update reaches only the consumers of its stream
// (the others are not even asked), and a filter naming a stream that is not subscribed makes
// start() throw.
//
// Observers (observer.hpp) are the typed, per-channel way: on_trade, on_agg_trade, on_kline,
// on_book_ticker, on_mark_price, on_force_order, on_depth and on_book, each on its own thread and
// bounded queue (or on the network thread when asked), for some streams or all. An observer gets
// the events of the channels the run records: a config of one symbol without subscriptions
// records its depth stream (and bookTicker with record_book_ticker) on the single-stream path,
// which feeds on_depth, on_book and on_book_ticker; every event channel (trade, aggTrade, kline,
// markPrice, forceOrder) is recorded by the many-stream engine, from config.subscriptions or,
// for one symbol or --symbols ALL, config.event_channels, and feeds the other observers. An
// observer of a channel the run does not record is given nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/channel_metrics.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/key_filter.hpp"
#include "depthrec/lifecycle_hooks.hpp"
#include "depthrec/market.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/observer.hpp"
#include "depthrec/observer_events.hpp"
#include "depthrec/observer_options.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/stream_report.hpp"

namespace depthrec {

// What the callback sees: the update just applied and a read-only view of the book after it.
// Valid only during the callback.
struct BookUpdate {
  const StreamKey& key;
  const DepthUpdate& update;  // the event as parsed (ids, times, changed levels)
  const OrderBook& book;      // the local book after the update
  std::int64_t recv_ns;       // local receive time of the frame
  // true for an applied update. false exactly once per break of a full book: the update that
  // revealed the gap, with the book as it last was valid; no callback follows until the resync.
  // Events buffered while a (re)sync waits for its snapshot are applied at the join without a
  // callback of their own: the first synced update after it shows the book with all of them.
  bool book_synced;
};
using UpdateCallback = std::function<void(const BookUpdate&)>;

class Recorder {
 public:
  explicit Recorder(RecorderConfig config);
  ~Recorder();  // stops and joins
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Before start(): a callback for every applied update and every break (network thread) of the
  // streams `keys` names (default: every stream). Each call adds a consumer; callbacks of one
  // stream run in the order they were added.
  void on_update(UpdateCallback callback, KeyFilter keys = {});
  // Before start(): a bounded hand-off queue of top-`levels` book states for a slow consumer, of
  // the streams `keys` names (default: every stream; TopOfBook::key says which). When it is
  // full the newest state is dropped and counted (queue->dropped()). Each call adds a queue.
  std::shared_ptr<BookUpdateQueue> subscribe_queue(std::size_t capacity, std::size_t levels,
                                                   KeyFilter keys = {});

  // Before start(): an observer of one channel (observer.hpp), given each event of the streams
  // `options.keys` names as a typed value, on its own thread (Delivery::queued) or on the network
  // thread (Delivery::synchronous). Returns its handle (figures: delivered, dropped, errors); an
  // empty callback binds nothing and returns nullptr.
  template <typename Event>
  using ObserverCallback = std::function<void(const Event&)>;
  std::shared_ptr<Observer> on_depth(ObserverCallback<ObservedDepth> callback,
                                     ObserverOptions options = {});
  std::shared_ptr<Observer> on_book(ObserverCallback<TopOfBook> callback,
                                    ObserverOptions options = {});
  std::shared_ptr<Observer> on_trade(ObserverCallback<ObservedTrade> callback,
                                     ObserverOptions options = {});
  std::shared_ptr<Observer> on_agg_trade(ObserverCallback<ObservedTrade> callback,
                                         ObserverOptions options = {});
  std::shared_ptr<Observer> on_kline(ObserverCallback<ObservedKline> callback,
                                     ObserverOptions options = {});
  std::shared_ptr<Observer> on_book_ticker(ObserverCallback<ObservedBookTicker> callback,
                                           ObserverOptions options = {});
  std::shared_ptr<Observer> on_mark_price(ObserverCallback<ObservedMarkPrice> callback,
                                          ObserverOptions options = {});
  std::shared_ptr<Observer> on_force_order(ObserverCallback<ObservedForceOrder> callback,
                                           ObserverOptions options = {});

  // Before start(): the first-sync and heartbeat hooks of a service manager (lifecycle_hooks.hpp).
  void set_lifecycle_hooks(LifecycleHooks hooks);
  // Any thread: the text log closes its file and opens its path anew with the next line (after
  // logrotate moved it; depthrec does this on SIGHUP). Nothing recorded is touched.
  void reopen_log();

  void start();  // starts the background network thread; throws std::runtime_error on a bad config
  void run();    // runs on the calling thread until stop() or run_minutes (what the CLI does)
  void stop();  // any thread, idempotent; returns when the writer has drained and final metrics are
                // written
  void wait();  // blocks until the recorder has stopped (by stop() or run_minutes)
  bool running() const;

  MetricsSnapshot metrics() const;  // thread-safe, consistent snapshot (observers' figures too)
  // Every stream's figures now, one entry per stream (a one-stream run: one); empty until the run
  // has started. Thread-safe (what the Prometheus exposition scrapes).
  std::vector<StreamReport> stream_reports() const;
  // Every event-channel stream's figures now (trade, aggTrade, kline...: metrics.json's
  // channel_streams[]); empty until started or without such streams. Thread-safe.
  std::vector<ChannelFigures> channel_figures() const;
  const RecorderConfig& config() const;
  std::string last_error()
      const;  // the last fatal error (e.g. unwritable data directory), empty if none

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

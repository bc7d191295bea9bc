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
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/recorder_config.hpp"

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

  // Before start(): the callback for every applied update and every break (network thread).
  void on_update(UpdateCallback callback);
  // Before start(): a bounded hand-off queue of top-`levels` book states for a slow consumer.
  // When it is full the newest state is dropped and counted (queue->dropped()).
  std::shared_ptr<BookUpdateQueue> subscribe_queue(std::size_t capacity, std::size_t levels);

  void start();  // starts the background network thread; throws std::runtime_error on a bad config
  void run();    // runs on the calling thread until stop() or run_minutes (what the CLI does)
  void stop();  // any thread, idempotent; returns when the writer has drained and final metrics are
                // written
  void wait();  // blocks until the recorder has stopped (by stop() or run_minutes)
  bool running() const;

  MetricsSnapshot metrics() const;  // thread-safe, consistent snapshot
  const RecorderConfig& config() const;
  std::string last_error()
      const;  // the last fatal error (e.g. unwritable data directory), empty if none

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

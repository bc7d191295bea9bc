// An event channel's stream (trade, aggTrade, kline, markPrice, forceOrder): a stream with
// no book, recorded on its own. A frame routed to it by stream name (ConnectionSession) goes
// parse -> continuity check -> record line + metrics, all in its handler. One handler per channel
// kind, registered by kind in channel_handlers.cpp: a new channel is one handler file plus its
// parser, no branch in FeedSession or the router. Every method runs on the network thread; like
// FeedSession it does no I/O (records go through ChannelHooks::write).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "depthrec/channel_metrics.hpp"
#include "depthrec/records.hpp"
#include "depthrec/subscription.hpp"
#include "depthrec/text_log.hpp"
#include "session/feed_session.hpp"
#include "session/log_throttle.hpp"
#include "session/observer_registry.hpp"

namespace depthrec::session {

struct ChannelHooks {
  // As SessionHooks::write (gap records are markers, events data); empty: no files.
  std::function<PushInfo(std::string& line, const RecordContext& context, bool marker)> write;
  std::function<void(LogLevel, const std::string&)> log;
  // --repair-trades (aggTrade streams): GET the venue's aggTrades?symbol=&fromId=&limit= through
  // the shared REST scheduler; `done` runs later on the network thread with the answer (also a
  // failure; never once the run stops: that gap stays marked). Empty: gaps are marked, never
  // repaired.
  std::function<void(std::uint64_t from_id, int limit, std::function<void(const RestAnswer&)> done)>
      fetch_agg_trades;
};

struct ChannelSetup {
  SubscriptionKey key;
  std::string stream;  // its name on the wire, e.g. "btcusdt@aggTrade"
  std::uint32_t writer_id = 0;
  ChannelHooks hooks;
  bool klines_closed_only = false;  // --klines closed
};

class ChannelHandler {
 public:
  explicit ChannelHandler(ChannelSetup setup);
  virtual ~ChannelHandler() = default;
  ChannelHandler(const ChannelHandler&) = delete;
  ChannelHandler& operator=(const ChannelHandler&) = delete;

  // A frame of this stream from connection `conn_id` (routed by its "stream" name).
  void on_frame(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns);
  // Make-before-break rollover of its connection (ConnectionSession): a channel with a sequence
  // records only its active connection's frames until the successor joins it (its ids meet the
  // ones recorded), then only the successor's; one without a sequence joins at once.
  virtual void on_connected(std::uint64_t conn_id) { static_cast<void>(conn_id); }
  virtual void on_successor_open(std::uint64_t conn_id) { static_cast<void>(conn_id); }
  virtual bool joined(std::uint64_t conn_id) const {
    static_cast<void>(conn_id);
    return true;
  }
  virtual void on_successor_gone() {}
  // The join deadline passed: take the successor as it is (a gap if its ids do not meet).
  virtual void force_join(std::int64_t now_ns) { static_cast<void>(now_ns); }
  // No longer recorded (unsubscribed): later frames are ignored; the metrics keep their figures.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  // The observers of this stream (observer_registry.hpp): given each event recorded.
  void set_observers(ChannelObservers observers) { observers_ = std::move(observers); }

  const SubscriptionKey& key() const { return key_; }
  const std::string& stream() const { return context_.stream; }
  const ChannelMetrics& metrics() const { return metrics_; }

 protected:
  // The channel's own part: parse, check, record (through write()), count in metrics().
  virtual void handle(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns) = 0;

  PushInfo write(std::string& line, bool marker);
  // Receive time - E in ms (negative when the local clock is behind); NaN without a usable E.
  static double event_latency_ms(std::int64_t event_time_ms, std::int64_t recv_ns);
  // A line a peer can cause once per frame: throttled.
  void log_per_event(LogLevel level, const std::string& message);
  ChannelMetrics& metrics_mut() { return metrics_; }
  const ChannelHooks& hooks() const { return hooks_; }
  RecordContext& context() { return context_; }
  std::string& line() { return line_; }
  const ChannelObservers& observers() const { return observers_; }

 private:
  SubscriptionKey key_;
  ChannelHooks hooks_;
  RecordContext context_;
  ChannelMetrics metrics_;
  std::string line_;  // reused record buffer
  LogThrottle event_logs_;
  ChannelObservers observers_;
  bool stopped_ = false;
};

// The handler of `setup.key`'s channel kind; nullptr when the kind has none (depth and bookTicker
// are FeedSession's).
std::unique_ptr<ChannelHandler> make_channel_handler(ChannelSetup setup);

}  // namespace depthrec::session

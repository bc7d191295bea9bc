// The simulated exchange: symbol feeds generating depth events, client sessions and their
// subscriptions, fan-out of every event to its subscribers, REST snapshots, the /sim/* control
// endpoints, pings, limits and fault injection. Single-threaded: everything runs on one
// io_context, so there is no locking; the network edge is the WsServer interface.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "client_session.hpp"
#include "fault_plan.hpp"
#include "http_request.hpp"
#include "replay_feed.hpp"
#include "rest_weight_budget.hpp"
#include "sim_options.hpp"
#include "symbol_feed.hpp"
#include "ws_server.hpp"

namespace depthsim {

// A Binance error answer: {"code":C,"msg":"..."} with HTTP `status` (exchange_http.cpp).
HttpReply json_error(int status, int code, const std::string& message);

class Exchange final : public ServerHandler {
 public:
  // Throws std::runtime_error when the replay file cannot be read. `rest_budget` is the REST
  // weight budget of the IP (shared by the USD-M and COIN-M exchanges of one process); null: a
  // budget of the market's own (--rest-weight-spot / --rest-weight-futures).
  Exchange(asio::io_context& io, SimOptions options,
           std::shared_ptr<RestWeightBudget> rest_budget = nullptr);
  ~Exchange() override;

  // The server is owned by the caller and must outlive the exchange's activity.
  void attach(WsServer& server) { server_ = &server; }
  void start();
  // Closes every client with 1001, stops listening and all timers; io_context.run() then returns
  // once the caller's own pending work (e.g. a signal wait) is gone: `on_shutdown` is called
  // for that, whatever triggered the shutdown (signal, --exit-after-sec).
  void shutdown();
  void set_on_shutdown(std::function<void()> on_shutdown) { on_shutdown_ = std::move(on_shutdown); }

  // ServerHandler
  std::optional<HttpReply> validate_upgrade(ConnectionId id, const std::string& resource) override;
  std::chrono::milliseconds handshake_hold(ConnectionId id) override;
  void on_open(ConnectionId id, const std::string& resource) override;
  void on_message(ConnectionId id, const std::string& payload, bool is_text) override;
  bool on_client_ping(ConnectionId id) override;
  void on_pong(ConnectionId id, const std::string& payload) override;
  void on_close(ConnectionId id) override;
  void on_frames_written(ConnectionId id, std::size_t frames) override;
  std::optional<HttpReply> on_http(ConnectionId id, const std::string& method,
                                   const std::string& resource) override;

 private:
  using Clock = SteadyClock;
  struct UpgradeRequest {
    bool combined = false;
    std::vector<std::string> streams;
    std::string error;  // non-empty: refuse with 400
    bool not_found = false;
  };

  // exchange.cpp: lifecycle, clocks, generation scheduling, housekeeping.
  std::int64_t exchange_now_ms() const;
  void schedule_generation(Clock::time_point when);
  void run_generation();
  enum class Pace { go, backlog, idle };  // --rate 0: may the feed generate now?
  Pace unpaced_state(const SymbolFeed& feed) const;
  void housekeeping();
  void check_session_timers(ClientSession& session, Clock::time_point now);
  void close_session(ClientSession& session, std::uint16_t code, const std::string& reason);
  void count_fault(std::string_view name) { ++faults_injected_[std::string(name)]; }
  // Counts an incoming message (request, ping, pong) against the per-second limit; false when
  // the limit is exceeded and the connection is being closed.
  bool admit_incoming(ClientSession& session);

  // exchange_streams.cpp: sessions, subscriptions, delivery, stream faults.
  UpgradeRequest parse_upgrade(const std::string& resource) const;
  bool is_servable_stream(std::string_view stream) const;
  void apply_subscriptions(ClientSession& session);
  SymbolFeed* feed_for(const std::string& symbol);
  SymbolFeed& add_feed(const std::string& symbol, double rate);
  std::vector<SymbolFeed*> fault_targets(const PlannedFault& planned);
  // The subscriber index: per feed, the (session, stream) pairs that receive its events, so an
  // event visits its own subscribers only, not every stream of every connection.
  struct Subscriber {
    ClientSession* session;
    const StreamName* stream;
  };
  void index_subscriptions(ClientSession& session);
  void unindex_subscriptions(ClientSession& session);
  const std::vector<Subscriber>& subscribers_of(const SymbolFeed& feed) const;
  bool route_delivers(const ClientSession& session, StreamKind kind) const;
  void generate_event(SymbolFeed& feed);
  // exchange_trades.cpp: a trade group at the book's top to the trade and aggTrade subscribers
  // (a trade_gap fault among `faults`: generated, never sent).
  void generate_trades(SymbolFeed& feed, std::int64_t event_ms,
                       const std::vector<StreamFault>& faults);
  // exchange_klines.cpp: the candles of every kline interval subscribed, from the trades. Closes
  // (and sends x:true of) each candle whose interval ended by `event_ms` (kline_skip among
  // `faults`: the next candle is not sent at all), opening the interval's first on subscription.
  void roll_klines(SymbolFeed& feed, std::int64_t event_ms, const std::vector<StreamFault>& faults);
  // A trade group into every candle, then the open candles' updates to their subscribers.
  void add_trades_to_klines(SymbolFeed& feed, const TradeGroup& group, std::int64_t event_ms);
  void send_kline(SymbolFeed& feed, const KlineTape& tape, const Candle& candle,
                  std::int64_t event_ms, bool closed);
  // exchange_market_events.cpp: markPrice (the book's mid, every 3 s or 1 s per stream) and
  // forceOrder (futures): every 25th trade group is a liquidation; as on Binance, the latest
  // liquidation of a symbol is pushed as a snapshot at most once every 1000 ms.
  void send_mark_prices(SymbolFeed& feed, std::int64_t event_ms);
  void note_liquidation(SymbolFeed& feed, const TradeGroup& group);
  void send_due_force_order(SymbolFeed& feed, std::int64_t event_ms);
  void deliver(SymbolFeed& feed, const BookUpdate& update, bool fresh);
  // exchange_rpi.cpp: USD-M's RPI book, its stream, its snapshot (/fapi/v1/rpiDepth, limit 1000
  // only) and its truth (/sim/truth?book=rpi).
  void deliver_rpi(SymbolFeed& feed, const BookUpdate& update);
  HttpReply rpi_snapshot_reply(const RequestTarget& target);
  // A diff-depth event sent to `session` (its /sim/stats progress, which the event's frame
  // counts toward once written).
  DepthProgress& count_depth_sent(ClientSession& session, const std::string& symbol,
                                  const BookUpdate& update);
  // `depth`: the progress whose delivered count the frame adds to once written (null: none).
  void send_frame(ClientSession& session, FrameType type,
                  const std::shared_ptr<const std::string>& frame, DepthProgress* depth = nullptr);
  void apply_connection_fault(ClientSession& session, const StreamFault& fault);
  void send_payload_fault(SymbolFeed& feed, const BookUpdate& update, const StreamFault& fault);
  // exchange_hostile_events.cpp: the event sent altered (is_event_fault) instead of as rendered.
  void deliver_altered(SymbolFeed& feed, const BookUpdate& update, const StreamFault& fault);
  // REST faults go to the snapshot queue, but time_ahead to the next /time replies.
  void queue_rest_fault(RestFaultKind kind);
  std::int64_t server_time_reply_ms();  // serverTime for /time (one hour ahead when faulted)
  void inject_stream_fault(const StreamFault& fault, const std::vector<std::string>& symbols,
                           std::optional<std::uint64_t> connection_number, std::uint64_t count);

  // exchange_http.cpp: REST and control endpoints.
  std::optional<HttpReply> answer_http(ConnectionId id, const std::string& method,
                                       const RequestTarget& target);
  void send_http(ConnectionId id, HttpReply reply);  // a deferred answer, with the weight header
  HttpReply snapshot_reply(const RequestTarget& target, bool& deferred, ConnectionId id);
  HttpReply truth_reply(const RequestTarget& target) const;
  // exchange_trades.cpp: GET aggTrades?symbol=&fromId=&limit= from the symbol's trade history.
  HttpReply agg_trades_reply(const RequestTarget& target);
  HttpReply fault_reply(const RequestTarget& target);
  HttpReply pause_reply(bool pause);
  // /sim/hold-handshakes?count=N&ms=X: the next N accepted upgrades answer X ms late.
  HttpReply hold_handshakes_reply(const RequestTarget& target);
  // exchange_listing.cpp: /sim/list, /sim/delist.
  HttpReply list_reply(const RequestTarget& target);
  HttpReply delist_reply(const RequestTarget& target);
  std::vector<std::string> listed_symbols(std::vector<std::string>& halted) const;
  void schedule_listings();
  // The REST weight of a Binance endpoint: spent, or 429/418 with Retry-After.
  std::optional<HttpReply> charge_rest_weight(const RequestTarget& target);
  std::string stats_json() const;
  std::string symbol_stats_json(const std::string& symbol) const;
  void write_limits(rapidjson::Writer<rapidjson::StringBuffer>& json) const;
  void defer_reply(ConnectionId id, std::chrono::milliseconds delay, HttpReply reply);

  // exchange_replay.cpp
  void replay_step();
  bool replay_clients_keep_up() const;
  void on_replay_snapshot_reached(const std::string& symbol);

  asio::io_context& io_;
  SimOptions options_;
  WsServer* server_ = nullptr;
  Clock::time_point started_at_;
  bool paused_ = false;
  bool generation_stopped_ = false;  // --duration-sec elapsed
  bool shutting_down_ = false;
  std::uint64_t generation_epoch_ = 0;
  std::function<void()> on_shutdown_;

  std::vector<std::unique_ptr<SymbolFeed>> feeds_;
  std::unordered_map<std::string, SymbolFeed*> feed_by_symbol_;
  std::unordered_map<const SymbolFeed*, std::vector<Subscriber>> subscribers_;
  std::shared_ptr<RestWeightBudget> rest_budget_;
  std::deque<RestFaultKind> rest_faults_;
  std::uint64_t time_ahead_replies_ = 0;      // /time replies still to be sent one hour ahead
  std::uint64_t malformed_info_replies_ = 0;  // exchangeInfo replies still to be cut in half
  std::unique_ptr<ReplayFeed> replay_;
  Clock::time_point replay_started_at_;

  std::map<ConnectionId, ClientSession> sessions_;  // open connections: every event visits them
  std::map<ConnectionId, ClientSession> closed_sessions_;  // the last ones closed, for /sim/stats

  asio::steady_timer generation_timer_;
  asio::steady_timer housekeeping_timer_;
  asio::steady_timer replay_timer_;
  std::map<ConnectionId, std::unique_ptr<asio::steady_timer>> delayed_replies_;
  std::vector<std::unique_ptr<asio::steady_timer>> listing_timers_;  // --list-after, --delist-after
  std::vector<std::pair<ConnectionId, std::string>> waiting_for_replay_snapshot_;  // and symbol

  std::uint64_t sessions_opened_ = 0;
  std::uint64_t snapshots_served_ = 0;
  std::uint64_t agg_trades_requests_ = 0;  // aggTrades REST queries answered (any symbol)
  std::uint64_t http_requests_ = 0;
  std::uint64_t pings_sent_ = 0;
  std::uint64_t pongs_received_ = 0;
  std::uint64_t connections_refused_ = 0;
  std::uint64_t handshakes_to_hold_ = 0;  // /sim/hold-handshakes: how many are still to hold
  std::chrono::milliseconds handshake_hold_{0};
  std::uint64_t handshakes_held_ = 0;
  std::uint64_t stream_limit_refusals_ = 0;  // URL or SUBSCRIBE over --max-streams-per-connection
  std::uint64_t message_limit_closes_ = 0;   // closed 1008 for too many incoming messages
  std::uint64_t listings_ = 0;
  std::uint64_t delistings_ = 0;
  std::map<std::string, std::uint64_t> faults_injected_;
};

}  // namespace depthsim

// GET /sim/stats: what was generated, sent, served and injected, as plain JSON.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <vector>

#include "exchange.hpp"

namespace depthsim {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_session(JsonWriter& json, const ClientSession& session, SteadyClock::time_point now) {
  json.StartObject();
  json.Key("id");
  json.Uint64(session.number);
  json.Key("resource");
  json.String(session.resource);
  json.Key("open");
  json.Bool(session.open && !session.closing);
  json.Key("close_reason");
  json.String(session.close_reason);
  json.Key("combined");
  json.Bool(session.subscriptions.combined);
  json.Key("streams");
  json.StartArray();
  for (const std::string& stream : session.subscriptions.streams) json.String(stream);
  json.EndArray();
  json.Key("frames_sent");
  json.Uint64(session.frames_sent);
  json.Key("bytes_sent");
  json.Uint64(session.bytes_sent);
  json.Key("depth_events_sent");
  json.Uint64(session.depth_events_sent);
  json.Key("frames_delivered");
  json.Uint64(session.frames_delivered);
  json.Key("depth_events_delivered");
  json.Uint64(session.depth_events_delivered);
  std::uint64_t first_id = 0;
  std::uint64_t last_id = 0;
  json.Key("depth");
  json.StartObject();
  for (const auto& [symbol, progress] : session.depth_by_symbol) {
    if (first_id == 0) first_id = progress.first_id;
    last_id = progress.last_id;
    json.Key(symbol.c_str());
    json.StartObject();
    json.Key("events");
    json.Uint64(progress.events);
    json.Key("delivered");
    json.Uint64(progress.delivered);
    json.Key("first_U");
    json.Uint64(progress.first_id);
    json.Key("last_u");
    json.Uint64(progress.last_id);
    json.EndObject();
  }
  json.EndObject();
  // For the common single-symbol case, the same figures at the top level.
  json.Key("first_U");
  json.Uint64(first_id);
  json.Key("last_u");
  json.Uint64(last_id);
  json.Key("messages_received");
  json.Uint64(session.messages_received);
  json.Key("pings_sent");
  json.Uint64(session.pings_sent);
  json.Key("pongs_received");
  json.Uint64(session.pongs_received);
  json.Key("stalled");
  json.Bool(session.is_stalled(now));
  json.Key("route");
  json.String(session.route == Route::public_data   ? "public"
              : session.route == Route::market_data ? "market"
                                                    : "");
  json.Key("silent_streams");
  json.Uint64(session.silent_streams);
  json.EndObject();
}

void write_feed(JsonWriter& json, const SymbolFeed& feed, bool generation_stopped) {
  json.StartObject();
  json.Key("symbol");
  json.String(feed.symbol());
  json.Key("status");
  json.String(SymbolFeed::status_name(feed.status()));
  json.Key("rate");
  json.Double(feed.rate());
  json.Key("started");
  json.Bool(feed.started());
  json.Key("finished");
  json.Bool(feed.finished() || generation_stopped);
  const SymbolFeed::TradeCounts& trades = feed.trade_counts();
  json.Key("trade_events_sent");
  json.Uint64(trades.trades_sent);
  json.Key("agg_trade_events_sent");
  json.Uint64(trades.agg_trades_sent);
  json.Key("trades_generated");
  json.Uint64(trades.trades_generated);
  json.Key("agg_trades_generated");
  json.Uint64(trades.agg_trades_generated);
  json.Key("last_trade_id");
  json.Uint64(trades.last_trade_id);
  json.Key("last_agg_trade_id");
  json.Uint64(trades.last_agg_trade_id);
  json.Key("agg_trades_requests");  // aggTrades REST queries of this symbol answered
  json.Uint64(trades.agg_trades_requests);
  json.Key("agg_trades_served");  // aggregate trades in those answers
  json.Uint64(trades.agg_trades_served);
  json.Key("rpi_events_sent");  // rpiDepth frames, every subscriber
  json.Uint64(feed.rpi_events_sent());
  json.Key("rpi_last_update_id");  // the RPI book's (0: not started)
  const RpiBook* rpi = feed.rpi_if_started();
  json.Uint64(rpi != nullptr ? rpi->book().last_update_id() : 0);
  const SymbolFeed::KlineCounts& klines = feed.kline_counts();
  json.Key("kline_events_sent");  // open-candle updates and closing ones, every kline stream
  json.Uint64(klines.updates_sent + klines.closed_sent);
  json.Key("closed_kline_events_sent");
  json.Uint64(klines.closed_sent);
  json.Key("kline_candles_closed");  // per interval tape, sent or not
  json.Uint64(klines.candles_closed);
  json.Key("kline_candles_skipped");  // kline_skip
  json.Uint64(klines.candles_skipped);
  json.Key("mark_price_events_sent");
  json.Uint64(feed.market_event_counts().mark_prices_sent);
  json.Key("force_order_events_sent");
  json.Uint64(feed.market_event_counts().force_orders_sent);
  json.Key("book_ticker_events_sent");  // bookTicker frames, every subscriber
  json.Uint64(feed.market_event_counts().book_tickers_sent);
  json.Key("events_generated");
  json.Uint64(feed.book().events_generated());
  json.Key("last_update_id");
  json.Uint64(feed.book().book().last_update_id());
  json.Key("bid_levels");
  json.Uint64(feed.book().book().size(true));
  json.Key("ask_levels");
  json.Uint64(feed.book().book().size(false));
  json.EndObject();
}

}  // namespace

std::string Exchange::stats_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  const auto now = Clock::now();
  json.StartObject();
  json.Key("market");
  json.String(std::string(market_name(options_.market)));
  json.Key("tls");
  json.Bool(options_.tls);
  json.Key("uptime_ms");
  json.Int64(std::chrono::duration_cast<std::chrono::milliseconds>(now - started_at_).count());
  json.Key("paused");
  json.Bool(paused_);
  json.Key("generation_stopped");
  json.Bool(generation_stopped_);

  json.Key("symbols");
  json.StartArray();
  for (const auto& feed : feeds_) write_feed(json, *feed, generation_stopped_);
  json.EndArray();

  if (replay_) {
    json.Key("replay");
    json.StartObject();
    json.Key("file");
    json.String(options_.replay_file);
    json.Key("items");
    json.Uint64(replay_->items().size());
    json.Key("position");
    json.Uint64(replay_->position());
    json.Key("started");
    json.Bool(replay_->started());
    json.Key("snapshot_reached");  // every symbol's
    json.Bool(replay_->every_snapshot_reached());
    json.Key("time_units");
    json.String(replay_->time_units());
    json.EndObject();
  }
  json.Key("replay_done");
  json.Bool(replay_ && replay_->done());

  json.Key("connections");
  json.StartArray();
  std::vector<const ClientSession*> listed;  // open and recently closed, in the order they opened
  for (const auto* sessions : {&closed_sessions_, &sessions_}) {
    for (const auto& [id, session] : *sessions) listed.push_back(&session);
  }
  std::sort(listed.begin(), listed.end(),
            [](const ClientSession* a, const ClientSession* b) { return a->number < b->number; });
  for (const ClientSession* session : listed) write_session(json, *session, now);
  json.EndArray();
  json.Key("open_connections");
  json.Uint64(sessions_.size());
  json.Key("connections_refused");
  json.Uint64(connections_refused_);
  json.Key("handshakes_held");
  json.Uint64(handshakes_held_);
  json.Key("snapshots_served");
  json.Uint64(snapshots_served_);
  json.Key("agg_trades_requests");  // aggTrades REST queries answered, every symbol
  json.Uint64(agg_trades_requests_);
  json.Key("http_requests");
  json.Uint64(http_requests_);
  json.Key("pings_sent");
  json.Uint64(pings_sent_);
  json.Key("pongs_received");
  json.Uint64(pongs_received_);
  json.Key("rest_faults_pending");
  json.Uint64(rest_faults_.size());
  write_limits(json);
  json.Key("faults");
  json.StartObject();
  for (const auto& [kind, count] : faults_injected_) {
    json.Key(kind.c_str());
    json.Uint64(count);
  }
  json.EndObject();
  json.EndObject();
  return buffer.GetString();
}

void Exchange::write_limits(rapidjson::Writer<rapidjson::StringBuffer>& json) const {
  json.Key("limits");
  json.StartObject();
  json.Key("max_streams_per_connection");
  json.Uint64(options_.max_streams_per_connection);
  json.Key("stream_limit_refusals");
  json.Uint64(stream_limit_refusals_);
  json.Key("message_limit_per_sec");
  json.Int(options_.message_limit_per_sec);
  json.Key("message_limit_closes");
  json.Uint64(message_limit_closes_);
  std::uint64_t silent = 0;
  for (const auto& [id, session] : sessions_) silent += session.silent_streams;
  json.Key("route_silent_streams");  // open connections' streams on the wrong USD-M route
  json.Uint64(silent);
  json.Key("rest");
  json.StartObject();
  json.Key("weight_limit_1m");
  json.Uint64(rest_budget_->limit());
  json.Key("used_weight_1m");
  json.Uint64(rest_budget_->used_in_minute());
  json.Key("window_ms");  // 60000 unless --rest-weight-window-ms (tests shorten it)
  json.Int64(rest_budget_->window().count());
  json.Key("max_used");  // the most weight any window held
  json.Uint64(rest_budget_->max_used());
  json.Key("requests");
  json.Uint64(rest_budget_->requests());
  json.Key("weight_spent");
  json.Uint64(rest_budget_->weight_spent());
  json.Key("rejected_429");
  json.Uint64(rest_budget_->rejected_429());
  json.Key("rejected_418");
  json.Uint64(rest_budget_->rejected_418());
  json.Key("bans");
  json.Uint64(rest_budget_->bans());
  json.EndObject();
  json.Key("listings");
  json.Uint64(listings_);
  json.Key("delistings");
  json.Uint64(delistings_);
  json.EndObject();
}

std::string Exchange::symbol_stats_json(const std::string& symbol) const {
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  const auto found = feed_by_symbol_.find(symbol);
  if (found == feed_by_symbol_.end()) return R"({"code":-1121,"msg":"Invalid symbol."})";
  json.StartObject();
  json.Key("market");
  json.String(std::string(market_name(options_.market)));
  json.Key("symbol");
  write_feed(json, *found->second, generation_stopped_);
  json.Key("connections");  // what each connection was sent of this symbol
  json.StartArray();
  for (const auto* sessions : {&closed_sessions_, &sessions_}) {
    for (const auto& [id, session] : *sessions) {
      const auto progress = session.depth_by_symbol.find(symbol);
      if (progress == session.depth_by_symbol.end()) continue;
      json.StartObject();
      json.Key("id");
      json.Uint64(session.number);
      json.Key("open");
      json.Bool(session.can_send());
      json.Key("events");
      json.Uint64(progress->second.events);
      json.Key("delivered");
      json.Uint64(progress->second.delivered);
      json.Key("first_U");
      json.Uint64(progress->second.first_id);
      json.Key("last_u");
      json.Uint64(progress->second.last_id);
      json.EndObject();
    }
  }
  json.EndArray();
  json.EndObject();
  return buffer.GetString();
}

}  // namespace depthsim

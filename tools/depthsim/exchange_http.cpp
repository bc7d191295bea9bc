// REST endpoints (depth snapshot, server time, exchangeInfo, aggTrades) and the /sim/* control
// endpoints.
#include "exchange.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "exchange_info.hpp"
#include "payload_format.hpp"

namespace depthsim {

HttpReply json_error(int status, int code, const std::string& message) {
  std::string body = "{\"code\":" + std::to_string(code) + ",\"msg\":";
  append_json_string(body, message);
  body += "}";
  return HttpReply{status, body, {}};
}

namespace {

HttpReply ok(std::string body) {
  return HttpReply{200, std::move(body), {}};
}

bool starts_with_rest(const std::string& kind) {
  return kind.rfind("rest_", 0) == 0;
}

// The snapshot with lastUpdateId 10^12 ahead of the stream: no event will ever join it.
std::string snapshot_ahead(std::string body) {
  const std::string key = "\"lastUpdateId\":";
  const std::size_t at = body.find(key);
  if (at == std::string::npos) return body;
  const std::size_t begin = at + key.size();
  const std::size_t end = body.find_first_not_of("0123456789", begin);
  const std::uint64_t id = std::stoull(body.substr(begin, end - begin));
  body.replace(begin, end - begin, std::to_string(id + 1'000'000'000'000ULL));
  return body;
}

bool is_time_path(const std::string& path) {
  return path == "/fapi/v1/time" || path == "/dapi/v1/time" || path == "/api/v3/time";
}

bool is_binance_path(const std::string& path) {
  return path.rfind("/api/", 0) == 0 || path.rfind("/fapi/", 0) == 0 ||
         path.rfind("/dapi/", 0) == 0;
}

}  // namespace

std::optional<HttpReply> Exchange::charge_rest_weight(const RequestTarget& target) {
  long limit = is_futures(options_.market) ? 500 : 100;
  if (std::optional<std::string> text = target.param("limit")) {
    limit = parse_long_in(*text, 0, 1'000'000).value_or(limit);
  }
  const RestWeightBudget::Decision decision =
      rest_budget_->admit(rest_request_weight(options_.market, target.path, limit));
  if (decision.status == 200) return std::nullopt;
  HttpReply reply =
      decision.status == 429
          ? json_error(429, -1003,
                       "Too many requests; current limit of IP(127.0.0.1) is " +
                           std::to_string(rest_budget_->limit()) +
                           " requests per minute. Please use the websocket for live updates.")
          : json_error(418, -1003,
                       "Way too many requests; IP(127.0.0.1) banned until it waits " +
                           std::to_string(decision.retry_after_s) + " s.");
  reply.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_s));
  return reply;
}

std::optional<HttpReply> Exchange::on_http(ConnectionId id, const std::string& method,
                                           const std::string& resource) {
  ++http_requests_;
  const RequestTarget target = parse_request_target(resource);
  std::optional<HttpReply> reply = answer_http(id, method, target);
  // Every answer carries the minute's weight, as Binance's do (a deferred one when it is sent).
  if (reply) {
    reply->headers.emplace_back("X-MBX-USED-WEIGHT-1M",
                                std::to_string(rest_budget_->used_in_minute()));
  }
  return reply;
}

std::optional<HttpReply> Exchange::answer_http(ConnectionId id, const std::string& method,
                                               const RequestTarget& target) {
  if (shutting_down_) return json_error(503, -1001, "Server is shutting down.");
  if (method != "GET") return json_error(405, -1, "Only GET is supported.");
  if (is_binance_path(target.path)) {
    if (std::optional<HttpReply> refused = charge_rest_weight(target)) return refused;
  }
  if (target.path == depth_rest_path(options_.market)) {
    bool deferred = false;
    HttpReply reply = snapshot_reply(target, deferred, id);
    if (deferred) return std::nullopt;
    return reply;
  }
  if (target.path == agg_trades_rest_path(options_.market)) return agg_trades_reply(target);
  if (options_.market == Market::usdm && target.path == "/fapi/v1/rpiDepth")
    return rpi_snapshot_reply(target);
  if (is_time_path(target.path))
    return ok("{\"serverTime\":" + std::to_string(server_time_reply_ms()) + "}");
  if (target.path == exchange_info_rest_path(options_.market)) {
    std::vector<std::string> halted;
    const std::vector<std::string> listed = listed_symbols(halted);
    HttpReply reply = ok(render_exchange_info(options_.market, listed, exchange_now_ms(), halted));
    if (malformed_info_replies_ > 0) {
      --malformed_info_replies_;
      count_fault(rest_fault_name(RestFaultKind::info_malformed));
      reply.body.resize(reply.body.size() / 2);  // a 200 answer that is not JSON
    }
    return reply;
  }
  if (target.path == "/sim/stats") {
    if (std::optional<std::string> symbol = target.param("symbol"))
      return ok(symbol_stats_json(to_upper_ascii(*symbol)));
    return ok(stats_json());
  }
  if (target.path == "/sim/list") return list_reply(target);
  if (target.path == "/sim/delist") return delist_reply(target);
  if (target.path == "/sim/truth") return truth_reply(target);
  if (target.path == "/sim/fault") return fault_reply(target);
  if (target.path == "/sim/pause") return pause_reply(true);
  if (target.path == "/sim/resume") return pause_reply(false);
  if (target.path == "/sim/hold-handshakes") return hold_handshakes_reply(target);
  return json_error(404, -1, "Not found: " + target.path);
}

HttpReply Exchange::snapshot_reply(const RequestTarget& target, bool& deferred, ConnectionId id) {
  const std::optional<std::string> symbol = target.param("symbol");
  if (!symbol || symbol->empty()) {
    return json_error(400, -1102,
                      "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  }
  const bool futures = is_futures(options_.market);
  long limit = futures ? 500 : 100;
  if (std::optional<std::string> text = target.param("limit")) {
    const std::optional<long> parsed = parse_long_in(*text, 0, 1'000'000);
    if (!parsed || !is_valid_depth_limit(options_.market, *parsed)) {
      return json_error(400, -1100,
                        futures ? "Illegal characters found in parameter 'limit'; legal "
                                  "values are 5, 10, 20, 50, 100, 500, 1000."
                                : "Illegal characters found in parameter 'limit'; legal "
                                  "range is '1' to '5000'.");
    }
    limit = *parsed;
  }
  // A symbol removed from exchangeInfo (/sim/delist &remove=1) is unknown to REST too; a BREAK
  // one still answers with its frozen book.
  const SymbolFeed* listed = replay_ ? nullptr : feed_for(*symbol);
  const bool known = replay_ ? replay_->has_symbol(*symbol)
                             : listed != nullptr && listed->status() != SymbolFeed::Status::removed;
  if (!known) return json_error(400, -1121, "Invalid symbol.");

  std::optional<RestFaultKind> fault;
  if (!rest_faults_.empty()) {
    fault = rest_faults_.front();
    rest_faults_.pop_front();
    count_fault(rest_fault_name(*fault));
  }
  if (fault == RestFaultKind::too_many_requests) {
    HttpReply reply =
        json_error(429, -1003, "Too many requests; please use the websocket for live updates.");
    reply.headers.emplace_back("Retry-After", "1");
    return reply;
  }
  if (fault == RestFaultKind::banned) {
    HttpReply reply = json_error(418, -1003, "Way too many requests; IP banned for 2 seconds.");
    reply.headers.emplace_back("Retry-After", "2");
    return reply;
  }
  if (fault == RestFaultKind::server_error) {
    return json_error(500, -1000, "An unknown error occurred while processing the request.");
  }

  if (replay_) {
    // The recorded snapshot of this symbol exists only once the replay has reached its place.
    const ReplayItem* snapshot = replay_->snapshot(*symbol);
    if (snapshot == nullptr) {
      return json_error(503, -1,
                        replay_->unattributed_snapshots() > 0
                            ? "The replay file's snapshots name no symbol and it holds several "
                              "symbols: not guessed."
                            : "The replay file holds no snapshot of " + *symbol + ".");
    }
    if (!replay_->snapshot_reached(*symbol)) {
      waiting_for_replay_snapshot_.emplace_back(id, *symbol);
      deferred = true;
      return {};
    }
    ++snapshots_served_;
    return ok(std::string(snapshot->text));
  }

  SymbolFeed& feed = *feed_for(*symbol);
  const std::int64_t now_ms = exchange_now_ms();
  const LevelBook book =
      fault == RestFaultKind::stale ? feed.book().book_before(50) : feed.book().book();
  HttpReply reply = ok(render_snapshot(options_.market, feed.book().spec(), book,
                                       static_cast<std::size_t>(limit), now_ms, now_ms - 1));
  if (fault == RestFaultKind::pretty) reply.body = pretty_json(reply.body, "\n");
  if (fault == RestFaultKind::ahead) reply.body = snapshot_ahead(reply.body);
  ++snapshots_served_;
  if (fault == RestFaultKind::truncated) {
    reply.announced_length = reply.body.size();
    reply.body.resize(reply.body.size() / 2);
  }
  if (fault == RestFaultKind::timeout) {
    defer_reply(id, std::chrono::milliseconds(options_.rest_delay_ms), std::move(reply));
    deferred = true;
    return {};
  }
  return reply;
}

void Exchange::send_http(ConnectionId id, HttpReply reply) {
  if (server_ == nullptr) return;
  reply.headers.emplace_back("X-MBX-USED-WEIGHT-1M",
                             std::to_string(rest_budget_->used_in_minute()));
  server_->reply_http(id, reply);
}

void Exchange::defer_reply(ConnectionId id, std::chrono::milliseconds delay, HttpReply reply) {
  auto timer = std::make_unique<asio::steady_timer>(io_, delay);
  timer->async_wait([this, id, reply = std::move(reply)](const asio::error_code& error) {
    if (!error && server_ != nullptr) send_http(id, reply);
    delayed_replies_.erase(id);
  });
  delayed_replies_[id] = std::move(timer);
}

HttpReply Exchange::truth_reply(const RequestTarget& target) const {
  if (replay_)
    return json_error(400, -1, "No ground truth in replay mode: use the recorded bookTicker.");
  const std::optional<std::string> symbol = target.param("symbol");
  if (!symbol) return json_error(400, -1102, "Mandatory parameter 'symbol' was not sent.");
  const std::optional<std::string> which = target.param("book");
  if (which && *which != "rpi") return json_error(400, -1100, "book must be rpi (or absent).");
  for (const auto& feed : feeds_) {
    if (feed->symbol() != *symbol) continue;
    const std::int64_t now_ms = exchange_now_ms();
    const RpiBook* rpi = feed->rpi_if_started();
    if (which && rpi == nullptr)
      return json_error(400, -1, "No RPI book: nothing subscribed or fetched it yet.");
    return ok(render_snapshot(options_.market, feed->book().spec(),
                              which ? rpi->book() : feed->book().book(), 0, now_ms, now_ms));
  }
  return json_error(400, -1121, "Invalid symbol.");
}

HttpReply Exchange::fault_reply(const RequestTarget& target) {
  const std::optional<std::string> kind_text = target.param("kind");
  if (!kind_text) return json_error(400, -1102, "Mandatory parameter 'kind' was not sent.");
  std::uint64_t count = 1;
  if (std::optional<std::string> text = target.param("count")) {
    const std::optional<long> parsed = parse_long_in(*text, 1, 1'000'000);
    if (!parsed) return json_error(400, -1100, "count must be an integer from 1 to 1000000.");
    count = static_cast<std::uint64_t>(*parsed);
  }
  if (starts_with_rest(*kind_text)) {
    const std::optional<RestFaultKind> rest = parse_rest_fault_kind(*kind_text);
    if (!rest) return json_error(400, -1100, "Unknown REST fault kind: " + *kind_text);
    for (std::uint64_t i = 0; i < count; ++i) queue_rest_fault(*rest);
    return ok("{\"injected\":\"" + std::string(rest_fault_name(*rest)) +
              "\",\"count\":" + std::to_string(count) + "}");
  }
  const std::optional<FaultKind> kind = parse_fault_kind(*kind_text);
  if (!kind) return json_error(400, -1100, "Unknown fault kind: " + *kind_text);
  StreamFault fault{*kind, default_fault_arg(*kind)};
  if (std::optional<std::string> arg = target.param("arg")) {
    const std::optional<long> parsed = parse_long_in(*arg, 0, 1'000'000'000);
    if (!parsed) return json_error(400, -1100, "arg must be a non-negative integer.");
    fault.arg = static_cast<double>(*parsed);
  }
  std::vector<std::string> symbols;
  for (const auto& feed : feeds_) symbols.push_back(feed->symbol());
  if (replay_) symbols = options_.symbols;
  if (std::optional<std::string> symbol = target.param("symbol")) {
    if (!feed_for(*symbol) && !(replay_ && replay_->has_symbol(*symbol))) {
      return json_error(400, -1121, "Invalid symbol.");
    }
    symbols = {*symbol};
  }
  std::optional<std::uint64_t> connection;  // the connection's id in /sim/stats
  if (std::optional<std::string> text = target.param("conn")) {
    const std::optional<long> parsed = parse_long_in(*text, 1, 1'000'000'000);
    if (!parsed) return json_error(400, -1100, "conn must be a connection id from /sim/stats.");
    connection = static_cast<std::uint64_t>(*parsed);
  }
  if (replay_ && !is_connection_fault(*kind)) {
    return json_error(400, -1, "Only connection faults apply to a replay.");
  }
  inject_stream_fault(fault, symbols, connection, count);
  return ok("{\"injected\":\"" + std::string(fault_name(*kind)) +
            "\",\"count\":" + std::to_string(count) + "}");
}

HttpReply Exchange::pause_reply(bool pause) {
  if (paused_ != pause) {
    paused_ = pause;
    if (!pause) {
      const auto now = Clock::now();
      for (auto& feed : feeds_) feed->rebase(now);
      schedule_generation(now);
    } else {
      generation_timer_.cancel();
    }
  }
  std::string body = "{\"paused\":";
  body += paused_ ? "true" : "false";
  body += "}";
  return ok(body);
}

HttpReply Exchange::hold_handshakes_reply(const RequestTarget& target) {
  const std::optional<std::string> count_text = target.param("count");
  const std::optional<std::string> ms_text = target.param("ms");
  const std::optional<long> count =
      count_text ? parse_long_in(*count_text, 0, 1'000'000) : std::optional<long>(1);
  // Below websocketpp's 5 s open-handshake timeout, which keeps running while the answer waits.
  const std::optional<long> ms = ms_text ? parse_long_in(*ms_text, 1, 4000) : std::nullopt;
  if (!count || !ms)
    return json_error(400, -1100, "count must be 0 to 1000000 and ms 1 to 4000 (mandatory).");
  handshakes_to_hold_ = static_cast<std::uint64_t>(*count);
  handshake_hold_ = std::chrono::milliseconds(*ms);
  return ok("{\"hold_next\":" + std::to_string(handshakes_to_hold_) +
            ",\"ms\":" + std::to_string(*ms) + "}");
}

std::chrono::milliseconds Exchange::handshake_hold(ConnectionId) {
  if (handshakes_to_hold_ == 0) return std::chrono::milliseconds(0);
  --handshakes_to_hold_;
  ++handshakes_held_;
  return handshake_hold_;
}

}  // namespace depthsim

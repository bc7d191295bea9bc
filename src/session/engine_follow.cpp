// Engine: `--symbols ALL` followed while running (issue 12, item 2). Every
// --exchange-info-interval-sec each ALL market's exchangeInfo is fetched again through the shared
// RestScheduler (low priority: snapshots go first), diffed against what is recorded
// (binance::follow_exchange_info) and applied on the network thread:
//   listed  -> a new EngineStream, placed by SubscriptionFollow on a live connection with room
//              (SUBSCRIBE, paced per connection) or on a new connection (paced by the
//              ConnectionPacer); its book syncs from its first event like any other;
//   removed -> UNSUBSCRIBE (paced), its FeedSession stopped and taken off its connection's
//              routing, its metrics kept as "removed"; a connection left empty is closed.
// Each request and each answer is a record of the `connections` stream. A failed or malformed
// exchangeInfo keeps the current symbols.
//
// Reconnects and rollovers use the current stream set: whatever socket opens next names its first
// streams in its URL and SUBSCRIBEs the rest of the current set (engine_opening.cpp), and the
// requests queued or awaited for a connection that closed are dropped (on_connection_reset). A
// rollover's successor SUBSCRIBEs what it carries at its open: the follow's own requests of a
// connection rolling over are held until the successor took over, then sent on it
// (SubscriptionFollow::hold). That is simpler than replaying requests after a reconnect, and a
// reconnect resyncs every book on it anyway.
#include <algorithm>
#include <utility>

#include "depthrec/peer_text.hpp"
#include "depthrec/records.hpp"
#include "depthrec/stream_member_format.hpp"
#include "session/engine.hpp"
#include "session/exchange_info_fetch.hpp"
#include "session/market_endpoints.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {
namespace {

std::string market_symbol(Market market, const std::string& symbol) {
  return std::string(to_string(market)) + ":" + symbol;
}

// The answer text an error record and log line quote: bounded, the peer's bytes made safe.
constexpr std::size_t kAnswerQuoteBytes = 200;

}  // namespace

void Engine::start_follow() {
  arm_pump();  // the pongs count from the start (every run: connections SUBSCRIBE at open)
  if (!config_.symbol_selection.has_all() || config_.exchange_info_interval_sec <= 0) return;
  loop_->schedule_every(std::chrono::seconds(config_.exchange_info_interval_sec),
                        [this] { poll_exchange_info(); });
}

void Engine::poll_exchange_info() {
  if (poll_waiting_ > 0 || stop_requested_) return;  // the last poll has not finished
  const std::vector<Market> markets = config_.symbol_selection.markets();
  poll_infos_.clear();
  poll_waiting_ = markets.size();
  for (Market market : markets) {
    ExchangeInfoRequest request;
    request.market = market;
    request.rest_endpoint = rest_endpoint_of(config_, market);
    request.budget = rest_scheduler_->find_budget(rest_budget_name(market)).value();
    request.priority = transport::RestPriority::low;
    request_exchange_info(
        *rest_scheduler_, request, [this, market](std::string error, binance::ExchangeInfo info) {
          auto answer = std::make_shared<std::pair<std::string, binance::ExchangeInfo>>(
              std::move(error), std::move(info));
          loop_->post([this, market, answer] {
            on_exchange_info(market, answer->first, std::move(answer->second));
          });
        });
  }
}

void Engine::on_exchange_info(Market market, const std::string& error, binance::ExchangeInfo info) {
  if (error.empty()) {
    poll_infos_.push_back(std::move(info));
  } else {
    ++exchange_info_failures_;
    log_->log(LogLevel::error, "exchangeInfo of " + std::string(to_string(market)) +
                                   " failed while following: " + error +
                                   "; its symbols are kept as they are");
  }
  if (--poll_waiting_ > 0 || stop_requested_) return;
  // A market without an answer keeps its symbols (follow_exchange_info leaves it alone).
  const binance::ExchangeInfoChanges changes =
      binance::follow_exchange_info(config_.symbol_selection, resolution_, poll_infos_);
  poll_infos_.clear();
  if (!changes.empty()) apply_follow(changes);
}

void Engine::apply_follow(const binance::ExchangeInfoChanges& changes) {
  for (const binance::ResolvedSymbol& symbol : changes.retuned) {
    ++symbols_retuned_;
    log_->log(LogLevel::info, market_symbol(symbol.market, symbol.symbol) +
                                  " retuned by exchangeInfo: tick " + to_string(symbol.tick_size) +
                                  ", step " + to_string(symbol.step_size));
  }
  std::vector<std::pair<Market, std::string>> listed, removed;
  for (const binance::ResolvedSymbol& symbol : changes.listed)
    listed.emplace_back(symbol.market, symbol.symbol);
  for (const binance::RemovedSymbol& symbol : changes.removed)
    removed.emplace_back(symbol.symbol.market, symbol.symbol.symbol);
  const std::vector<SubscriptionKey> add = subscriptions_of(config_, listed);
  const std::vector<SubscriptionKey> remove = subscriptions_of(config_, removed);
  resolution_ = changes.next;

  // Streams are stopped before the plan changes: nothing is routed to them once their room is
  // given to a new listing.
  for (const binance::RemovedSymbol& symbol : changes.removed) {
    for (const auto& stream : streams_) {
      const StreamKey& key = stream->feed->key();
      if (stream->removed || key.market != symbol.symbol.market ||
          key.symbol != symbol.symbol.symbol)
        continue;
      ++symbols_removed_;
      log_->log(LogLevel::info, market_symbol(key.market, key.symbol) + " " + symbol.reason +
                                    ": unsubscribing " + key.stream);
      remove_stream(*stream, symbol.reason);
    }
    remove_symbol_channels(symbol.symbol.market, symbol.symbol.symbol, symbol.reason);
  }
  const plan::FollowChange change = follow_->apply(add, remove);
  for (const plan::KeyError& error : change.plan.errors)
    log_->log(LogLevel::error, "exchangeInfo follow: " + error.message);
  for (const auto& connection : connections_)
    close_if_empty(*connection, "its last stream was unsubscribed");

  // New depth streams (their bookTickers ride with them), each on the connection the planner
  // chose; one planned on a connection still to open joins it when it opens.
  const plan::SubscriptionTable& table = planner_->table();
  // A bookTicker is planned with its depth stream (KeyPlacement::by_symbol): none is unpaired.
  // Event channels have handlers of their own (add_listed_channels).
  std::vector<StreamId> books;
  for (StreamId id : change.added) {
    if (!is_event_channel(table.key(id).channel.kind)) books.push_back(id);
  }
  std::vector<StreamId> unpaired;
  for (const DepthWithTicker& pair : pair_with_tickers(table, books, unpaired)) {
    const StreamId id = pair.depth;
    const SubscriptionKey& key = table.key(id);
    std::unique_ptr<EngineStream> stream = make_stream(key, pair.ticker);
    EngineStream& added = *stream;
    {
      std::lock_guard<std::mutex> lock(streams_mutex_);
      if (by_depth_id_.size() <= id.value) by_depth_id_.resize(id.value + 1, nullptr);
      by_depth_id_[id.value] = stream.get();
      streams_.push_back(std::move(stream));
    }
    ++symbols_listed_;
    log_->log(LogLevel::info, market_symbol(key.market, key.symbol) + " listed: subscribing " +
                                  std::string(table.name(id)));
    const std::optional<std::uint32_t> planned = planner_->connection_of(id);
    if (planned && std::find(change.plan.opened.begin(), change.plan.opened.end(), *planned) ==
                       change.plan.opened.end())
      place_stream(added, *planned);
  }
  prefetch_if_many_books();
  add_listed_channels(change);
  pump_follow();  // what may go now goes now; the rest when its pacing allows
}

RecordContext Engine::connections_context(const EngineConnection& connection) const {
  // As the connection's connect/disconnect records: its first stream's identity, written to the
  // `connections` stream.
  RecordContext context;
  if (!connection.streams.empty()) {
    const StreamKey& key = connection.streams.front()->feed->key();
    context.market = key.market;
    context.symbol = key.symbol;
  } else if (!connection.channels.empty()) {  // a USD-M /market connection: channels only
    context.market = connection.channels.front()->handler->key().market;
    context.symbol = connection.channels.front()->handler->key().symbol;
  }
  context.stream = stream_member::kConnectionsStream;
  context.stream_id = kConnectionsWriterId;
  context.conn_id = connection.session->active_conn();
  return context;
}

EngineConnection* Engine::connection_by_planned_id(std::uint32_t planned_id) {
  for (const auto& connection : connections_) {
    if (connection->planned_id == planned_id && !connection->closed) return connection.get();
  }
  return nullptr;
}

void Engine::place_stream(EngineStream& stream, std::uint32_t planned_id) {
  EngineConnection* connection = connection_by_planned_id(planned_id);
  if (connection == nullptr) return;
  // A successor connecting or open now has the URL of before: it will not carry the stream.
  if (!connection->session->add_feed(*stream.feed, !connection->ws->rollover_pending())) {
    log_->log(LogLevel::error, "stream " + stream.feed->key().stream + " already carried");
    return;
  }
  connection->streams.push_back(&stream);
  stream.connection_id = planned_id;
  refresh_url(*connection);  // unchanged: a listing is SUBSCRIBEd, never in the URL
  allow_for_opening(*connection);
  // The connection is open already: the stream's sync begins with its first event.
  if (connection->session->active_conn() != 0)
    stream.feed->on_connected(connection->session->active_conn(), connection->url,
                              transport::now_ns());
}

void Engine::refresh_url(EngineConnection& connection) const {
  connection.url = url_of(connection);
  connection.ws->set_url(connection.url);
  connection.session->set_url(connection.url);
}

void Engine::remove_stream(EngineStream& stream, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(streams_mutex_);  // metrics() reads `removed`
    stream.removed = true;
    stream.removed_reason = reason;
  }
  stream.feed->stop(reason);
  for (const auto& connection : connections_) {
    auto it = std::find(connection->streams.begin(), connection->streams.end(), &stream);
    if (it == connection->streams.end()) continue;
    connection->session->remove_feed(*stream.feed, transport::now_ns());
    connection->streams.erase(it);
    connection->in_url.erase(
        std::remove(connection->in_url.begin(), connection->in_url.end(), &stream),
        connection->in_url.end());
    if (!connection->streams.empty()) {
      allow_for_opening(*connection);
      refresh_url(*connection);
    }
  }
}

void Engine::close_if_empty(EngineConnection& connection, const std::string& reason) {
  if (!connection.streams.empty() || !connection.channels.empty() || connection.closed) return;
  connection.closed = true;
  log_->log(LogLevel::info,
            "connection [" + std::to_string(connection.planned_id) + "] closed: " + reason);
  const RecordContext context = connections_context(connection);
  append_subscription_record(follow_line_, context, transport::now_ns(), "unsubscribe", reason, {},
                             0);
  if (config_.write_files) write(follow_line_, context, true);
  connection.ws->stop();  // close 1000; stopped: no reconnect
}

void Engine::arm_pump() {
  if (!follow_ || pump_armed_ || stop_requested_) return;
  // Pongs count against a connection's message limit: checked at least once a second.
  std::chrono::milliseconds delay(1000);
  if (const std::optional<plan::PaceClock::time_point> next = follow_->next_due()) {
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(*next - plan::PaceClock::now());
    delay = std::clamp(wait + std::chrono::milliseconds(1), std::chrono::milliseconds(0), delay);
  }
  pump_armed_ = true;
  loop_->schedule(delay, [this] {
    pump_armed_ = false;
    pump_follow();
  });
}

void Engine::pump_follow() {
  if (stop_requested_) return;
  const plan::PaceClock::time_point now = plan::PaceClock::now();
  // The client answers the server's pings itself; each pong it sent is one message counted.
  for (const auto& connection : connections_) {
    const std::uint64_t pongs = connection->ws->stats().pings_received;
    for (; connection->pongs_counted < pongs; ++connection->pongs_counted)
      follow_->on_control_sent(connection->planned_id, now);
  }
  // A connection rolling over keeps its requests: its successor opened with the URL of before,
  // so a SUBSCRIBE sent now would reach only the connection about to be retired. Once the
  // successor took over (or the rollover failed and the connection reconnects with the current
  // URL), they go on the connection that carries on; its new streams then sync like any listing.
  for (const auto& connection : connections_) {
    if (connection->closed) continue;
    if (connection->ws->rollover_pending())
      follow_->hold(connection->planned_id);
    else
      follow_->release(connection->planned_id);
  }
  const plan::SubscriptionTable& table = planner_->table();
  for (const plan::StreamRequest& request : follow_->due(now)) {
    EngineConnection* connection = connection_by_planned_id(request.connection);
    std::vector<std::string> names;
    for (StreamId id : request.streams) names.emplace_back(table.name(id));
    const bool subscribe = request.method == venues::StreamMethod::subscribe;
    std::string reason = subscribe ? "listed" : removal_reason(request.streams);
    // An opening's SUBSCRIBE goes on the socket it completes (maybe a rollover's successor).
    const bool opening = request.conn_id != 0;
    if (opening) reason = "open";
    if (connection == nullptr ||
        !(opening ? connection->ws->send_text_on(request.conn_id, request.text)
                  : connection->ws->send_text(request.text))) {
      // Not open: the next socket SUBSCRIBEs the connection's current streams when it opens.
      log_->log(LogLevel::warning, std::string(subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " " +
                                       std::to_string(request.id) +
                                       " not sent: its connection is not open (its next "
                                       "connection carries the current streams)");
      if (opening)
        follow_->on_socket_closed(request.connection, request.conn_id);
      else
        follow_->on_connection_reset(request.connection);
      continue;
    }
    RecordContext context = connections_context(*connection);
    if (opening) context.conn_id = request.conn_id;
    append_subscription_record(follow_line_, context, transport::now_ns(),
                               subscribe ? "subscribe" : "unsubscribe", reason, names, request.id);
    if (config_.write_files) write(follow_line_, context, true);
    log_->log(LogLevel::info,
              "[" + std::to_string(connection->planned_id) + "] sent " + request.text);
  }
  for (std::uint32_t planned_id : follow_->connections_due(now)) {
    const plan::PlannedConnection* planned = planner_->connection(planned_id);
    if (planned == nullptr) continue;  // emptied again before it opened
    std::unique_ptr<EngineConnection> connection = make_connection(*planned);
    if (!connection) continue;
    EngineConnection& opened = *connection;
    {
      // stop() sets stop_requested_ before it stops every client under this lock: a connection
      // added after that is not started, one added before is stopped by it.
      std::lock_guard<std::mutex> lock(streams_mutex_);
      if (stop_requested_) return;
      connections_.push_back(std::move(connection));
    }
    log_->log(LogLevel::info, "connection [" + std::to_string(opened.planned_id) + "] opened for " +
                                  std::to_string(opened.streams.size()) + " new depth streams, " +
                                  opened.url);
    opened.ws->start();
  }
  arm_pump();
}

void Engine::on_subscription_reply(EngineConnection& connection, const SubscriptionReply& reply,
                                   std::string_view payload, std::int64_t recv_ns) {
  if (!follow_) return;
  const std::string text = peer_text(payload, kAnswerQuoteBytes);
  if (!reply.has_id) {
    if (reply.error) {
      ++subscription_errors_;
      log_->log(LogLevel::error, "[" + std::to_string(connection.planned_id) +
                                     "] request refused without an id: " + text);
    }
    return;
  }
  const plan::AnsweredRequest answered =
      follow_->on_answer(connection.planned_id, reply.id, !reply.error);
  if (answered.match == plan::AnswerMatch::unknown) {
    warn_frame("answer to no request of ours (id " + std::to_string(reply.id) + "): " + text);
    return;
  }
  const RecordContext context = connections_context(connection);
  append_subscription_answer_record(follow_line_, context, recv_ns, reply.id, !reply.error, text);
  if (config_.write_files) write(follow_line_, context, true);
  if (answered.match == plan::AnswerMatch::accepted) return;
  ++subscription_errors_;
  const plan::StreamRequest& request = *answered.request;
  const bool subscribe = request.method == venues::StreamMethod::subscribe;
  log_->log(LogLevel::error, "[" + std::to_string(connection.planned_id) + "] " +
                                 (subscribe ? "SUBSCRIBE " : "UNSUBSCRIBE ") +
                                 std::to_string(reply.id) + " refused: " + text);
  // A refused SUBSCRIBE: its streams get nothing, so they stop here (and say why) rather than
  // wait unsynced; a refused UNSUBSCRIBE changes nothing (the stream is stopped already).
  for (StreamId id : request.streams) {
    EngineChannel* channel = channel_by_id(id);
    if (channel != nullptr && subscribe && !channel->removed)
      remove_channel(*channel, "subscribe refused");
    EngineStream* stream = id.value < by_depth_id_.size() ? by_depth_id_[id.value] : nullptr;
    if (stream == nullptr) continue;
    ++stream->subscription_errors;
    if (subscribe && !stream->removed) remove_stream(*stream, "subscribe refused");
  }
  close_if_empty(connection, "its only streams' SUBSCRIBE was refused");
}

}  // namespace depthrec::session

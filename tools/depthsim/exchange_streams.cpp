// WebSocket sessions: upgrade paths, live subscriptions, fan-out of events, stream faults.
#include "exchange.hpp"

#include <asio/post.hpp>

#include <algorithm>

#include "payload_format.hpp"

namespace depthsim {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::vector<std::string> split_streams(std::string_view text) {
  std::vector<std::string> streams;
  while (!text.empty()) {
    const std::size_t slash = text.find('/');
    if (slash != 0) streams.emplace_back(text.substr(0, slash));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return streams;
}

// ccxt pro opens /ws/<n> (USD-M /public/ws/<n>), <n> being its own connection index, and then
// subscribes; Binance opens such a connection with no stream. A stream name never is all digits.
bool is_client_connection_index(std::string_view segment) {
  return !segment.empty() &&
         std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Route route_of(std::string_view path) {
  if (starts_with(path, "/public") && (path.size() == 7 || path[7] == '/'))
    return Route::public_data;
  if (starts_with(path, "/market") && (path.size() == 7 || path[7] == '/'))
    return Route::market_data;
  return Route::none;
}

}  // namespace

Exchange::UpgradeRequest Exchange::parse_upgrade(const std::string& resource) const {
  const RequestTarget target = parse_request_target(resource);
  std::string_view path = target.path;
  // Binance's routed futures hosts put /public or /market before the usual paths.
  for (std::string_view prefix : {"/public", "/market"}) {
    if (starts_with(path, prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
      path.remove_prefix(prefix.size());
    }
  }
  UpgradeRequest request;
  if (path == "/ws" || path == "/ws/") {
    request.combined = false;
  } else if (starts_with(path, "/ws/")) {
    request.combined = false;
    request.streams = split_streams(path.substr(4));
    request.streams.erase(std::remove_if(request.streams.begin(), request.streams.end(),
                                         [](const std::string& segment) {
                                           return is_client_connection_index(segment);
                                         }),
                          request.streams.end());
  } else if (path == "/stream" || path == "/stream/") {
    request.combined = true;
    if (auto streams = target.param("streams")) request.streams = split_streams(*streams);
  } else {
    request.not_found = true;
    return request;
  }
  for (const std::string& stream : request.streams) {
    if (!is_servable_stream(stream)) {
      request.error = "Invalid stream name: " + stream;
      return request;
    }
  }
  if (request.streams.size() > options_.max_streams_per_connection) {
    request.error = "Too many streams: " + std::to_string(request.streams.size()) + " (limit " +
                    std::to_string(options_.max_streams_per_connection) + ")";
  }
  return request;
}

bool Exchange::is_servable_stream(std::string_view stream) const {
  if (replay_) {
    // A well-formed stream the capture lacks is accepted and stays silent, as Binance does for
    // a stream with no traffic.
    return std::find(replay_->streams().begin(), replay_->streams().end(), stream) !=
               replay_->streams().end() ||
           parse_stream_name(stream, options_.market).has_value();
  }
  const std::optional<StreamName> name = parse_stream_name(stream, options_.market);
  if (!name) return false;
  return feed_by_symbol_.count(name->symbol) > 0;
}

std::optional<HttpReply> Exchange::validate_upgrade(ConnectionId, const std::string& resource) {
  if (shutting_down_)
    return HttpReply{503, R"({"code":-1001,"msg":"Server is shutting down."})", {}};
  const UpgradeRequest request = parse_upgrade(resource);
  if (request.not_found) {
    ++connections_refused_;
    return HttpReply{404, R"({"code":-1,"msg":"Not found"})", {}};
  }
  if (!request.error.empty()) {
    ++connections_refused_;
    if (request.error.rfind("Too many streams", 0) == 0) ++stream_limit_refusals_;
    std::string body = "{\"code\":-1,\"msg\":";
    append_json_string(body, request.error);
    body += "}";
    return HttpReply{400, body, {}};
  }
  return std::nullopt;
}

void Exchange::on_open(ConnectionId id, const std::string& resource) {
  const UpgradeRequest request = parse_upgrade(resource);
  ClientSession& session = sessions_[id];
  session.id = id;
  session.number = ++sessions_opened_;
  session.resource = resource;
  if (options_.market == Market::usdm)
    session.route = route_of(parse_request_target(resource).path);
  session.subscriptions.combined = request.combined;
  session.subscriptions.streams = request.streams;
  const auto now = Clock::now();
  session.opened_at = now;
  session.last_ping_at = now;
  session.message_window_start = now;
  apply_subscriptions(session);
}

SymbolFeed* Exchange::feed_for(const std::string& symbol) {
  const auto found = feed_by_symbol_.find(symbol);
  return found == feed_by_symbol_.end() ? nullptr : found->second;
}

SymbolFeed& Exchange::add_feed(const std::string& symbol, double rate) {
  feeds_.push_back(std::make_unique<SymbolFeed>(options_.market, symbol, options_.seed, rate,
                                                options_.trade_history));
  feed_by_symbol_[symbol] = feeds_.back().get();
  return *feeds_.back();
}

bool Exchange::route_delivers(const ClientSession& session, StreamKind kind) const {
  // USD-M: aggTrade, kline, markPrice and forceOrder are /market streams, every other one
  // depthsim generates (depth, bookTicker, trade) a /public one; a connection of the other route
  // acknowledges it and stays silent, as Binance's does (a connection with no route gets /public
  // data only).
  if (options_.market != Market::usdm) return true;
  if (kind == StreamKind::agg_trade || kind == StreamKind::kline ||
      kind == StreamKind::mark_price || kind == StreamKind::force_order)
    return session.route == Route::market_data;
  return session.route != Route::market_data;
}

const std::vector<Exchange::Subscriber>& Exchange::subscribers_of(const SymbolFeed& feed) const {
  static const std::vector<Subscriber> kNone;
  const auto found = subscribers_.find(&feed);
  return found == subscribers_.end() ? kNone : found->second;
}

void Exchange::unindex_subscriptions(ClientSession& session) {
  for (const std::string& symbol : session.indexed_symbols) {
    SymbolFeed* feed = feed_for(symbol);
    if (feed == nullptr) continue;
    auto found = subscribers_.find(feed);
    if (found == subscribers_.end()) continue;
    std::vector<Subscriber>& list = found->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Subscriber& s) { return s.session == &session; }),
               list.end());
    if (list.empty()) subscribers_.erase(found);
  }
  session.indexed_symbols.clear();
}

void Exchange::index_subscriptions(ClientSession& session) {
  unindex_subscriptions(session);
  session.silent_streams = 0;
  for (const StreamName& stream : session.streams) {
    SymbolFeed* feed = feed_for(stream.symbol);
    if (feed == nullptr) continue;
    if (stream.kind == StreamKind::rpi_depth) feed->rpi();  // its RPI book starts now
    if (!route_delivers(session, stream.kind)) {
      ++session.silent_streams;
      continue;
    }
    std::vector<Subscriber>& list = subscribers_[feed];
    if (std::none_of(list.begin(), list.end(),
                     [&](const Subscriber& s) { return s.session == &session; })) {
      session.indexed_symbols.push_back(stream.symbol);
    }
    list.push_back({&session, &stream});
  }
}

void Exchange::apply_subscriptions(ClientSession& session) {
  session.streams.clear();
  for (const std::string& text : session.subscriptions.streams) {
    if (replay_) {
      StreamName name;
      name.text = text;
      name.symbol = to_upper_ascii(text.substr(0, text.find('@')));
      session.streams.push_back(std::move(name));
    } else if (std::optional<StreamName> name = parse_stream_name(text, options_.market)) {
      session.streams.push_back(std::move(*name));
    }
  }
  if (replay_) {
    if (!session.streams.empty() && !replay_->started()) {
      replay_->start();
      replay_started_at_ = Clock::now();
      asio::post(io_, [this] { replay_step(); });
    }
    return;
  }
  index_subscriptions(session);
  bool any_started = false;
  for (const StreamName& stream : session.streams) {
    SymbolFeed* feed = feed_for(stream.symbol);
    if (feed != nullptr && !feed->started()) {
      feed->start(Clock::now());
      any_started = true;
    }
  }
  // A new subscriber may be what an unpaced (--rate 0) or just-started feed was waiting for.
  if (any_started || options_.rate == 0) schedule_generation(Clock::now());
}

void Exchange::on_message(ConnectionId id, const std::string& payload, bool is_text) {
  auto found = sessions_.find(id);
  if (found == sessions_.end() || !found->second.can_send()) return;
  ClientSession& session = found->second;
  if (!admit_incoming(session)) return;
  // A binary frame is answered like text: its bytes are not a valid request either way.
  static_cast<void>(is_text);
  RequestOutcome outcome = handle_subscription_request(
      payload, session.subscriptions,
      [this](std::string_view stream) { return is_servable_stream(stream); },
      options_.max_streams_per_connection);
  if (outcome.over_stream_limit) ++stream_limit_refusals_;
  send_frame(session, FrameType::text,
             std::make_shared<const std::string>(std::move(outcome.reply)));
  if (!outcome.added.empty() || !outcome.removed.empty()) apply_subscriptions(session);
}

bool Exchange::on_client_ping(ConnectionId id) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return true;
  ClientSession& session = found->second;
  if (!session.can_send() || !admit_incoming(session)) return false;
  return session.answer_pings;
}

void Exchange::on_pong(ConnectionId id, const std::string& payload) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  ClientSession& session = found->second;
  if (!session.can_send() || !admit_incoming(session) || !session.count_pongs) return;
  ++session.pongs_received;
  ++pongs_received_;
  if (session.awaited_pong && *session.awaited_pong == payload) session.awaited_pong.reset();
}

void Exchange::send_frame(ClientSession& session, FrameType type,
                          const std::shared_ptr<const std::string>& frame, DepthProgress* depth) {
  if (!session.can_send()) return;
  if (server_->send(session.id, type, frame)) {
    ++session.frames_sent;
    session.bytes_sent += frame->size();
    session.unwritten.push_back(depth);
  }
}

void Exchange::generate_event(SymbolFeed& feed) {
  const std::uint64_t index = feed.book().events_generated() + 1;  // the event made now
  std::vector<StreamFault> faults = feed.fault_plan().take(index);
  if (std::optional<StreamFault> queued = feed.next_queued_fault()) faults.push_back(*queued);
  // Candles whose interval ended close first (exchange_klines.cpp), then its trades, at the
  // book's top (exchange_trades.cpp): what they take is in this event.
  const std::int64_t trades_ms = exchange_now_ms();
  roll_klines(feed, trades_ms, faults);
  if (options_.trade_every > 0 && index % options_.trade_every == 0)
    generate_trades(feed, trades_ms, faults);
  send_due_force_order(feed, trades_ms);
  send_mark_prices(feed, trades_ms);
  BookUpdate update = feed.book().next();
  if (options_.level_flood > 0) {
    feed.book().add_far_levels(update, options_.level_flood);
    count_fault("level_flood");
  }
  if (options_.large_event_levels > 0) {
    feed.book().pad_with_absent_levels(update, options_.large_event_levels);
    count_fault("large_event");
  }
  update.event_ms = exchange_now_ms();
  update.transaction_ms = update.event_ms - static_cast<std::int64_t>(update.last_id % 3);

  auto has = [&](FaultKind kind) {
    return std::any_of(faults.begin(), faults.end(),
                       [kind](const StreamFault& f) { return f.kind == kind; });
  };
  const auto altered = std::find_if(faults.begin(), faults.end(),
                                    [](const StreamFault& f) { return is_event_fault(f.kind); });
  if (has(FaultKind::gap)) {
    // The event changes the truth but nobody receives it: the next U/pu do not chain.
    count_fault("gap");
  } else if (altered != faults.end()) {
    deliver_altered(feed, update, *altered);
  } else if (has(FaultKind::reorder) && !feed.held_update()) {
    count_fault("reorder");
    feed.held_update() = update;
  } else {
    deliver(feed, update, true);
    if (feed.held_update()) {
      deliver(feed, *feed.held_update(), false);
      feed.held_update().reset();
    }
    if (has(FaultKind::duplicate)) {
      count_fault("duplicate");
      deliver(feed, update, false);
    }
    if (has(FaultKind::stale)) {
      if (std::optional<BookUpdate> old = feed.update_from(8)) {
        count_fault("stale");
        deliver(feed, *old, false);
      }
    }
  }
  if (RpiBook* rpi = feed.rpi_if_started()) {
    // The RPI book follows the normal one (rpi_book.hpp); rpi_gap drops its event alone.
    BookUpdate rpi_update = rpi->next(update, feed.book().book());
    rpi_update.event_ms = update.event_ms;
    rpi_update.transaction_ms = update.transaction_ms;
    if (has(FaultKind::rpi_gap)) {
      count_fault("rpi_gap");
    } else {
      deliver_rpi(feed, rpi_update);
    }
  }
  feed.remember(update);
  for (const StreamFault& fault : faults) {
    if (is_payload_fault(fault.kind)) send_payload_fault(feed, update, fault);
  }
  std::vector<ClientSession*> hit;  // each subscribed connection once, however many streams
  for (const StreamFault& fault : faults) {
    if (!is_connection_fault(fault.kind)) continue;
    if (hit.empty()) {
      for (const Subscriber& subscriber : subscribers_of(feed)) {
        if (std::find(hit.begin(), hit.end(), subscriber.session) == hit.end())
          hit.push_back(subscriber.session);
      }
    }
    for (ClientSession* session : hit) {
      if (session->can_send()) apply_connection_fault(*session, fault);
    }
  }
}

void Exchange::deliver(SymbolFeed& feed, const BookUpdate& update, bool fresh) {
  const auto now = Clock::now();
  const SymbolSpec& spec = feed.book().spec();
  std::shared_ptr<const std::string> diff;
  std::shared_ptr<const std::string> ticker;
  bool ticker_checked = false;
  std::map<int, std::shared_ptr<const std::string>> partials;
  std::map<std::string, std::shared_ptr<const std::string>> wrapped;  // per stream name

  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    if (!session.can_send() || session.is_stalled(now)) continue;
    {
      const StreamName& stream = *subscriber.stream;
      std::shared_ptr<const std::string> payload;
      if (stream.kind == StreamKind::diff_depth) {
        if (!diff)
          diff =
              std::make_shared<const std::string>(render_diff_depth(options_.market, spec, update));
        payload = diff;
      } else if (stream.kind == StreamKind::partial_depth && fresh) {
        auto& partial = partials[stream.levels];
        if (!partial) {
          partial = std::make_shared<const std::string>(
              render_partial_depth(options_.market, spec, feed.book().book(),
                                   static_cast<std::size_t>(stream.levels), update));
        }
        payload = partial;
      } else if (stream.kind == StreamKind::book_ticker && fresh) {
        if (!ticker_checked) {
          ticker_checked = true;
          if (feed.top_changed_since_last_ticker()) {
            ticker = std::make_shared<const std::string>(
                render_book_ticker(options_.market, spec, feed.book().book(), update));
          }
        }
        payload = ticker;
      }
      if (!payload) continue;
      if (session.subscriptions.combined) {
        auto& frame = wrapped[stream.text];
        if (!frame)
          frame = std::make_shared<const std::string>(wrap_combined(stream.text, *payload));
        payload = frame;
      }
      DepthProgress* depth = stream.kind == StreamKind::diff_depth
                                 ? &count_depth_sent(session, feed.symbol(), update)
                                 : nullptr;
      if (stream.kind == StreamKind::book_ticker) ++feed.market_event_counts().book_tickers_sent;
      send_frame(session, FrameType::text, payload, depth);
    }
  }
}

DepthProgress& Exchange::count_depth_sent(ClientSession& session, const std::string& symbol,
                                          const BookUpdate& update) {
  DepthProgress& progress = session.depth_by_symbol[symbol];
  if (progress.events == 0) progress.first_id = update.first_id;
  progress.last_id = update.last_id;
  ++progress.events;
  ++session.depth_events_sent;
  return progress;
}

}  // namespace depthsim

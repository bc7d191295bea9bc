// ConnectionSession: the connection's records and the routing of frames to the streams it
// carries. The rollover (every stream joins the successor before the old connection is retired)
// is in connection_session_rollover.cpp.
#include "session/connection_session.hpp"

#include <algorithm>

#include "depthrec/stream_member_format.hpp"

namespace depthrec::session {

ConnectionSession::ConnectionSession(ConnectionSessionConfig config, ConnectionHooks hooks)
    : config_(std::move(config)), hooks_(std::move(hooks)) {
  line_.reserve(1024);
}

bool ConnectionSession::add_feed(FeedSession& feed, bool in_successor_url) {
  const std::string depth = feed.key().stream;
  const std::string ticker = book_ticker_stream_name(feed.key().symbol);
  if (route_index_.find(depth) != StreamRouteIndex::kNone ||
      (feed.takes_ticker_route() && route_index_.find(ticker) != StreamRouteIndex::kNone))
    return false;
  index_routes(feed);
  feeds_.push_back(&feed);
  feed.attach(this);
  // Added by a live SUBSCRIBE during a rollover: the successor opened (or is opening) without
  // it, so the rollover does not wait for it; it moves to the successor at the takeover, where
  // its SUBSCRIBE is sent (the follow holds it until then).
  if (rollover_)
    rollover_->joins.push_back(JoinState::fell_back);
  else if (!in_successor_url)
    outside_successor_.push_back(&feed);
  return true;
}

void ConnectionSession::index_routes(FeedSession& feed) {
  route_index_.add(feed.key().stream, static_cast<std::uint32_t>(routes_.size()));
  routes_.push_back(Route{&feed, false});
  if (!feed.takes_ticker_route()) return;
  route_index_.add(book_ticker_stream_name(feed.key().symbol),
                   static_cast<std::uint32_t>(routes_.size()));
  routes_.push_back(Route{&feed, true});
}

void ConnectionSession::rebuild_routes() {
  route_index_.clear();
  routes_.clear();
  for (FeedSession* kept : feeds_) index_routes(*kept);
  for (ChannelHandler* kept : channels_) {
    route_index_.add(kept->stream(), static_cast<std::uint32_t>(routes_.size()));
    routes_.push_back(Route{nullptr, false, kept});
  }
}

bool ConnectionSession::add_channel(ChannelHandler& channel) {
  if (!route_index_.add(channel.stream(), static_cast<std::uint32_t>(routes_.size()))) return false;
  routes_.push_back(Route{nullptr, false, &channel});
  channels_.push_back(&channel);
  return true;
}

bool ConnectionSession::remove_channel(ChannelHandler& channel) {
  const auto it = std::find(channels_.begin(), channels_.end(), &channel);
  if (it == channels_.end()) return false;
  channels_.erase(it);
  rebuild_routes();
  return true;
}

void ConnectionSession::on_channel_frame(ChannelHandler& channel, std::uint64_t conn_id,
                                         std::string_view frame, std::int64_t recv_ns) {
  channel.on_frame(conn_id, frame, recv_ns);
  if (rollover_) finish_rollover_if_done(recv_ns);
}

bool ConnectionSession::channels_joined(std::uint64_t conn_id) const {
  return std::all_of(channels_.begin(), channels_.end(),
                     [conn_id](const ChannelHandler* c) { return c->joined(conn_id); });
}

ChannelHandler* ConnectionSession::channel_of(std::string_view stream) const {
  const std::uint32_t at = route_index_.find(stream);
  return at == StreamRouteIndex::kNone ? nullptr : routes_[at].channel;
}

bool ConnectionSession::remove_feed(FeedSession& feed, std::int64_t now_ns) {
  const auto it = std::find(feeds_.begin(), feeds_.end(), &feed);
  if (it == feeds_.end()) return false;
  const auto index = it - feeds_.begin();
  feeds_.erase(it);
  // The index cannot forget a name: it is rebuilt from the streams left (a delisting is rare).
  rebuild_routes();
  feed.attach(nullptr);
  if (routed_feed_ == &feed) routed_feed_ = nullptr;
  outside_successor_.erase(std::remove(outside_successor_.begin(), outside_successor_.end(), &feed),
                           outside_successor_.end());
  // A rollover in progress no longer waits for it.
  if (rollover_) {
    rollover_->joins.erase(rollover_->joins.begin() + index);
    finish_rollover_if_done(now_ns);
  }
  return true;
}

RecordContext ConnectionSession::context(std::uint64_t conn_id) const {
  RecordContext context;
  if (!feeds_.empty()) {
    const StreamKey& key = feeds_.front()->key();
    context.market = key.market;
    context.symbol = key.symbol;
    context.stream = key.stream;
  } else if (!channels_.empty()) {
    context.market = channels_.front()->key().market;
    context.symbol = channels_.front()->key().symbol;
    context.stream = channels_.front()->stream();
  }
  if (config_.connections_stream_id) {
    context.stream = stream_member::kConnectionsStream;
    context.stream_id = *config_.connections_stream_id;
  }
  context.conn_id = conn_id;
  return context;
}

void ConnectionSession::write_record(const RecordContext& context) {
  if (hooks_.write) {
    hooks_.write(line_, context, true);
  } else {
    line_.clear();
  }
}

void ConnectionSession::log(LogLevel level, const std::string& message) {
  if (hooks_.log) hooks_.log(level, "connection " + std::to_string(active_conn_) + ": " + message);
}

void ConnectionSession::on_open(std::uint64_t conn_id, std::int64_t now_ns) {
  rollover_.reset();
  retired_conn_ = 0;
  active_conn_ = conn_id;
  if (carries_streams()) {
    const RecordContext record = context(conn_id);
    append_connect_record(line_, record, now_ns, config_.url);
    write_record(record);
  }
  for (FeedSession* feed : feeds_) feed->on_connected(conn_id, config_.url, now_ns);
  for (ChannelHandler* channel : channels_) channel->on_connected(conn_id);
  if (hooks_.request_server_time) hooks_.request_server_time();
}

void ConnectionSession::on_close(std::uint64_t conn_id, std::string_view reason,
                                 std::optional<int> code, std::int64_t now_ns) {
  const bool active = conn_id != 0 && conn_id == active_conn_;
  const bool retired = conn_id != 0 && conn_id == retired_conn_;
  // Once per connection, before its streams mark their gaps.
  if ((active || retired) && carries_streams()) {
    const RecordContext record = context(conn_id);
    append_disconnect_record(line_, record, now_ns, reason, code);
    write_record(record);
  }
  if (retired) retired_conn_ = 0;
  if (active || (rollover_ && rollover_->successor == conn_id)) {
    if (rollover_)
      for (ChannelHandler* channel : channels_) channel->on_successor_gone();
    rollover_.reset();
  }
  if (active) outside_successor_.clear();  // the reconnect names the current streams
  // Only the streams this connection carries learn of it: only their books resync.
  for (FeedSession* feed : feeds_) feed->on_disconnected(conn_id, reason, code, now_ns);
}

void ConnectionSession::on_refused_frame(std::uint64_t conn_id) {
  for (FeedSession* feed : feeds_) feed->on_refused_frame(conn_id);
}

RouteResult ConnectionSession::route(std::uint64_t conn_id, const Frame& frame,
                                     std::size_t frame_bytes, std::int64_t recv_ns) {
  const bool ticker = frame.type == FrameType::book_ticker;
  if (!ticker && frame.type != FrameType::depth_update &&
      frame.type != FrameType::spot_partial_depth)
    return RouteResult::not_routed;
  FeedSession* feed = nullptr;
  routed_feed_ = nullptr;
  if (!frame.stream.empty()) {
    const std::uint32_t at = route_index_.find(frame.stream);
    if (at != StreamRouteIndex::kNone && routes_[at].ticker == ticker && !routes_[at].channel)
      feed = routes_[at].feed;
  } else if (feeds_.size() == 1) {
    // A raw stream (/ws/<name>) names no stream in its frames: one feed is unambiguous.
    feed = feeds_.front();
  }
  if (feed == nullptr) {
    ++counters_.unknown_stream_frames;
    return RouteResult::unknown_stream;
  }
  routed_feed_ = feed;
  const std::string& symbol = feed->key().symbol;
  if (ticker ? frame.ticker.symbol != symbol
             : !frame.depth.symbol.empty() && frame.depth.symbol != symbol) {
    ++counters_.other_symbol_frames;
    return RouteResult::other_symbol;
  }
  if (ticker) {
    ++counters_.ticker_frames;
    // During a rollover only the active connection's tickers are recorded (no duplicates).
    if (conn_id == feed->active_conn()) feed->on_ticker(frame.ticker, recv_ns);
    return RouteResult::ticker;
  }
  ++counters_.depth_frames;
  feed->on_depth(conn_id, frame, recv_ns, frame_bytes);
  return RouteResult::depth;
}

}  // namespace depthrec::session

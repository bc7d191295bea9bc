// One WebSocket connection and the streams it carries (issue 12: connection duties apart from
// stream duties). The connection writes its connect/disconnect records once (not once per
// stream), asks for the server time once per connection, routes each frame by its stream name
// to that stream's handler (FeedSession: depth, and its bookTicker), tells only its own streams
// of a disconnect (only their books resync), and retires a rolled-over connection only once
// EVERY depth stream on it has joined the successor. Like FeedSession it does no I/O: tests drive
// it with fake hooks. Every method runs on the network thread.
//
// The stream table here is a minimal local one (stream name -> route number in a flat
// StreamRouteIndex, then the handler by that number: O(1), no string built per frame); the
// subscription keys and planner of issue 12 (venue seam) replace its keys, not its duties.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/channel_handler.hpp"
#include "session/feed_session.hpp"
#include "session/stream_route_index.hpp"

namespace depthrec::session {

struct ConnectionHooks {
  // As SessionHooks::write; connect/disconnect records are markers.
  std::function<PushInfo(std::string& line, const RecordContext& context, bool marker)> write;
  std::function<void()> request_server_time;  // once per opened connection
  std::function<void(std::chrono::milliseconds, std::function<void()>)> schedule;
  std::function<void(LogLevel, const std::string&)> log;
  // Rollover: every depth stream has joined (or fallen back); close the old connection
  // (WsClient::retire).
  std::function<void(std::uint64_t old_conn_id)> retire;
  // Rollover: no stream joined the successor; drop it and cut the old connection as without
  // rollover (WsClient::abandon_successor).
  std::function<void(std::uint64_t successor_conn_id, const std::string& reason)> abandon_successor;
};

struct ConnectionSessionConfig {
  std::string url;  // what the connect records say
  // A rollover in which some streams joined the successor and others have not after this long:
  // the ones that have not fall back on their own (gap + resync on the successor) and the old
  // connection is retired. 0: they wait for the transport's rollover timeout. While no stream has
  // joined, nothing happens here (the transport's timeout decides, as with one stream).
  std::chrono::milliseconds join_deadline{0};
  // A many-stream run: the connect/disconnect records go to the `connections` stream
  // (stream_member::kConnectionsStream) under this writer id, not to the first feed's stream.
  std::optional<std::uint32_t> connections_stream_id;
};

// Where a frame went (the caller counts it in its metrics and logs it).
enum class RouteResult {
  depth,           // handed to its depth stream
  ticker,          // a bookTicker of a carried stream (recorded when from the active connection)
  unknown_stream,  // no carried stream has this name: counted, not delivered
  other_symbol,    // the stream is carried but the payload names another symbol
  not_routed,      // not a depth or ticker frame (control, other events): the caller's
};

struct ConnectionCounters {
  std::uint64_t depth_frames = 0;
  std::uint64_t ticker_frames = 0;
  std::uint64_t unknown_stream_frames = 0;
  std::uint64_t other_symbol_frames = 0;
  std::uint64_t rollovers = 0;            // old connections retired after every stream joined
  std::uint64_t stream_fallbacks = 0;     // streams that resynced on a successor alone
  std::uint64_t rollovers_abandoned = 0;  // no stream joined: the successor was dropped
};

class ConnectionSession final : public StreamCarrier {
 public:
  ConnectionSession(ConnectionSessionConfig config, ConnectionHooks hooks);
  ConnectionSession(const ConnectionSession&) = delete;
  ConnectionSession& operator=(const ConnectionSession&) = delete;

  // Carries `feed` (its depth stream and its bookTicker stream); the connection's records name
  // its first feed. False (nothing changed) when a stream of that name is already carried.
  // `in_successor_url` false: a successor already connecting (a live SUBSCRIBE during a rollover)
  // opened with the URL of before and will not carry it, so that rollover does not wait for it;
  // it moves to the successor at the takeover and syncs there like any listing.
  bool add_feed(FeedSession& feed, bool in_successor_url = true);
  // Stops carrying `feed` (its stream was unsubscribed): its frames are no longer routed to it and
  // a rollover in progress no longer waits for it. False when it is not carried.
  bool remove_feed(FeedSession& feed, std::int64_t now_ns);
  // Carries an event channel's stream (trade, aggTrade...): its frames are routed to `channel` by
  // name (channel_of). A rollover waits for it to join the successor as for a depth stream.
  // False when a stream of that name is already carried.
  bool add_channel(ChannelHandler& channel);
  bool remove_channel(ChannelHandler& channel);
  // The event channel carried under `stream` (a frame's wrapper name), nullptr for none.
  ChannelHandler* channel_of(std::string_view stream) const;
  // A frame of `channel` from `conn_id`: handed to it, and during a rollover the successor may
  // have joined every stream with it.
  void on_channel_frame(ChannelHandler& channel, std::uint64_t conn_id, std::string_view frame,
                        std::int64_t recv_ns);
  std::size_t channel_count() const { return channels_.size(); }

  // The URL later connect records name (the connection's stream set changed).
  void set_url(std::string url) { config_.url = std::move(url); }
  // The join deadline of later rollovers (the successor SUBSCRIBEs the streams beyond its URL:
  // the deadline grows with the pacing of those requests).
  void set_join_deadline(std::chrono::milliseconds deadline) { config_.join_deadline = deadline; }
  // During a rollover, the feeds the successor carries and that have not joined it yet.
  std::vector<FeedSession*> successor_feeds() const;
  std::size_t feed_count() const { return feeds_.size(); }

  std::uint64_t active_conn() const { return active_conn_; }
  bool rollover_pending() const { return rollover_.has_value(); }
  const ConnectionCounters& counters() const { return counters_; }
  // The feed the last route() handed a depth or ticker frame to (nullptr: none): the caller counts
  // the frame in that stream's metrics.
  FeedSession* routed_feed() const { return routed_feed_; }
  const std::vector<FeedSession*>& feeds() const { return feeds_; }

  void on_open(std::uint64_t conn_id, std::int64_t now_ns);
  void on_close(std::uint64_t conn_id, std::string_view reason, std::optional<int> code,
                std::int64_t now_ns);
  void on_successor_open(std::uint64_t conn_id, std::uint64_t replaced_conn_id,
                         std::int64_t now_ns);
  void on_rollover_failed(std::uint64_t conn_id, std::string_view reason, std::int64_t now_ns);
  // A frame of `conn_id` was refused: it may have carried any of the streams' next event.
  void on_refused_frame(std::uint64_t conn_id);
  RouteResult route(std::uint64_t conn_id, const Frame& frame, std::size_t frame_bytes,
                    std::int64_t recv_ns);

  // StreamCarrier (connection_session_rollover.cpp)
  void stream_joined(FeedSession& feed, std::uint64_t conn_id, std::uint64_t overlap,
                     std::int64_t now_ns) override;
  void stream_cannot_join(FeedSession& feed, std::uint64_t conn_id, const std::string& reason,
                          std::int64_t now_ns) override;

 private:
  struct Route {
    FeedSession* feed = nullptr;
    bool ticker = false;
    ChannelHandler* channel = nullptr;  // an event channel's route (feed is nullptr)
  };
  enum class JoinState { waiting, joined, fell_back };
  struct Rollover {
    std::uint64_t successor = 0, replaced = 0;
    std::int64_t opened_ns = 0;
    std::uint64_t overlap = 0;
    std::vector<JoinState> joins;  // by feed index
    std::uint64_t generation = 0;  // the join deadline's timer checks it
    std::string fallback_reason;   // why the last stream fell back
  };

  // Its depth and bookTicker stream names into the route index.
  void index_routes(FeedSession& feed);
  void rebuild_routes();
  // Connect/disconnect records: only for a connection that carries something.
  bool carries_streams() const { return !feeds_.empty() || !channels_.empty(); }
  bool channels_joined(std::uint64_t conn_id) const;
  std::size_t index_of(const FeedSession& feed) const;
  void join_deadline_passed(std::uint64_t generation, std::int64_t now_ns);
  void finish_rollover_if_done(std::int64_t now_ns);
  void write_record(const RecordContext& context);
  RecordContext context(std::uint64_t conn_id) const;
  void log(LogLevel level, const std::string& message);

  ConnectionSessionConfig config_;
  ConnectionHooks hooks_;
  std::vector<FeedSession*> feeds_;
  std::vector<ChannelHandler*> channels_;
  StreamRouteIndex route_index_;  // stream name -> index in routes_
  std::vector<Route> routes_;
  std::string line_;  // reused record buffer
  FeedSession* routed_feed_ = nullptr;
  std::uint64_t active_conn_ = 0;
  std::uint64_t retired_conn_ = 0;  // rolled over, its close not yet seen
  std::optional<Rollover> rollover_;
  std::vector<const FeedSession*> outside_successor_;  // add_feed(..., false) before it opened
  std::uint64_t rollover_generation_ = 0;
  ConnectionCounters counters_;
};

}  // namespace depthrec::session

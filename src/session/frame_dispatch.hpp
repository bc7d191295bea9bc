// One websocket frame of a connection, from bytes to its stream: parsed once, routed by the
// ConnectionSession to the FeedSession of its stream, and whatever is not a stream's event
// (refused frames, control frames, unknown streams) counted and logged. Shared by the
// single-stream Recorder and the many-stream Engine, which differ only in whose metrics count a
// frame, how a connection is marked live and where warnings go:
//   metrics_for(const FeedSession* feed) -> FeedMetrics&  (feed: the stream the frame was routed
//                                           to, nullptr for a frame of no stream)
//   mark_data(conn_id)                      market data arrived: the connection is not stalled
//   warn(const std::string&)                a per-frame line (the caller throttles it)
// Returns true for a subscription reply (frame.reply): the caller that sent requests matches it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/peer_text.hpp"
#include "session/connection_session.hpp"

namespace depthrec::session {

template <typename MetricsFor, typename MarkData, typename Warn>
bool dispatch_frame(FrameParser& parser, Frame& frame, ConnectionSession& session,
                    std::uint64_t conn_id, std::string_view payload, bool binary,
                    std::int64_t recv_ns, MetricsFor&& metrics_for, MarkData&& mark_data,
                    Warn&& warn) {
  if (binary) {
    metrics_for(nullptr).record_parse_error(ParseError::not_text, payload.size(), recv_ns);
    session.on_refused_frame(conn_id);
    warn("binary frame of " + std::to_string(payload.size()) + " bytes refused");
    return false;
  }
  const ParseError error = parser.parse(payload, frame);
  if (error != ParseError::none) {
    metrics_for(nullptr).record_parse_error(error, payload.size(), recv_ns);
    session.on_refused_frame(conn_id);
    warn("frame refused (" + std::string(to_string(error)) + "): " + peer_text(payload, 160));
    return false;
  }
  const bool ticker = frame.type == FrameType::book_ticker;
  switch (session.route(conn_id, frame, payload.size(), recv_ns)) {
    case RouteResult::depth:
      mark_data(conn_id);  // market data: the connection is not stalled
      return false;
    case RouteResult::ticker:
      // Market data like depth events, not control traffic.
      metrics_for(session.routed_feed())
          .record_other_frame(OtherFrame::book_ticker, payload.size(), recv_ns);
      return false;
    case RouteResult::unknown_stream:
      metrics_for(nullptr).record_other_frame(OtherFrame::other_stream, payload.size(), recv_ns);
      warn(std::string(ticker ? "bookTicker" : "depth frame") + " of unexpected stream " +
           peer_text(frame.stream, 64));
      return false;
    case RouteResult::other_symbol:
      metrics_for(session.routed_feed())
          .record_other_frame(OtherFrame::other_symbol, payload.size(), recv_ns);
      warn(std::string(ticker ? "bookTicker" : "depth frame") + " of another symbol " +
           peer_text(ticker ? frame.ticker.symbol : frame.depth.symbol, 64));
      return false;
    case RouteResult::not_routed:
      break;
  }
  FeedMetrics& metrics = metrics_for(nullptr);
  switch (frame.type) {
    case FrameType::depth_update:
    case FrameType::spot_partial_depth:
    case FrameType::book_ticker:
      return false;  // routed above
    case FrameType::server_event:
      metrics.record_other_frame(OtherFrame::control, payload.size(), recv_ns);
      // Per frame, like every line here: a flood of them must not flood the log.
      warn("server event: " + peer_text(frame.event_type, 64));
      return false;
    case FrameType::subscription_reply:
      metrics.record_other_frame(OtherFrame::control, payload.size(), recv_ns);
      return true;
    case FrameType::other_event:
      // An event channel's frame (trade, aggTrade...): its handler parses, checks and records it.
      if (ChannelHandler* channel =
              frame.stream.empty() ? nullptr : session.channel_of(frame.stream)) {
        mark_data(conn_id);
        session.on_channel_frame(*channel, conn_id, payload, recv_ns);
        return false;
      }
      metrics.record_other_frame(OtherFrame::other_stream, payload.size(), recv_ns);
      warn("unexpected event type '" + peer_text(frame.event_type, 64) + "'");
      return false;
  }
  return false;
}

}  // namespace depthrec::session

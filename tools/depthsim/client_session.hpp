// What the exchange knows about one open (or recently closed) WebSocket client.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stream_name.hpp"
#include "subscription_requests.hpp"
#include "ws_server.hpp"

namespace depthsim {

using SteadyClock = std::chrono::steady_clock;

// Depth events one connection was sent for one symbol.
struct DepthProgress {
  std::uint64_t events = 0;     // queued for the connection
  std::uint64_t delivered = 0;  // of those, written to the socket (a completed write)
  std::uint64_t first_id = 0;   // U of the first depth event sent
  std::uint64_t last_id = 0;    // u of the last depth event sent
};

// USD-M's routed endpoints: a /market connection acknowledges a depth SUBSCRIBE and never
// delivers it (depthsim serves /public streams only); no route gets /public data.
enum class Route { none, public_data, market_data };

struct ClientSession {
  ConnectionId id = 0;  // the transport's handle
  std::uint64_t number =
      0;  // 1, 2, 3... in the order WebSocket connections opened: the id in /sim/stats
  std::string resource;
  SubscriptionState subscriptions;
  std::vector<StreamName> streams;  // parsed form of subscriptions.streams
  Route route = Route::none;
  std::vector<std::string> indexed_symbols;  // the feeds whose subscriber index names us
  std::uint64_t silent_streams = 0;          // subscribed on the wrong route: never delivered
  bool open = true;
  bool closing = false;  // a close, drop or reset was issued: nothing more is sent
  std::string close_reason;
  SteadyClock::time_point opened_at;

  std::uint64_t frames_sent = 0;
  std::uint64_t depth_events_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t frames_delivered = 0;        // written to the socket, not just queued
  std::uint64_t depth_events_delivered = 0;  // likewise; a close loses the rest
  std::uint64_t messages_received = 0;
  std::map<std::string, DepthProgress> depth_by_symbol;
  // Per frame queued and not yet written, oldest first: the depth progress it counts toward
  // (null: no depth event). std::map nodes keep their address, also when the session moves.
  std::deque<DepthProgress*> unwritten;

  SteadyClock::time_point stalled_until{};  // sends are skipped (missed) until then
  bool answer_pings = true;                 // false after no_pong
  bool count_pongs = true;                  // false after ignore_pong
  std::uint64_t pings_sent = 0;
  std::uint64_t pongs_received = 0;
  std::optional<std::string> awaited_pong;  // payload of the unanswered ping
  SteadyClock::time_point last_ping_at;

  SteadyClock::time_point message_window_start;
  int messages_in_window = 0;

  bool subscribed_to(const std::string& symbol) const {
    for (const StreamName& stream : streams) {
      if (stream.symbol == symbol) return true;
    }
    return false;
  }
  bool is_stalled(SteadyClock::time_point now) const { return now < stalled_until; }
  bool can_send() const { return open && !closing; }
};

}  // namespace depthsim

// Following a changing symbol list on live connections (issue 12, `--symbols ALL`): keys to add
// (new listings) and keys to remove (delistings, halts) become a plan change (ConnectionPlanner:
// a new key fills the room a removal left before a connection is opened), the SUBSCRIBE and
// UNSUBSCRIBE requests it needs (StreamRequestBuilder), each connection's requests released no
// faster than the venue's incoming-message limit (a MessagePacer per connection; pongs count),
// new connections no faster than the ConnectionPacer allows, and each answer matched to its
// request by id. No I/O: the caller sends what due() hands it and passes the answers back; tests
// drive it with a fake clock.
//
// A listed symbol's streams (depth and bookTicker) are placed as one unit
// (KeyPlacement::by_symbol): never split over two connections, and never past the venue's streams
// per connection.
//
// Requests for a connection in a rollover are held until it ends (hold/release).
//
// A connection the change opens carries its streams from its open (open_streams): no request of
// the change is queued for it. A connection the change empties is to be closed: requests still
// queued for it are dropped.
//
// Every socket of a connection (its first open, each reconnect, a rollover's successor) names
// only its first streams in its URL (connection_opening.hpp) and SUBSCRIBEs the rest at once
// (open_streams): those requests are bound to that socket, paced by the connection's pacer like
// any other, never held by a rollover (a successor's own SUBSCRIBEs are what lets it take over),
// and dropped when that socket closes (on_socket_closed).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "plan/connection_pacer.hpp"
#include "plan/connection_planner.hpp"
#include "plan/message_pacer.hpp"
#include "plan/stream_requests.hpp"

namespace depthrec::plan {

struct FollowChange {
  PlanChange plan;                // what the planner did (errors: keys refused, each alone)
  std::vector<StreamId> added;    // streams placed (their keys in the planner's table)
  std::vector<StreamId> removed;  // streams taken off their connections
  std::size_t requests_queued = 0;
};

// What an answer was to.
enum class AnswerMatch : std::uint8_t {
  accepted,  // {"result":null,"id":N}: the request's streams are (un)subscribed
  refused,   // an error answer: the request's streams are not
  unknown,   // no request of that id is waiting on that connection (late, repeated, forged)
};

struct AnsweredRequest {
  AnswerMatch match = AnswerMatch::unknown;
  std::optional<StreamRequest> request;  // the request answered (not for unknown)
};

class SubscriptionFollow {
 public:
  SubscriptionFollow(
      ConnectionPlanner& planner, std::shared_ptr<const venues::VenueRules> rules,
      std::size_t max_streams_per_request = StreamRequestBuilder::kDefaultMaxStreamsPerRequest);

  // Applies a change of the list: `remove` first (its room is then free for `add`).
  FollowChange apply(const std::vector<SubscriptionKey>& add,
                     const std::vector<SubscriptionKey>& remove);

  // Socket `conn_id` of `connection` opened naming only some of its streams: SUBSCRIBEs for
  // `streams` (in messages of at most max_streams_per_request), bound to that socket, queued
  // before the connection's other requests. Returns how many messages.
  std::size_t open_streams(std::uint32_t connection, std::uint64_t conn_id,
                           const std::vector<StreamId>& streams);
  // Socket `conn_id` of `connection` closed (a successor given up): its requests are moot.
  void on_socket_closed(std::uint32_t connection, std::uint64_t conn_id);
  // Requests bound to socket `conn_id` still queued or awaiting their answer.
  std::size_t opening_pending(std::uint32_t connection, std::uint64_t conn_id) const;

  // The requests that may be sent at `now`, oldest first, at most one per connection per pacing
  // interval; each is then awaiting its answer.
  std::vector<StreamRequest> due(PaceClock::time_point now);
  // The connections opened by apply() that may open at `now` (ConnectionPacer).
  std::vector<std::uint32_t> connections_due(PaceClock::time_point now);
  // When due() or connections_due() will next have something (nullopt: nothing is queued).
  std::optional<PaceClock::time_point> next_due() const;

  // A ping or pong went on `connection`: it counts against that connection's message limit.
  void on_control_sent(std::uint32_t connection, PaceClock::time_point now);
  // The server answered request `id` on `connection` (`ok`: no error).
  AnsweredRequest on_answer(std::uint32_t connection, std::uint64_t id, bool ok);
  // The connection closed (reconnects use the current set): its queued and awaited requests
  // are moot. A reconnect opens with every stream of the plan in its URL.
  void on_connection_reset(std::uint32_t connection);

  // The connection is rolling over (a successor opening or open with the URL of before): its
  // requests stay queued (due() and next_due() pass them by) until release(), so a SUBSCRIBE
  // goes on the connection that carries on after the takeover, never on the one retired.
  // Requests bound to a socket (open_streams) are not held.
  void hold(std::uint32_t connection);
  void release(std::uint32_t connection);

  std::size_t queued() const;
  std::size_t awaiting() const { return awaiting_.size(); }

 private:
  struct ConnectionQueue {
    std::unique_ptr<MessagePacer> pacer;
    std::vector<StreamRequest> queued;  // oldest first
    bool held = false;                  // hold(): nothing leaves until release()
  };
  ConnectionQueue& queue_of(std::uint32_t connection);
  // The first request of `queue` that may leave (a held queue: only socket-bound ones).
  static std::vector<StreamRequest>::iterator next_of(ConnectionQueue& queue);
  static std::vector<StreamRequest>::const_iterator next_of(const ConnectionQueue& queue);

  ConnectionPlanner& planner_;
  std::shared_ptr<const venues::VenueRules> rules_;
  StreamRequestBuilder builder_;
  ConnectionPacer connection_pacer_;
  std::map<std::uint32_t, ConnectionQueue> queues_;  // by connection id
  std::vector<std::uint32_t> to_open_;               // opened by apply(), oldest first
  std::map<std::pair<std::uint32_t, std::uint64_t>, StreamRequest> awaiting_;  // (conn, id)
};

}  // namespace depthrec::plan

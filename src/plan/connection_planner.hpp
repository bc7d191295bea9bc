// Groups subscriptions into connections within the venue's rules, deterministically and
// incrementally. Each connection carries one venue, one market and one route (a USD-M /public
// stream never shares a connection with a /market one) and at most the venue's streams per
// connection. Keys are placed in key order (a symbol's streams side by side), each on the
// lowest-numbered connection of its group with room, a new connection when none has: the same
// keys give the same plan whatever order they come in, and a key added at run time (a new
// listing) fills the room a removal left before a connection is opened. Every change says what to
// send: the streams to SUBSCRIBE or UNSUBSCRIBE per connection, the connections to open and those
// left empty (to close). A bad key is refused alone, with a message; the other keys go on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/subscription.hpp"
#include "plan/subscription_table.hpp"
#include "venues/venue_rules.hpp"

namespace depthrec::plan {

struct PlannerConfig {
  // Streams in all, over every connection: a bound on the memory and sockets one process holds.
  std::size_t max_streams_total = 10'000;
};

struct PlannedConnection {
  std::uint32_t id = 0;  // from 1, in the order connections were planned; never reused
  venues::ConnectionGroup group;
  std::vector<StreamId> streams;  // in the order they were placed
};

// Streams to subscribe or unsubscribe on one connection, in placement order.
struct StreamCommand {
  std::uint32_t connection = 0;
  std::vector<StreamId> streams;
};

struct KeyError {
  SubscriptionKey key;
  std::string message;
};

// How add() places keys. `each_key`: the plan of a run's start, every key on its own. `by_symbol`:
// a symbol's streams of one group (its depth and bookTicker) placed as one unit, on a connection
// with room for all of them; the follow's listings (one FeedSession takes both, so a SUBSCRIBE of
// the pair must go to one connection).
enum class KeyPlacement : std::uint8_t { each_key, by_symbol };

struct PlanChange {
  std::vector<std::uint32_t> opened;       // new connections; their streams are in `subscribe`
  std::vector<StreamCommand> subscribe;    // by connection id
  std::vector<StreamCommand> unsubscribe;  // by connection id; not for connections in `emptied`
  std::vector<std::uint32_t> emptied;      // no stream left: close them
  std::vector<KeyError> errors;            // keys refused (add) or unknown (remove)
};

class ConnectionPlanner {
 public:
  ConnectionPlanner(std::shared_ptr<const venues::VenueRules> rules, PlannerConfig config = {});

  // Adds keys. Refused, each with its own message: a symbol the venue's format refuses, a channel
  // the market does not offer, a route the configured endpoint does not serve, a key listed twice
  // (or already subscribed), a key beyond max_streams_total.
  PlanChange add(std::vector<SubscriptionKey> keys,
                 KeyPlacement placement = KeyPlacement::each_key);
  // Removes keys (a delisting). A key not subscribed is an error; the others go on.
  PlanChange remove(std::vector<SubscriptionKey> keys);

  const SubscriptionTable& table() const { return table_; }
  // The connections that carry at least one stream, by id.
  const std::vector<PlannedConnection>& connections() const { return connections_; }
  const PlannedConnection* connection(std::uint32_t id) const;
  std::optional<std::uint32_t> connection_of(StreamId id) const;

 private:
  // A connection of `group` with room for `count` more streams (a new one when none has).
  PlannedConnection& place(const venues::ConnectionGroup& group, std::size_t per_connection,
                           std::size_t count, PlanChange& change);

  std::shared_ptr<const venues::VenueRules> rules_;
  PlannerConfig config_;
  SubscriptionTable table_;
  std::vector<PlannedConnection> connections_;       // ascending id
  std::vector<std::uint32_t> connection_by_stream_;  // indexed by StreamId; 0 once removed
  std::uint32_t next_connection_id_ = 1;
};

}  // namespace depthrec::plan

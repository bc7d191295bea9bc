#include "plan/connection_planner.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace depthrec::plan {
namespace {

void append(std::vector<StreamCommand>& commands, std::uint32_t connection, StreamId stream) {
  auto it = std::find_if(commands.begin(), commands.end(), [&](const StreamCommand& command) {
    return command.connection == connection;
  });
  if (it == commands.end()) {
    commands.push_back(StreamCommand{connection, {}});
    it = commands.end() - 1;
  }
  it->streams.push_back(stream);
}

void sort_by_connection(std::vector<StreamCommand>& commands) {
  std::sort(commands.begin(), commands.end(), [](const StreamCommand& a, const StreamCommand& b) {
    return a.connection < b.connection;
  });
}

}  // namespace

ConnectionPlanner::ConnectionPlanner(std::shared_ptr<const venues::VenueRules> rules,
                                     PlannerConfig config)
    : rules_(std::move(rules)), config_(config) {}

PlanChange ConnectionPlanner::add(std::vector<SubscriptionKey> keys, KeyPlacement placement) {
  PlanChange change;
  std::sort(keys.begin(), keys.end());  // the plan does not depend on the order keys came in
  // Accepted keys in key order (a symbol's streams side by side), placed once all are checked.
  struct Accepted {
    const SubscriptionKey* key;
    StreamId id;
    venues::ConnectionGroup group;
    std::size_t per_connection;
  };
  std::vector<Accepted> accepted;
  std::set<StreamId> added_now;
  venues::ResolvedStream resolved;
  for (const SubscriptionKey& key : keys) {
    if (const std::optional<StreamId> existing = table_.find(key)) {
      change.errors.push_back(
          {key, to_string(key) +
                    (added_now.count(*existing) > 0 ? ": listed twice" : ": already subscribed")});
      continue;
    }
    const std::string error = rules_->resolve(key, resolved);
    if (!error.empty()) {
      change.errors.push_back({key, error});
      continue;
    }
    const std::size_t per_connection = rules_->limits(resolved.group).max_streams_per_connection;
    if (per_connection == 0) {
      change.errors.push_back({key, to_string(key) + ": " + to_string(resolved.group) +
                                        " allows no stream on a connection"});
      continue;
    }
    if (table_.size() >= config_.max_streams_total) {
      change.errors.push_back({key, to_string(key) + ": over the cap of " +
                                        std::to_string(config_.max_streams_total) +
                                        " streams in all"});
      continue;
    }
    const SubscriptionTable::Added added = table_.add(key, resolved.name);
    if (!added.id) {
      change.errors.push_back({key, added.error});
      continue;
    }
    added_now.insert(*added.id);
    accepted.push_back(Accepted{&key, *added.id, resolved.group, per_connection});
  }
  const auto same_unit = [placement](const Accepted& a, const Accepted& b) {
    return placement == KeyPlacement::by_symbol && a.group == b.group &&
           a.key->market == b.key->market && a.key->symbol == b.key->symbol;
  };
  for (std::size_t first = 0; first < accepted.size();) {
    std::size_t end = first + 1;
    while (end < accepted.size() && same_unit(accepted[first], accepted[end])) ++end;
    // A unit larger than a connection cannot ride on one: its keys go one by one.
    const std::size_t unit = end - first <= accepted[first].per_connection ? end - first : 1;
    for (std::size_t i = first; i < end; i += unit) {
      PlannedConnection& connection =
          place(accepted[i].group, accepted[i].per_connection, std::min(unit, end - i), change);
      for (std::size_t j = i; j < std::min(i + unit, end); ++j) {
        const StreamId id = accepted[j].id;
        connection.streams.push_back(id);
        if (connection_by_stream_.size() <= id.value) connection_by_stream_.resize(id.value + 1, 0);
        connection_by_stream_[id.value] = connection.id;
        append(change.subscribe, connection.id, id);
      }
    }
    first = end;
  }
  sort_by_connection(change.subscribe);
  return change;
}

PlannedConnection& ConnectionPlanner::place(const venues::ConnectionGroup& group,
                                            std::size_t per_connection, std::size_t count,
                                            PlanChange& change) {
  for (PlannedConnection& connection : connections_) {
    if (connection.group == group && connection.streams.size() + count <= per_connection)
      return connection;
  }
  connections_.push_back(PlannedConnection{next_connection_id_++, group, {}});
  change.opened.push_back(connections_.back().id);
  return connections_.back();
}

PlanChange ConnectionPlanner::remove(std::vector<SubscriptionKey> keys) {
  PlanChange change;
  std::sort(keys.begin(), keys.end());
  for (const SubscriptionKey& key : keys) {
    const std::optional<StreamId> id = table_.find(key);
    if (!id) {
      change.errors.push_back({key, to_string(key) + ": not subscribed"});
      continue;
    }
    const std::uint32_t connection_id = connection_by_stream_[id->value];
    auto connection =
        std::find_if(connections_.begin(), connections_.end(),
                     [&](const PlannedConnection& planned) { return planned.id == connection_id; });
    auto& streams = connection->streams;
    streams.erase(std::find(streams.begin(), streams.end(), *id));
    connection_by_stream_[id->value] = 0;
    table_.remove(*id);
    append(change.unsubscribe, connection_id, *id);
  }
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!it->streams.empty()) {
      ++it;
      continue;
    }
    const std::uint32_t emptied = it->id;
    change.emptied.push_back(emptied);
    change.unsubscribe.erase(
        std::remove_if(change.unsubscribe.begin(), change.unsubscribe.end(),
                       [&](const StreamCommand& command) { return command.connection == emptied; }),
        change.unsubscribe.end());
    it = connections_.erase(it);
  }
  sort_by_connection(change.unsubscribe);
  return change;
}

const PlannedConnection* ConnectionPlanner::connection(std::uint32_t id) const {
  for (const PlannedConnection& connection : connections_) {
    if (connection.id == id) return &connection;
  }
  return nullptr;
}

std::optional<std::uint32_t> ConnectionPlanner::connection_of(StreamId id) const {
  if (id.value >= connection_by_stream_.size() || connection_by_stream_[id.value] == 0) {
    return std::nullopt;
  }
  return connection_by_stream_[id.value];
}

}  // namespace depthrec::plan

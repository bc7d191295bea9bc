#include "plan/subscription_follow.hpp"

#include <algorithm>
#include <utility>

namespace depthrec::plan {
namespace {

// The venue's new-connection limit per IP; every group of a venue shares it.
ConnectionPacer connection_pacer_of(const venues::VenueRules& rules) {
  const venues::ConnectionLimits limits = rules.limits(venues::ConnectionGroup{});
  return ConnectionPacer(limits.max_new_connections, limits.new_connection_window);
}

bool contains(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

SubscriptionFollow::SubscriptionFollow(ConnectionPlanner& planner,
                                       std::shared_ptr<const venues::VenueRules> rules,
                                       std::size_t max_streams_per_request)
    : planner_(planner),
      rules_(std::move(rules)),
      builder_(rules_, max_streams_per_request),
      connection_pacer_(connection_pacer_of(*rules_)) {}

SubscriptionFollow::ConnectionQueue& SubscriptionFollow::queue_of(std::uint32_t connection) {
  ConnectionQueue& queue = queues_[connection];
  if (!queue.pacer) {
    const PlannedConnection* planned = planner_.connection(connection);
    const int limit =
        planned != nullptr ? rules_->limits(planned->group).max_incoming_messages_per_second : 5;
    queue.pacer = std::make_unique<MessagePacer>(limit);
  }
  return queue;
}

FollowChange SubscriptionFollow::apply(const std::vector<SubscriptionKey>& add,
                                       const std::vector<SubscriptionKey>& remove) {
  FollowChange out;
  // Removed first, their ids taken while the table still places them: their room is then free
  // for the new keys.
  for (const SubscriptionKey& key : remove) {
    if (std::optional<StreamId> id = planner_.table().find(key)) out.removed.push_back(*id);
  }
  out.plan = remove.empty() ? PlanChange{} : planner_.remove(remove);
  // A listing's depth and bookTicker go to one connection: one FeedSession takes both, so a
  // ticker SUBSCRIBEd elsewhere would be an unknown stream there.
  PlanChange added = add.empty() ? PlanChange{} : planner_.add(add, KeyPlacement::by_symbol);
  for (const StreamCommand& command : added.subscribe) {
    out.added.insert(out.added.end(), command.streams.begin(), command.streams.end());
  }
  // One change: what both steps did, in the planner's terms.
  out.plan.opened.insert(out.plan.opened.end(), added.opened.begin(), added.opened.end());
  out.plan.emptied.insert(out.plan.emptied.end(), added.emptied.begin(), added.emptied.end());
  out.plan.subscribe.insert(out.plan.subscribe.end(), added.subscribe.begin(),
                            added.subscribe.end());
  out.plan.unsubscribe.insert(out.plan.unsubscribe.end(), added.unsubscribe.begin(),
                              added.unsubscribe.end());
  out.plan.errors.insert(out.plan.errors.end(), added.errors.begin(), added.errors.end());

  // A connection opened now names its streams in its URL; one emptied now is closed.
  PlanChange live;
  for (const StreamCommand& command : out.plan.subscribe) {
    if (!contains(out.plan.opened, command.connection)) live.subscribe.push_back(command);
  }
  for (const StreamCommand& command : out.plan.unsubscribe) {
    if (!contains(out.plan.emptied, command.connection)) live.unsubscribe.push_back(command);
  }
  for (StreamRequest& request : builder_.build(planner_.table(), live)) {
    queue_of(request.connection).queued.push_back(std::move(request));
    ++out.requests_queued;
  }
  for (std::uint32_t connection : out.plan.emptied) on_connection_reset(connection);
  for (std::uint32_t connection : out.plan.opened) {
    if (!contains(out.plan.emptied, connection)) to_open_.push_back(connection);
  }
  return out;
}

std::size_t SubscriptionFollow::open_streams(std::uint32_t connection, std::uint64_t conn_id,
                                             const std::vector<StreamId>& streams) {
  if (streams.empty()) return 0;
  PlanChange change;
  change.subscribe.push_back(StreamCommand{connection, streams});
  std::vector<StreamRequest> requests = builder_.build(planner_.table(), change);
  for (StreamRequest& request : requests) request.conn_id = conn_id;
  ConnectionQueue& queue = queue_of(connection);
  // Before the connection's live requests: they change a set these complete.
  const auto first_unbound =
      std::find_if(queue.queued.begin(), queue.queued.end(),
                   [](const StreamRequest& request) { return request.conn_id == 0; });
  queue.queued.insert(first_unbound, std::make_move_iterator(requests.begin()),
                      std::make_move_iterator(requests.end()));
  return requests.size();
}

void SubscriptionFollow::on_socket_closed(std::uint32_t connection, std::uint64_t conn_id) {
  if (conn_id == 0) return;
  const auto bound = [conn_id](const StreamRequest& request) { return request.conn_id == conn_id; };
  if (auto it = queues_.find(connection); it != queues_.end()) {
    auto& queued = it->second.queued;
    queued.erase(std::remove_if(queued.begin(), queued.end(), bound), queued.end());
  }
  for (auto it = awaiting_.begin(); it != awaiting_.end();) {
    it = it->first.first == connection && bound(it->second) ? awaiting_.erase(it) : std::next(it);
  }
}

std::size_t SubscriptionFollow::opening_pending(std::uint32_t connection,
                                                std::uint64_t conn_id) const {
  std::size_t count = 0;
  if (auto it = queues_.find(connection); it != queues_.end()) {
    for (const StreamRequest& request : it->second.queued) count += request.conn_id == conn_id;
  }
  for (const auto& [key, request] : awaiting_)
    count += key.first == connection && request.conn_id == conn_id;
  return count;
}

std::vector<StreamRequest>::iterator SubscriptionFollow::next_of(ConnectionQueue& queue) {
  const auto next = next_of(std::as_const(queue));
  return queue.queued.begin() + (next - queue.queued.cbegin());
}

std::vector<StreamRequest>::const_iterator SubscriptionFollow::next_of(
    const ConnectionQueue& queue) {
  if (!queue.held) return queue.queued.begin();
  return std::find_if(queue.queued.begin(), queue.queued.end(),
                      [](const StreamRequest& request) { return request.conn_id != 0; });
}

std::vector<StreamRequest> SubscriptionFollow::due(PaceClock::time_point now) {
  std::vector<StreamRequest> out;
  for (auto& [connection, queue] : queues_) {
    const auto next = next_of(queue);
    if (next == queue.queued.end() || !queue.pacer->may_send(now).send_now) continue;
    StreamRequest request = std::move(*next);
    queue.queued.erase(next);
    queue.pacer->on_request_sent(now);
    awaiting_[{connection, request.id}] = request;
    out.push_back(std::move(request));
  }
  return out;
}

std::vector<std::uint32_t> SubscriptionFollow::connections_due(PaceClock::time_point now) {
  std::vector<std::uint32_t> out;
  while (!to_open_.empty() && connection_pacer_.may_open(now).send_now) {
    connection_pacer_.on_opened(now);
    out.push_back(to_open_.front());
    to_open_.erase(to_open_.begin());
  }
  return out;
}

std::optional<PaceClock::time_point> SubscriptionFollow::next_due() const {
  std::optional<PaceClock::time_point> next;
  const auto consider = [&next](PaceClock::time_point at) {
    if (!next || at < *next) next = at;
  };
  // may_send's not_before is the pacer's own earliest time whatever `now` is passed.
  for (const auto& [connection, queue] : queues_) {
    if (next_of(queue) != queue.queued.end())
      consider(queue.pacer->may_send(PaceClock::time_point{}).not_before);
  }
  if (!to_open_.empty()) consider(connection_pacer_.may_open(PaceClock::time_point{}).not_before);
  return next;
}

void SubscriptionFollow::on_control_sent(std::uint32_t connection, PaceClock::time_point now) {
  queue_of(connection).pacer->on_control_sent(now);
}

AnsweredRequest SubscriptionFollow::on_answer(std::uint32_t connection, std::uint64_t id, bool ok) {
  const auto it = awaiting_.find({connection, id});
  if (it == awaiting_.end()) return {};
  AnsweredRequest out{ok ? AnswerMatch::accepted : AnswerMatch::refused, std::move(it->second)};
  awaiting_.erase(it);
  return out;
}

void SubscriptionFollow::on_connection_reset(std::uint32_t connection) {
  if (auto it = queues_.find(connection); it != queues_.end()) it->second.queued.clear();
  for (auto it = awaiting_.begin(); it != awaiting_.end();) {
    it = it->first.first == connection ? awaiting_.erase(it) : std::next(it);
  }
}

void SubscriptionFollow::hold(std::uint32_t connection) {
  queue_of(connection).held = true;
}

void SubscriptionFollow::release(std::uint32_t connection) {
  if (auto it = queues_.find(connection); it != queues_.end()) it->second.held = false;
}

std::size_t SubscriptionFollow::queued() const {
  std::size_t count = 0;
  for (const auto& [connection, queue] : queues_) count += queue.queued.size();
  return count;
}

}  // namespace depthrec::plan

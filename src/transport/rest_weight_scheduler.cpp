#include "transport/rest_weight_scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace depthrec::transport {
namespace {

using std::chrono::milliseconds;

int share_of(int limit, double share) {
  const double clamped = std::clamp(std::isfinite(share) ? share : 1.0, 0.0, 1.0);
  return std::max(1, static_cast<int>(std::floor(static_cast<double>(limit) * clamped)));
}

}  // namespace

int rest_weight_limit(const RestBudgetConfig& config, RestPriority priority) {
  const int limit = std::max(config.weight_per_window, 1);
  const int planned = share_of(limit, config.safety_share);
  return priority == RestPriority::resync
             ? planned
             : std::min(planned, share_of(limit, config.initial_share));
}

std::string_view to_string(RestPriority priority) {
  switch (priority) {
    case RestPriority::resync:
      return "resync";
    case RestPriority::initial:
      return "initial";
    case RestPriority::low:
      return "low";
  }
  return "low";
}

RestBudgetId RestWeightScheduler::add_budget(RestBudgetConfig config) {
  config.weight_per_window = std::max(config.weight_per_window, 1);
  config.window = std::max(config.window, milliseconds(1));
  Budget budget(config, jitter_seed_ + budgets_.size());
  budget.planned_limit = rest_weight_limit(config, RestPriority::resync);
  budget.initial_limit = rest_weight_limit(config, RestPriority::initial);
  budget.counts.name = config.name;
  budget.counts.limit = config.weight_per_window;
  budget.counts.planned_limit = budget.planned_limit;
  budget.counts.initial_limit = budget.initial_limit;
  budgets_.push_back(std::move(budget));
  return budgets_.size() - 1;
}

std::optional<RestBudgetId> RestWeightScheduler::find_budget(std::string_view name) const {
  for (std::size_t i = 0; i < budgets_.size(); ++i) {
    if (budgets_[i].config.name == name) return i;
  }
  return std::nullopt;
}

int RestWeightScheduler::limit_for(const Budget& budget, RestPriority priority) {
  return priority == RestPriority::resync ? budget.planned_limit : budget.initial_limit;
}

RestWeightScheduler::Enqueued RestWeightScheduler::enqueue(RestBudgetId id, RestPriority priority,
                                                           int weight) {
  if (id >= budgets_.size()) return {0, "unknown REST budget " + std::to_string(id)};
  Budget& budget = budgets_[id];
  weight = std::max(weight, 0);
  const int limit = limit_for(budget, priority);
  if (weight > limit) {
    ++budget.counts.refused;
    return {0, "request weight " + std::to_string(weight) + " exceeds what the REST budget '" +
                   budget.config.name + "' admits for " + std::string(to_string(priority)) +
                   " requests: " + std::to_string(limit) + " of its " +
                   std::to_string(budget.config.weight_per_window) + " per " +
                   std::to_string(budget.config.window.count()) + " ms"};
  }
  const RestHandle handle = next_handle_++;
  budget.queues[static_cast<std::size_t>(priority)].push_back({handle, weight});
  return {handle, {}};
}

void RestWeightScheduler::prune(Budget& budget, TimePoint now) {
  while (!budget.spent.empty() && budget.spent.front().at + budget.config.window <= now) {
    budget.used -= budget.spent.front().weight;
    budget.spent.pop_front();
  }
}

std::deque<RestWeightScheduler::Queued>* RestWeightScheduler::head_queue(Budget& budget,
                                                                         RestPriority* priority) {
  for (std::size_t p = 0; p < kRestPriorityCount; ++p) {
    if (!budget.queues[p].empty()) {
      *priority = static_cast<RestPriority>(p);
      return &budget.queues[p];
    }
  }
  return nullptr;
}

RestWeightScheduler::TimePoint RestWeightScheduler::room_at(const Budget& budget, int weight,
                                                            int limit, TimePoint now) {
  const auto need = static_cast<std::uint64_t>(weight);
  const auto cap = static_cast<std::uint64_t>(limit);
  if (budget.used + need <= cap) return now;
  // Wait until enough of the oldest spending has left the window.
  std::uint64_t left = budget.used;
  for (const Spent& s : budget.spent) {
    left -= s.weight;
    if (left + need <= cap) return s.at + budget.config.window;
  }
  return now + budget.config.window;  // unreachable while weight <= limit
}

std::optional<RestWeightScheduler::Admitted> RestWeightScheduler::admit_from(Budget& budget,
                                                                             RestBudgetId id,
                                                                             TimePoint now) {
  if (now < budget.blocked_until) return std::nullopt;
  RestPriority priority{};
  std::deque<Queued>* queue = head_queue(budget, &priority);
  if (queue == nullptr) return std::nullopt;
  prune(budget, now);
  const Queued head = queue->front();
  // A lower priority never passes a waiting higher one: strict order within the budget.
  if (room_at(budget, head.weight, limit_for(budget, priority), now) > now) return std::nullopt;
  queue->pop_front();
  budget.spent.push_back({now, static_cast<std::uint64_t>(head.weight)});
  budget.used += static_cast<std::uint64_t>(head.weight);
  ++budget.counts.admitted;
  return Admitted{head.handle, id, head.weight};
}

std::optional<RestWeightScheduler::Admitted> RestWeightScheduler::admit(TimePoint now,
                                                                        RestBudgetId id) {
  if (id >= budgets_.size()) return std::nullopt;
  return admit_from(budgets_[id], id, now);
}

std::optional<RestWeightScheduler::TimePoint> RestWeightScheduler::ready_at(Budget& budget,
                                                                            TimePoint now) {
  RestPriority priority{};
  const std::deque<Queued>* queue = head_queue(budget, &priority);
  if (queue == nullptr) return std::nullopt;
  prune(budget, now);
  return std::max(budget.blocked_until,
                  room_at(budget, queue->front().weight, limit_for(budget, priority), now));
}

std::optional<RestWeightScheduler::TimePoint> RestWeightScheduler::next_ready_at(TimePoint now,
                                                                                 RestBudgetId id) {
  if (id >= budgets_.size()) return std::nullopt;
  return ready_at(budgets_[id], now);
}

bool RestWeightScheduler::cancel(RestHandle handle) {
  for (Budget& budget : budgets_) {
    for (std::deque<Queued>& queue : budget.queues) {
      const auto it = std::find_if(queue.begin(), queue.end(),
                                   [&](const Queued& q) { return q.handle == handle; });
      if (it == queue.end()) continue;
      queue.erase(it);
      ++budget.counts.cancelled;
      return true;
    }
  }
  return false;
}

std::vector<RestHandle> RestWeightScheduler::drain() {
  std::vector<RestHandle> handles;
  for (Budget& budget : budgets_) {
    for (std::deque<Queued>& queue : budget.queues) {
      for (const Queued& q : queue) handles.push_back(q.handle);
      queue.clear();
    }
  }
  return handles;
}

void RestWeightScheduler::on_response(RestBudgetId id, long status,
                                      std::optional<std::chrono::seconds> retry_after,
                                      std::optional<int> used_weight, TimePoint now) {
  if (id >= budgets_.size()) return;
  Budget& budget = budgets_[id];
  if (status >= 200 && status < 300) budget.throttle_backoff.reset();
  if (status == 429) ++budget.counts.http_429;
  if (status == 418) ++budget.counts.http_418;
  if (status == 429 || status == 418) {
    const Clock::duration wait = retry_after ? Clock::duration(*retry_after)
                                             : Clock::duration(budget.throttle_backoff.next());
    const TimePoint until = now + wait;
    const TimePoint from = std::max(now, budget.blocked_until);
    if (until > from) {
      budget.blocked_total += until - from;
      budget.blocked_until = until;
    }
  }
  // The server's own count wins when it is higher (other clients on the same IP spend it too).
  if (used_weight && *used_weight > 0) {
    prune(budget, now);
    const auto theirs = static_cast<std::uint64_t>(*used_weight);
    if (theirs > budget.used) {
      budget.spent.push_back({now, theirs - budget.used});
      budget.used = theirs;
    }
  }
}

RestBudgetStats RestWeightScheduler::stats(RestBudgetId id, TimePoint now) {
  if (id >= budgets_.size()) return {};
  Budget& budget = budgets_[id];
  prune(budget, now);
  RestBudgetStats out = budget.counts;
  out.weight_used = budget.used;
  for (std::size_t p = 0; p < kRestPriorityCount; ++p) out.queued[p] = budget.queues[p].size();
  const Clock::duration remaining =
      budget.blocked_until > now ? budget.blocked_until - now : Clock::duration(0);
  out.blocked = std::chrono::duration_cast<milliseconds>(budget.blocked_total - remaining);
  out.blocked_remaining = std::chrono::ceil<milliseconds>(remaining);
  return out;
}

}  // namespace depthrec::transport

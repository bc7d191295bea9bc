#pragma once
// The REST budget's lower bound on the time to sync many books: each needs one snapshot of
// weight w, and the scheduler admits at most rest_weight_limit() weight per rolling window.
// Network and server time come on top; the whole-market benchmark prints it beside the measured
// time until every book is synced.

#include <chrono>
#include <cstdint>
#include <optional>

#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::transport {

/// The time from the first snapshot request until the last of `books` snapshots of `weight` each
/// may be sent, at `priority`, starting with an unused window: floor(limit / weight) requests go
/// per window, so the last goes after ceil(books / that) - 1 windows. nullopt: one snapshot
/// alone exceeds what the budget admits (it would never be sent).
std::optional<std::chrono::milliseconds> sync_time_lower_bound(
    std::uint64_t books, int weight, const RestBudgetConfig& budget,
    RestPriority priority = RestPriority::initial);

}  // namespace depthrec::transport

#include "transport/rest_sync_bound.hpp"

#include <algorithm>

namespace depthrec::transport {

std::optional<std::chrono::milliseconds> sync_time_lower_bound(std::uint64_t books, int weight,
                                                               const RestBudgetConfig& budget,
                                                               RestPriority priority) {
  const std::chrono::milliseconds window = std::max(budget.window, std::chrono::milliseconds(1));
  if (books == 0 || weight <= 0) return std::chrono::milliseconds(0);
  const int limit = rest_weight_limit(budget, priority);
  if (weight > limit) return std::nullopt;
  const std::uint64_t per_window = static_cast<std::uint64_t>(limit / weight);
  const std::uint64_t windows = (books + per_window - 1) / per_window;
  return window * static_cast<std::int64_t>(windows - 1);
}

}  // namespace depthrec::transport

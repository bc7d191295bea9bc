#include "session/recorder_rest_budgets.hpp"

#include "transport/binance_rest_budgets.hpp"

namespace depthrec::session {

std::vector<transport::RestBudgetConfig> recorder_rest_budgets(const RecorderConfig& config) {
  std::vector<transport::RestBudgetConfig> budgets = transport::binance_rest_budgets();
  for (transport::RestBudgetConfig& budget : budgets) {
    budget.window = config.rest_weight_window;
    budget.safety_share = config.rest_safety_share;
    budget.initial_share = config.rest_initial_share;
    if (budget.name == transport::binance_rest_budget_name(config.market) &&
        config.rest_weight_per_minute > 0)
      budget.weight_per_window = config.rest_weight_per_minute;
  }
  return budgets;
}

transport::RestBudgetConfig feed_rest_budget(const RecorderConfig& config) {
  for (const transport::RestBudgetConfig& budget : recorder_rest_budgets(config)) {
    if (budget.name == transport::binance_rest_budget_name(config.market)) return budget;
  }
  return {};
}

}  // namespace depthrec::session

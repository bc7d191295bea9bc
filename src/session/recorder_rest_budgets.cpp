#include "session/recorder_rest_budgets.hpp"

#include "venues/binance/binance_limits.hpp"

namespace depthrec::session {

namespace binance = venues::binance;

std::string_view rest_budget_name(Market market) {
  return binance::weight_pool_name(binance::weight_pool(market));
}

std::vector<transport::RestBudgetConfig> recorder_rest_budgets(const RecorderConfig& config) {
  std::vector<transport::RestBudgetConfig> budgets;
  for (const binance::WeightPool pool : binance::kWeightPools) {
    transport::RestBudgetConfig& budget = budgets.emplace_back();
    budget.name = binance::weight_pool_name(pool);
    budget.weight_per_window = binance::rest_weight_per_minute(pool);
    budget.window = config.rest_weight_window;
    budget.safety_share = config.rest_safety_share;
    budget.initial_share = config.rest_initial_share;
    if (pool == binance::weight_pool(config.market) && config.rest_weight_per_minute > 0)
      budget.weight_per_window = config.rest_weight_per_minute;
  }
  return budgets;
}

transport::RestBudgetConfig feed_rest_budget(const RecorderConfig& config) {
  for (const transport::RestBudgetConfig& budget : recorder_rest_budgets(config)) {
    if (budget.name == rest_budget_name(config.market)) return budget;
  }
  return {};
}

}  // namespace depthrec::session

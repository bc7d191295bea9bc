#include "transport/binance_rest_budgets.hpp"

namespace depthrec::transport {

std::string_view binance_rest_budget_name(Market market) {
  return market == Market::spot ? "spot" : "futures";
}

std::vector<RestBudgetConfig> binance_rest_budgets() {
  RestBudgetConfig spot;
  spot.name = "spot";
  spot.weight_per_window = 6000;
  RestBudgetConfig futures;
  futures.name = "futures";
  futures.weight_per_window = 2400;
  return {spot, futures};
}

}  // namespace depthrec::transport

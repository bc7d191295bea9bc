// The REST weight budgets a recorder's scheduler holds: one per weight pool of the venue
// (venues/binance/binance_limits.hpp: spot; USD-M and COIN-M share "futures"), with the config's
// overrides (--rest-weight-per-minute for the feed's market, the window and the shares for all).
// One place, so validate() checks what the scheduler will hold.
#pragma once

#include <string_view>
#include <vector>

#include "depthrec/recorder_config.hpp"
#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::session {

std::vector<transport::RestBudgetConfig> recorder_rest_budgets(const RecorderConfig& config);
// The name of the budget `market` draws from ("spot" or "futures").
std::string_view rest_budget_name(Market market);
// The one the feed's market draws from.
transport::RestBudgetConfig feed_rest_budget(const RecorderConfig& config);

}  // namespace depthrec::session

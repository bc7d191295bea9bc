// The REST weight budgets a recorder's scheduler holds: the venue's (binance_rest_budgets.hpp),
// with the config's overrides (--rest-weight-per-minute for the feed's market, the window and
// the shares for all). One place, so validate() checks what the scheduler will hold.
#pragma once

#include <vector>

#include "depthrec/recorder_config.hpp"
#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::session {

std::vector<transport::RestBudgetConfig> recorder_rest_budgets(const RecorderConfig& config);
// The one the feed's market draws from.
transport::RestBudgetConfig feed_rest_budget(const RecorderConfig& config);

}  // namespace depthrec::session

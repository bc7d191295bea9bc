#pragma once
// Binance's REST weight budgets per IP, as they stand in 2026 (../shared/binance-protocol.md):
// spot 6000 per minute; USD-M and COIN-M share one 2400 per minute since their integration, so a
// usdm and a coinm book of one process draw from the same budget. Venue knowledge: it moves into
// src/venues/binance/ with the venue seam (issue 12); nothing else names these figures.

#include <string_view>
#include <vector>

#include "depthrec/market.hpp"
#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::transport {

/// The budget a request of `market` draws from: "spot" or "futures".
std::string_view binance_rest_budget_name(Market market);

/// Every budget of the venue, with the exchange's limits and the scheduler's default shares.
std::vector<RestBudgetConfig> binance_rest_budgets();

}  // namespace depthrec::transport

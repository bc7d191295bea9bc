// One market's exchangeInfo fetched through the shared RestScheduler (the venue's weight, the
// market's weight pool) and parsed by the venue: the symbol list `--symbols ALL` resolves against.
#pragma once

#include <functional>
#include <string>

#include "depthrec/market.hpp"
#include "transport/rest_scheduler.hpp"
#include "venues/binance/exchange_info.hpp"

namespace depthrec::session {

struct ExchangeInfoRequest {
  Market market = Market::usdm;
  std::string rest_endpoint;  // the user's (a simulator) or "" for Binance's host
  transport::RestBudgetId budget = 0;
  transport::RestPriority priority = transport::RestPriority::initial;
};

// Queues the GET; `done` runs on the scheduler's worker thread (or at once, on the caller's, when
// the scheduler refuses it) with "" and the parsed list, or with what went wrong: the transport
// error, the HTTP status with the body's start (Binance's {"code","msg"}), or the parser's
// message for a malformed answer (then the list is empty: never a partial one).
void request_exchange_info(transport::RestScheduler& scheduler, const ExchangeInfoRequest& request,
                           std::function<void(std::string error, binance::ExchangeInfo info)> done);

// The same, waiting for the answer: for the engine's start, before its loop runs.
std::string fetch_exchange_info(transport::RestScheduler& scheduler,
                                const ExchangeInfoRequest& request, binance::ExchangeInfo& out);

}  // namespace depthrec::session

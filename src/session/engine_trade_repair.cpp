// --repair-trades in the many-stream engine: an aggTrade handler's fetches of its gaps go to the
// process's one REST scheduler, in the weight budget of the stream's market, at low priority.
#include <memory>

#include "session/engine.hpp"
#include "session/market_endpoints.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "session/wiring_support.hpp"
#include "venues/binance/binance_endpoints.hpp"
#include "venues/binance/binance_limits.hpp"

namespace depthrec::session {

namespace binance = venues::binance;

Engine::AggTradesFetcher Engine::agg_trades_fetcher(const SubscriptionKey& key) {
  const transport::RestBudgetId budget =
      rest_scheduler_->find_budget(rest_budget_name(key.market)).value();
  const std::string endpoint = rest_endpoint_of(config_, key.market);
  return [this, budget, endpoint, market = key.market, symbol = key.symbol](
             std::uint64_t from_id, int limit, std::function<void(const RestAnswer&)> done) {
    // Low priority: a book's resync or first sync always goes first within the budget.
    transport::RestRequest request{
        budget, transport::RestPriority::low,
        binance::agg_trades_url(endpoint, market, symbol, from_id, limit),
        binance::agg_trades_weight(market)};
    rest_scheduler_->request(
        std::move(request), [this, done = std::move(done)](transport::HttpResponse response) {
          // The run is ending (RestScheduler::stop answers what was queued so): the gap stays
          // marked, no record is written after the writer's drain.
          if (response.status == 0 && response.error == "fetcher stopped") return;
          auto answer = std::make_shared<RestAnswer>(to_answer(std::move(response)));
          loop_->post([done, answer] { done(*answer); });
        });
  };
}

void Engine::warn_if_nothing_to_repair() {
  if (!config_.repair_trades) return;
  for (const auto& channel : channels_) {
    if (channel->handler->key().channel.kind == ChannelKind::agg_trade) return;
  }
  log_->log(LogLevel::warning,
            "--repair-trades: no aggTrade stream is recorded, so there is nothing to repair "
            "(only aggTrade gaps are: trade history needs an API key)");
}

}  // namespace depthrec::session

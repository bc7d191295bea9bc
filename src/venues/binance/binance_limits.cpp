#include "venues/binance/binance_limits.hpp"

namespace depthrec::venues::binance {

ConnectionLimits connection_limits(Market market, std::size_t futures_streams_per_connection,
                                   std::size_t spot_streams_per_connection) {
  ConnectionLimits limits;
  const bool spot = market == Market::spot;
  limits.max_streams_per_connection =
      spot ? spot_streams_per_connection : futures_streams_per_connection;
  limits.max_incoming_messages_per_second = spot ? 5 : 10;
  limits.max_new_connections = 300;
  limits.new_connection_window = std::chrono::minutes(5);
  return limits;
}

WeightPool weight_pool(Market market) {
  return market == Market::spot ? WeightPool::spot : WeightPool::futures;
}

const char* weight_pool_name(WeightPool pool) {
  return pool == WeightPool::spot ? "spot" : "futures";
}

int rest_weight_per_minute(WeightPool pool) {
  return pool == WeightPool::spot ? 6000 : 2400;
}

int rest_weight_per_minute(Market market) {
  return rest_weight_per_minute(weight_pool(market));
}

int snapshot_weight(Market market, int limit) {
  if (market == Market::spot) {
    if (limit <= 100) return 5;
    if (limit <= 500) return 25;
    if (limit <= 1000) return 50;
    return 250;
  }
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

bool is_valid_snapshot_limit(Market market, int limit) {
  if (market == Market::spot) return limit >= 1 && limit <= 5000;
  for (int allowed : {5, 10, 20, 50, 100, 500, 1000}) {
    if (limit == allowed) return true;
  }
  return false;
}

int exchange_info_weight(Market market) {
  return market == Market::spot ? 20 : 1;
}

int agg_trades_weight(Market market) {
  return market == Market::spot ? 4 : 20;
}

}  // namespace depthrec::venues::binance

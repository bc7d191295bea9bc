// Binance's limits on one client IP (binance-protocol.md, "Connection rules", "2026 changes"):
// streams per connection, incoming messages per connection, new connections, REST weights.
#pragma once

#include <cstddef>

#include "depthrec/market.hpp"
#include "venues/connection_limits.hpp"

namespace depthrec::venues::binance {

inline constexpr std::size_t kSpotStreamsPerConnection = 1024;
// The futures docs say 1024 since 2026 and 200 from 2020 to 2025; most libraries keep 200.
inline constexpr std::size_t kDefaultFuturesStreamsPerConnection = 200;
inline constexpr std::size_t kMaxFuturesStreamsPerConnection = 1024;

// Spot: `spot_streams_per_connection` (at most 1024), 5 messages/s; futures:
// `futures_streams_per_connection`, 10 messages/s; both 300 new connections per 5 minutes per IP.
// Pings, pongs and requests all count as messages.
ConnectionLimits connection_limits(
    Market market, std::size_t futures_streams_per_connection = kDefaultFuturesStreamsPerConnection,
    std::size_t spot_streams_per_connection = kSpotStreamsPerConnection);

// REST request weight: spot has its own 6,000 a minute; USD-M and COIN-M share 2,400 a minute per
// IP since their integration (2026-06-30), so one budget serves both.
enum class WeightPool { spot, futures };
inline constexpr WeightPool kWeightPools[] = {WeightPool::spot, WeightPool::futures};
WeightPool weight_pool(Market market);
const char* weight_pool_name(WeightPool pool);  // "spot", "futures" (metrics.json rest.budget)
int rest_weight_per_minute(WeightPool pool);
int rest_weight_per_minute(Market market);
// A depth snapshot of `limit` levels: spot 5/25/50/250 for <=100/<=500/<=1000/<=5000; futures
// 2/5/10/20 for 5-50/100/500/1000.
int snapshot_weight(Market market, int limit);
// USD-M's RPI book snapshot (/fapi/v1/rpiDepth): limit 1000 only, weight 20 of the futures pool.
inline constexpr int kRpiSnapshotLimit = 1000;
inline constexpr int kRpiSnapshotWeight = 20;
// Spot 1 to 5000; futures 5, 10, 20, 50, 100, 500 or 1000.
bool is_valid_snapshot_limit(Market market, int limit);
// exchangeInfo: /api/v3 20, /fapi/v1 and /dapi/v1 1.
int exchange_info_weight(Market market);
inline constexpr int kServerTimeWeight = 1;
// aggTrades (any limit up to 1000): /api/v3 4, /fapi/v1 and /dapi/v1 20.
int agg_trades_weight(Market market);

}  // namespace depthrec::venues::binance

// Where Binance serves each market: WebSocket hosts and USD-M routes, REST hosts and paths
// (binance-protocol.md, "Endpoints" and "2026 changes").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/subscription.hpp"

namespace depthrec::venues::binance {

// USD-M serves each stream category on its own path since 2026-04-23: depth, rpiDepth and
// bookTicker on /public, aggTrade, kline, markPrice, ticker, forceOrder... on /market. A SUBSCRIBE
// on the wrong one is acknowledged and then silent. Spot and COIN-M are not routed.
enum class Route { unrouted, public_data, market_data };
Route route_of(Market market, ChannelKind kind);
std::string_view route_path(Route route);  // "", "/public", "/market"
// The route a WebSocket endpoint already names (".../public" or ".../market", a trailing '/'
// allowed); nullopt when it names none.
std::optional<Route> route_of_endpoint(std::string_view endpoint);

// wss://stream.binance.com:9443, wss://fstream.binance.com, wss://dstream.binance.com.
std::string_view default_ws_host(Market market);
// The base a connection of `route` opens: the market's host and the route's path, or the user's
// endpoint (a simulator) with the route's path added unless the endpoint names a route itself.
std::string ws_base(std::string_view endpoint_override, Market market, Route route);
// A connection whose streams are in its URL: <base>/stream?streams=a/b/c.
std::string combined_stream_url(std::string_view base, const std::vector<std::string>& names);
// A connection opened with no stream, to be filled by SUBSCRIBE: <base>/stream (wrapped payloads).
std::string live_stream_url(std::string_view base);

// rpi_depth: USD-M's RPI book snapshot, /fapi/v1/rpiDepth (the other markets have none).
enum class RestEndpoint { depth, server_time, exchange_info, agg_trades, rpi_depth };
// https://api.binance.com, https://fapi.binance.com, https://dapi.binance.com.
std::string_view default_rest_host(Market market);
// /api/v3/depth, /fapi/v1/time, /dapi/v1/exchangeInfo...
std::string rest_path(Market market, RestEndpoint endpoint);
// The host (or the user's endpoint, trailing '/' dropped) and the path.
std::string rest_url(std::string_view endpoint_override, Market market, RestEndpoint endpoint);
// <rest_url depth>?symbol=BTCUSDT&limit=1000 (the symbol upper-cased).
std::string snapshot_url(std::string_view endpoint_override, Market market, std::string_view symbol,
                         int limit);

// <rest_url rpiDepth>?symbol=BTCUSDT&limit=1000: USD-M's RPI book snapshot (limit 1000 only).
std::string rpi_snapshot_url(std::string_view endpoint_override, std::string_view symbol);

// <rest_url aggTrades>?symbol=BTCUSDT&fromId=N&limit=L: L aggregate trades from id N on.
std::string agg_trades_url(std::string_view endpoint_override, Market market,
                           std::string_view symbol, std::uint64_t from_id, int limit);

}  // namespace depthrec::venues::binance

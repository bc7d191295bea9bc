// The three Binance markets the simulator can impersonate, and the per-symbol price grid.
// Prices and quantities are integers in units of 10^-decimals, exactly as the exchange prints them,
// so "63943.90" with 2 decimals is 6394390: no floating point anywhere in the simulator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthsim {

enum class Market { usdm, coinm, spot };

std::optional<Market> parse_market(std::string_view name);  // "usdm" | "coinm" | "spot"
std::string_view market_name(Market market);
inline bool is_futures(Market market) {
  return market != Market::spot;
}
std::string_view depth_rest_path(
    Market market);  // "/fapi/v1/depth", "/dapi/v1/depth", "/api/v3/depth"
// "/fapi/v1/aggTrades", "/dapi/v1/aggTrades", "/api/v3/aggTrades"
std::string_view agg_trades_rest_path(Market market);
std::string_view time_rest_path(Market market);  // "/fapi/v1/time", "/dapi/v1/time", "/api/v3/time"
int default_ping_interval_sec(Market market);    // 180 futures, 20 spot
int incoming_message_limit_per_sec(Market market);     // 10 futures, 5 spot
bool is_valid_depth_limit(Market market, long limit);  // futures 5..1000 fixed set, spot 1..5000

struct SymbolSpec {
  std::string name;              // upper case, e.g. "BTCUSDT"
  int price_decimals = 2;        // "63943.90" -> 2
  std::int64_t tick = 1;         // price step, in price units (0.10 with 2 decimals -> 10)
  std::int64_t start_price = 0;  // in price units: where the synthetic book starts
  int qty_decimals = 3;          // "0.000" -> 3
  std::int64_t qty_step = 1;     // quantity step, in quantity units
  // Level quantities in steps: 0 keeps the default spread (mostly 1..400, walls to 50,000); a
  // low-priced profile sets a range of its own (PEPEUSDT: 1e11..1e13 whole units, past the int64
  // range of a recorder holding 1e-8 units).
  std::int64_t min_lots = 0;
  std::int64_t max_lots = 0;
};

// Realistic grids for BTC/ETH (e.g. usdm BTCUSDT: 0.10 ticks around 60000, qty step 0.001), a
// low-priced spot profile for PEPEUSDT (0.00000001 ticks around 0.00001, quantities of 1e11..1e13
// whole units printed with 2 decimals, "12345678901234.00"), a generic grid otherwise.
// `symbol` must already be upper case.
SymbolSpec symbol_spec(Market market, std::string_view symbol);

// [A-Z0-9_], 1..32 characters.
bool is_valid_symbol_name(std::string_view symbol);
std::string to_upper_ascii(std::string_view text);
std::string to_lower_ascii(std::string_view text);

// Appends `units` with exactly `decimals` fractional digits: (6394390, 2) -> "63943.90".
void append_fixed(std::string& out, std::int64_t units, int decimals);
std::string format_fixed(std::int64_t units, int decimals);

}  // namespace depthsim

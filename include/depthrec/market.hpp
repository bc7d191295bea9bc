// Markets, symbols and stream keys. Everything in depthrec is keyed by (market, symbol, stream)
// so that many symbols and stream kinds can share a connection, a writer or a metrics file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace depthrec {

enum class Market : std::uint8_t {
  spot,   // Binance spot: continuity is U == previous u + 1, no `pu`.
  usdm,   // USD-M futures: continuity is pu == previous u.
  coinm,  // COIN-M futures: same rules as USD-M.
};

std::optional<Market> parse_market(std::string_view name);  // "spot" | "usdm" | "coinm"
std::string_view to_string(Market market);
inline bool has_prev_final_id(Market market) {
  return market != Market::spot;
}

// A symbol becomes part of file names: only [A-Z0-9_-], 1 to 32 characters, is accepted
// (after upper-casing), so "../x" or "a/b" is refused.
bool is_valid_symbol(std::string_view symbol);
std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);

// The depth stream the recorder subscribes to: `--depth full` is the diff stream
// (<sym>@depth[@speed]); `--depth 5|10|20` is the partial-depth stream (<sym>@depth5[@speed]).
// Binance's names: these two forward to src/venues/binance/ (library depthrec_venues), where
// every venue-specific name, URL and limit lives; new code uses SubscriptionKey and the venue.
struct DepthStreamSpec {
  int levels = 0;     // 0 = diff stream (full book); 5, 10 or 20 = partial depth
  std::string speed;  // "", "0ms", "100ms", "250ms", "500ms", "1000ms"
};
std::string depth_stream_name(std::string_view symbol, const DepthStreamSpec& spec);
// The symbol's bookTicker stream (--book-ticker): <sym>@bookTicker.
std::string book_ticker_stream_name(std::string_view symbol);

struct StreamKey {
  Market market = Market::usdm;
  std::string symbol;  // upper case, e.g. "BTCUSDT"
  std::string stream;  // lower case stream name, e.g. "btcusdt@depth@100ms"

  friend bool operator==(const StreamKey& a, const StreamKey& b) {
    return std::tie(a.market, a.symbol, a.stream) == std::tie(b.market, b.symbol, b.stream);
  }
  friend bool operator<(const StreamKey& a, const StreamKey& b) {
    return std::tie(a.market, a.symbol, a.stream) < std::tie(b.market, b.symbol, b.stream);
  }
};

}  // namespace depthrec

// A whole market's symbols without listing them: `--symbol-count spot=1000,usdm=600,coinm=400`
// names the real symbols first (BTCUSDT, ETHUSDT, ...; COIN-M BTCUSD_PERP, ...) and then
// synthetic, realistic-looking ones (seeded), and gives every symbol of every market its own
// event rate from one aggregate `--total-rate`: a Zipf-Mandelbrot spread, so a few symbols are
// hot (hundreds of events/s) and a long tail is quiet (well under 1/s), as on Binance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "market_spec.hpp"

namespace depthsim {

// "spot=1000,usdm=600,coinm=400" -> counts per market; nullopt and `error` when malformed.
struct MarketCount {
  Market market = Market::usdm;
  std::size_t count = 0;
};
std::optional<std::vector<MarketCount>> parse_symbol_counts(std::string_view text,
                                                            std::string& error);

// `count` distinct symbols of `market`: Binance's most traded first, then synthetic ones drawn
// from `seed` (3-6 letter bases that are none of the real ones; COIN-M as <BASE>USD_PERP).
std::vector<std::string> market_symbols(Market market, std::size_t count, std::uint64_t seed);

// Rates (events/s) of `count` symbols ranked 1..count, summing to `total_rate`: rank k gets a
// share proportional to 1 / (k + kZipfOffset)^exponent. The order of ranks is the caller's.
constexpr double kZipfOffset = 20;
std::vector<double> zipf_rates(std::size_t count, double total_rate, double exponent);

}  // namespace depthsim

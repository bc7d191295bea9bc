#include "symbol_universe.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <unordered_set>

#include "seeded_random.hpp"

namespace depthsim {

namespace {

// Bases of Binance's most traded pairs, roughly by volume (spot and USD-M list most of them).
constexpr std::array<std::string_view, 40> kRealBases{
    "BTC", "ETH",  "BNB", "SOL",  "XRP", "DOGE", "ADA",  "TRX", "AVAX", "LINK",
    "DOT", "LTC",  "BCH", "NEAR", "UNI", "APT",  "ARB",  "OP",  "FIL",  "ATOM",
    "ETC", "SUI",  "INJ", "TIA",  "SEI", "AAVE", "MKR",  "LDO", "RUNE", "ALGO",
    "XLM", "HBAR", "ICP", "VET",  "GRT", "SAND", "MANA", "AXS", "EGLD", "FTM"};

constexpr std::string_view kConsonants = "BCDFGHJKLMNPRSTVWXZ";
constexpr std::string_view kVowels = "AEIOU";

std::string symbol_of(Market market, std::string_view base) {
  std::string symbol(base);
  symbol += market == Market::coinm ? "USD_PERP" : "USDT";
  return symbol;
}

// A pronounceable-looking ticker: consonant/vowel alternation, 3 to 6 letters.
std::string synthetic_base(SeededRandom& random) {
  const std::size_t length = 3 + static_cast<std::size_t>(random.below(4));
  std::string base;
  bool consonant = random.percent(70);
  for (std::size_t i = 0; i < length; ++i) {
    const std::string_view letters = consonant ? kConsonants : kVowels;
    base.push_back(letters[static_cast<std::size_t>(random.below(letters.size()))]);
    consonant = !consonant || random.percent(25);
  }
  return base;
}

}  // namespace

std::optional<std::vector<MarketCount>> parse_symbol_counts(std::string_view text,
                                                            std::string& error) {
  std::vector<MarketCount> counts;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    const std::optional<Market> market =
        equals == std::string_view::npos ? std::nullopt : parse_market(item.substr(0, equals));
    std::size_t count = 0;
    const std::string_view number =
        equals == std::string_view::npos ? std::string_view{} : item.substr(equals + 1);
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
    if (!market || number.empty() || ec != std::errc() || end != number.data() + number.size() ||
        count == 0 || count > 100000) {
      error = "--symbol-count '" + std::string(item) +
              "': expected MARKET=N (spot, usdm or coinm; N from 1 to 100000)";
      return std::nullopt;
    }
    for (const MarketCount& seen : counts) {
      if (seen.market == *market) {
        error = "--symbol-count names " + std::string(market_name(*market)) + " twice";
        return std::nullopt;
      }
    }
    counts.push_back({*market, count});
  }
  if (counts.empty()) {
    error = "--symbol-count needs MARKET=N, e.g. spot=1000,usdm=600,coinm=400";
    return std::nullopt;
  }
  return counts;
}

std::vector<std::string> market_symbols(Market market, std::size_t count, std::uint64_t seed) {
  std::vector<std::string> symbols;
  symbols.reserve(count);
  std::unordered_set<std::string> bases;
  for (std::string_view base : kRealBases) {
    if (symbols.size() == count) return symbols;
    bases.emplace(base);
    symbols.push_back(symbol_of(market, base));
  }
  // The same seed names the same synthetic symbols in every market, as Binance lists many
  // tokens on spot and futures alike.
  SeededRandom random(seed ^ 0x5EED5EED5EEDULL);
  while (symbols.size() < count) {
    std::string base = synthetic_base(random);
    if (!bases.insert(base).second) continue;
    symbols.push_back(symbol_of(market, base));
  }
  return symbols;
}

std::vector<double> zipf_rates(std::size_t count, double total_rate, double exponent) {
  std::vector<double> rates(count);
  double sum = 0;
  for (std::size_t rank = 1; rank <= count; ++rank) {
    rates[rank - 1] = std::pow(static_cast<double>(rank) + kZipfOffset, -exponent);
    sum += rates[rank - 1];
  }
  for (double& rate : rates) rate = sum > 0 ? rate * total_rate / sum : 0;
  return rates;
}

}  // namespace depthsim

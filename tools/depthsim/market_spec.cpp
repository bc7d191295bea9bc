#include "market_spec.hpp"

#include <array>
#include <cctype>
#include <charconv>

namespace depthsim {

std::optional<Market> parse_market(std::string_view name) {
  if (name == "usdm") return Market::usdm;
  if (name == "coinm") return Market::coinm;
  if (name == "spot") return Market::spot;
  return std::nullopt;
}

std::string_view market_name(Market market) {
  switch (market) {
    case Market::usdm:
      return "usdm";
    case Market::coinm:
      return "coinm";
    case Market::spot:
      return "spot";
  }
  return "usdm";
}

std::string_view depth_rest_path(Market market) {
  switch (market) {
    case Market::usdm:
      return "/fapi/v1/depth";
    case Market::coinm:
      return "/dapi/v1/depth";
    case Market::spot:
      return "/api/v3/depth";
  }
  return "/fapi/v1/depth";
}

std::string_view agg_trades_rest_path(Market market) {
  switch (market) {
    case Market::usdm:
      return "/fapi/v1/aggTrades";
    case Market::coinm:
      return "/dapi/v1/aggTrades";
    case Market::spot:
      return "/api/v3/aggTrades";
  }
  return "/fapi/v1/aggTrades";
}

std::string_view time_rest_path(Market market) {
  switch (market) {
    case Market::usdm:
      return "/fapi/v1/time";
    case Market::coinm:
      return "/dapi/v1/time";
    case Market::spot:
      return "/api/v3/time";
  }
  return "/fapi/v1/time";
}

int default_ping_interval_sec(Market market) {
  return is_futures(market) ? 180 : 20;
}

int incoming_message_limit_per_sec(Market market) {
  return is_futures(market) ? 10 : 5;
}

bool is_valid_depth_limit(Market market, long limit) {
  if (!is_futures(market)) return limit >= 1 && limit <= 5000;
  constexpr std::array<long, 7> kFuturesLimits{5, 10, 20, 50, 100, 500, 1000};
  for (long allowed : kFuturesLimits) {
    if (limit == allowed) return true;
  }
  return false;
}

namespace {

std::int64_t pow10(int exponent) {
  std::int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// A stable, platform-independent hash so generic symbols get the same grid everywhere.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

SymbolSpec symbol_spec(Market market, std::string_view symbol) {
  SymbolSpec spec;
  spec.name = std::string(symbol);
  const bool btc = starts_with(symbol, "BTC");
  const bool eth = starts_with(symbol, "ETH");
  const std::int64_t generic_whole = 5 + static_cast<std::int64_t>(fnv1a(symbol) % 200);
  switch (market) {
    case Market::usdm:
      spec.price_decimals = btc || eth ? 2 : 4;
      spec.tick = btc ? 10 : 1;
      spec.start_price = (btc ? 60000 : eth ? 3000 : generic_whole) * pow10(spec.price_decimals);
      spec.qty_decimals = 3;
      spec.qty_step = 1;
      break;
    case Market::coinm:
      spec.price_decimals = btc ? 1 : eth ? 2 : 3;
      spec.tick = 1;
      spec.start_price = (btc ? 60000 : eth ? 3000 : generic_whole) * pow10(spec.price_decimals);
      spec.qty_decimals = 0;  // COIN-M quantities are whole contracts
      spec.qty_step = 1;
      break;
    case Market::spot:
      if (symbol == "PEPEUSDT") {
        // Binance's PEPEUSDT: tick 0.00000001 near 0.00001, whole-unit quantities; its levels hold
        // 1e11..1e13 PEPE (the range issue 12 needs exact end to end).
        spec.price_decimals = 8;
        spec.tick = 1;
        spec.start_price = 1'000;
        spec.qty_decimals = 2;
        spec.qty_step = pow10(2);
        spec.min_lots = 100'000'000'000;     // 1e11
        spec.max_lots = 10'000'000'000'000;  // 1e13
        break;
      }
      spec.price_decimals = 8;
      spec.tick = btc || eth ? pow10(6) : pow10(4);
      spec.start_price = (btc ? 60000 : eth ? 3000 : generic_whole) * pow10(8);
      spec.qty_decimals = 8;
      spec.qty_step = btc ? pow10(3) : pow10(4);
      break;
  }
  return spec;
}

bool is_valid_symbol_name(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 32) return false;
  for (char c : symbol) {
    if (!(std::isupper(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string to_upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void append_fixed(std::string& out, std::int64_t units, int decimals) {
  if (units < 0) {
    out.push_back('-');
    units = -units;
  }
  const std::int64_t scale = pow10(decimals);
  std::array<char, 24> digits{};
  auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), units / scale);
  out.append(digits.data(), end);
  if (decimals == 0) return;
  out.push_back('.');
  std::int64_t fraction = units % scale;
  const std::size_t start = out.size();
  out.append(static_cast<std::size_t>(decimals), '0');
  for (std::size_t i = out.size(); fraction > 0 && i > start; --i) {
    out[i - 1] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  (void)ec;
}

std::string format_fixed(std::int64_t units, int decimals) {
  std::string out;
  append_fixed(out, units, decimals);
  return out;
}

}  // namespace depthsim

#include "stream_name.hpp"

#include <utility>

namespace depthsim {

namespace {

std::optional<int> parse_speed(std::string_view suffix, Market market) {
  if (is_futures(market)) {
    if (suffix == "0ms") return 0;
    if (suffix == "100ms") return 100;
    if (suffix == "250ms") return 250;
    if (suffix == "500ms") return 500;
  } else {
    if (suffix == "100ms") return 100;
    if (suffix == "1000ms") return 1000;
  }
  return std::nullopt;
}

bool is_lower_symbol(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 32) return false;
  for (char c : symbol) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::optional<StreamName> parse_stream_name(std::string_view text, Market market) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view symbol = text.substr(0, at);
  if (!is_lower_symbol(symbol)) return std::nullopt;

  StreamName name;
  name.text = std::string(text);
  name.symbol = to_upper_ascii(symbol);
  std::string_view rest = text.substr(at + 1);
  if (rest == "bookTicker") {
    name.kind = StreamKind::book_ticker;
    return name;
  }
  if (rest == "trade") {
    name.kind = StreamKind::trade;
    return name;
  }
  if (rest == "aggTrade") {
    name.kind = StreamKind::agg_trade;
    return name;
  }
  if (is_futures(market) && (rest == "markPrice" || rest == "markPrice@1s")) {
    name.kind = StreamKind::mark_price;
    name.speed_ms = rest == "markPrice" ? 3000 : 1000;
    return name;
  }
  if (is_futures(market) && rest == "forceOrder") {
    name.kind = StreamKind::force_order;
    return name;
  }
  if (rest.substr(0, 6) == "kline_") {
    static constexpr std::pair<std::string_view, std::int64_t> kIntervals[] = {
        {"1s", 1'000},      {"1m", 60'000},      {"3m", 180'000},    {"5m", 300'000},
        {"15m", 900'000},   {"30m", 1'800'000},  {"1h", 3'600'000},  {"2h", 7'200'000},
        {"4h", 14'400'000}, {"6h", 21'600'000},  {"8h", 28'800'000}, {"12h", 43'200'000},
        {"1d", 86'400'000}, {"3d", 259'200'000}, {"1w", 604'800'000}};
    const std::string_view interval = rest.substr(6);
    if (interval == "1s" && is_futures(market)) return std::nullopt;  // spot only
    for (const auto& [text, ms] : kIntervals) {
      if (interval != text) continue;
      name.kind = StreamKind::kline;
      name.interval = std::string(text);
      name.interval_ms = ms;
      return name;
    }
    return std::nullopt;
  }
  if (rest == "rpiDepth@500ms") {
    if (market != Market::usdm) return std::nullopt;  // the RPI book is USD-M's only
    name.kind = StreamKind::rpi_depth;
    name.speed_ms = 500;
    return name;
  }
  if (rest.substr(0, 5) != "depth") return std::nullopt;
  rest.remove_prefix(5);
  const std::size_t speed_at = rest.find('@');
  const std::string_view levels = rest.substr(0, speed_at);
  if (levels.empty()) {
    name.kind = StreamKind::diff_depth;
  } else if (levels == "5" || levels == "10" || levels == "20") {
    name.kind = StreamKind::partial_depth;
    name.levels = levels == "5" ? 5 : levels == "10" ? 10 : 20;
  } else {
    return std::nullopt;
  }
  if (speed_at != std::string_view::npos) {
    const std::optional<int> speed = parse_speed(rest.substr(speed_at + 1), market);
    if (!speed) return std::nullopt;
    name.speed_ms = *speed;
  }
  return name;
}

}  // namespace depthsim

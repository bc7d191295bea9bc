#include "stream_name.hpp"

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

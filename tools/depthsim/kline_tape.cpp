#include "kline_tape.hpp"

#include <algorithm>

#include "payload_format.hpp"

namespace depthsim {
namespace {

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  std::int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

// `units` (>= 0) with `decimals` fractional digits, exact for 128-bit sums; past 8 decimals
// (Binance's precision for volumes) truncated to 8.
void append_fixed128(std::string& out, __int128 units, int decimals) {
  for (; decimals > 8; --decimals) units /= 10;
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(units % 10)));
    units /= 10;
  } while (units > 0);
  while (static_cast<int>(digits.size()) <= decimals) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  const std::size_t point = digits.size() - static_cast<std::size_t>(decimals);
  out.append(digits, 0, point);
  if (decimals > 0) {
    out.push_back('.');
    out.append(digits, point, std::string::npos);
  }
}

}  // namespace

std::vector<Candle> KlineTape::roll(std::int64_t now_ms) {
  std::vector<Candle> closed;
  if (!has_open_) {
    open_at(floor_to(now_ms, interval_ms_), -1);
    return closed;
  }
  while (now_ms > candle_.close_ms && closed.size() < kMaxClosed) {
    closed.push_back(candle_);
    open_at(candle_.close_ms + 1, candle_.close);
  }
  if (now_ms > candle_.close_ms) open_at(floor_to(now_ms, interval_ms_), candle_.close);
  return closed;
}

void KlineTape::open_at(std::int64_t open_ms, std::int64_t last_close) {
  const bool first = !has_open_;
  candle_ = Candle{};
  candle_.open_ms = open_ms;
  candle_.close_ms = open_ms + interval_ms_ - 1;
  if (!first && last_close >= 0)
    candle_.open = candle_.high = candle_.low = candle_.close = last_close;
  candle_.suppressed = skip_next_ && !first;
  if (!first) skip_next_ = false;
  has_open_ = true;
}

void KlineTape::add_trade(std::int64_t trade_ms, std::int64_t price, std::int64_t qty,
                          std::uint64_t id, bool buyer_is_taker) {
  if (!has_open_ || trade_ms < candle_.open_ms) return;  // before the first candle
  Candle& c = candle_;
  if (c.trade_count == 0) {
    c.open = c.high = c.low = price;
    c.first_trade_id = static_cast<std::int64_t>(id);
  }
  c.high = std::max(c.high, price);
  c.low = std::min(c.low, price);
  c.close = price;
  c.base_volume += qty;
  c.quote_volume += static_cast<__int128>(price) * qty;
  if (buyer_is_taker) {
    c.taker_buy_base += qty;
    c.taker_buy_quote += static_cast<__int128>(price) * qty;
  }
  ++c.trade_count;
  c.last_trade_id = static_cast<std::int64_t>(id);
}

std::string render_kline(const SymbolSpec& spec, const std::string& interval, const Candle& c,
                         std::int64_t event_ms, bool closed) {
  const int quote_decimals = spec.price_decimals + spec.qty_decimals;
  std::string out;
  out.reserve(400);
  out.append("{\"e\":\"kline\",\"E\":");
  out += std::to_string(event_ms);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  out.append(",\"k\":{\"t\":");
  out += std::to_string(c.open_ms);
  out.append(",\"T\":");
  out += std::to_string(c.close_ms);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  out.append(",\"i\":\"");
  out += interval;
  out.append("\",\"f\":");
  out += std::to_string(c.first_trade_id);
  out.append(",\"L\":");
  out += std::to_string(c.last_trade_id);
  for (const auto& [key, value] :
       {std::make_pair(",\"o\":\"", c.open), std::make_pair("\",\"c\":\"", c.close),
        std::make_pair("\",\"h\":\"", c.high), std::make_pair("\",\"l\":\"", c.low)}) {
    out.append(key);
    append_fixed(out, value, spec.price_decimals);
  }
  out.append("\",\"v\":\"");
  append_fixed(out, c.base_volume, spec.qty_decimals);
  out.append("\",\"n\":");
  out += std::to_string(c.trade_count);
  out.append(closed ? ",\"x\":true" : ",\"x\":false");
  out.append(",\"q\":\"");
  append_fixed128(out, c.quote_volume, quote_decimals);
  out.append("\",\"V\":\"");
  append_fixed(out, c.taker_buy_base, spec.qty_decimals);
  out.append("\",\"Q\":\"");
  append_fixed128(out, c.taker_buy_quote, quote_decimals);
  out.append("\",\"B\":\"0\"}}");
  return out;
}

}  // namespace depthsim

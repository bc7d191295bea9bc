// Binance market-stream names the simulator serves: "<sym>@depth[@speed]",
// "<sym>@depth<N>[@speed]",
// "<sym>@bookTicker", "<sym>@trade", "<sym>@aggTrade", "<sym>@kline_<interval>" (fixed-length
// intervals: 1s spot only, 1m ... 1w; not 1M), futures "<sym>@markPrice[@1s]" and
// "<sym>@forceOrder", USD-M "<sym>@rpiDepth@500ms". Names are lower case on the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "market_spec.hpp"

namespace depthsim {

enum class StreamKind {
  diff_depth,
  partial_depth,
  book_ticker,
  trade,
  agg_trade,
  kline,
  mark_price,   // futures: every 3 s, or every second (speed_ms 1000, "@1s")
  force_order,  // futures
  rpi_depth,    // USD-M: "<sym>@rpiDepth@500ms", the RPI book's diff events
};

struct StreamName {
  std::string text;    // as subscribed, e.g. "btcusdt@depth@100ms"
  std::string symbol;  // upper case, e.g. "BTCUSDT"
  StreamKind kind = StreamKind::diff_depth;
  int levels = 0;                // 5, 10 or 20 for partial depth
  int speed_ms = -1;             // -1 = the market's default speed
  std::string interval;          // kline: "1m"
  std::int64_t interval_ms = 0;  // kline: its length

  bool is_depth() const {
    return kind == StreamKind::diff_depth || kind == StreamKind::partial_depth;
  }
};

// Speeds: futures 0/100/250/500 ms, spot 100/1000 ms. Upper case, unknown kinds or speeds,
// or a malformed symbol give nullopt (whether the symbol is listed is the caller's concern).
std::optional<StreamName> parse_stream_name(std::string_view text, Market market);

}  // namespace depthsim

// A symbol's candles of one kline interval, aggregated from the trades depthsim generates (so
// a test can recompute every closed candle from the recorded trades). Candles are contiguous on
// the interval's epoch grid: at the interval end (depthsim's clock) the open candle closes
// (`x:true`) and the next one opens, empty (o=h=l=c = the last close, volumes 0, f=L=-1) until a
// trade lands in it. A candle may be suppressed (the kline_skip fault): it is aggregated but
// none of its updates is sent, so the recorder sees its interval skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "market_spec.hpp"

namespace depthsim {

struct Candle {
  std::int64_t open_ms = 0, close_ms = 0;               // t and T (open + interval - 1)
  std::int64_t open = 0, high = 0, low = 0, close = 0;  // price units
  std::int64_t base_volume = 0, taker_buy_base = 0;     // qty units
  __int128 quote_volume = 0, taker_buy_quote = 0;       // price units x qty units
  std::uint64_t trade_count = 0;
  std::int64_t first_trade_id = -1, last_trade_id = -1;
  bool suppressed = false;  // kline_skip: never sent
};

class KlineTape {
 public:
  KlineTape(std::string interval, std::int64_t interval_ms)
      : interval_(std::move(interval)), interval_ms_(interval_ms) {}

  const std::string& interval() const { return interval_; }
  // Closes every candle whose interval ended before `now_ms` (at most kMaxClosed at a time:
  // a long pause does not flood) and opens the one holding `now_ms`; the closed ones are returned
  // in order. The first call opens the first candle.
  std::vector<Candle> roll(std::int64_t now_ms);
  // A trade at `trade_ms` (after roll(trade_ms)): `buyer_is_taker` counts it as taker buy volume.
  void add_trade(std::int64_t trade_ms, std::int64_t price, std::int64_t qty, std::uint64_t id,
                 bool buyer_is_taker);
  // The candle after the open one is suppressed (kline_skip).
  void skip_next() { skip_next_ = true; }
  bool has_open() const { return has_open_; }
  const Candle& open_candle() const { return candle_; }

  static constexpr std::size_t kMaxClosed = 1000;

 private:
  void open_at(std::int64_t open_ms, std::int64_t last_close);

  std::string interval_;
  std::int64_t interval_ms_;
  bool has_open_ = false;
  bool skip_next_ = false;
  Candle candle_;
};

// `{"e":"kline","E":..,"s":..,"k":{"t","T","s","i","f","L","o","c","h","l","v","n","x","q","V","Q",
// "B":"0"}}` as Binance sends it.
std::string render_kline(const SymbolSpec& spec, const std::string& interval, const Candle& candle,
                         std::int64_t event_ms, bool closed);

}  // namespace depthsim

// Binance's kline intervals (binance-protocol.md: 1s spot only, 1m ... 1M) and the calendar they
// step on: fixed lengths up to 1w (Binance's weeks open on Monday 00:00 UTC, which a fixed 7-day
// step from any open time keeps), calendar months for 1M. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace depthrec {

enum class KlineInterval : std::uint8_t {
  none,  // not a kline channel
  s1,
  m1,
  m3,
  m5,
  m15,
  m30,
  h1,
  h2,
  h4,
  h6,
  h8,
  h12,
  d1,
  d3,
  w1,
  mo1,  // "1M": one calendar month (UTC)
};

std::string_view to_string(KlineInterval interval);  // "1s", "1m", ... "1M"; "" for none
std::optional<KlineInterval> parse_kline_interval(std::string_view text);  // not "none"
// Every interval's spelling, for messages: "1s, 1m, 3m, ... 1M".
std::string_view kline_interval_list();

// The fixed length in ms; 0 for 1M (months differ) and none.
std::int64_t kline_interval_ms(KlineInterval interval);
// The open time after `open_ms` (1M: the first of the next UTC month at 00:00).
std::int64_t next_kline_open_ms(KlineInterval interval, std::int64_t open_ms);
// The latest open time strictly below `t` on the grid through `anchor` (an open time).
std::int64_t kline_open_before(KlineInterval interval, std::int64_t anchor, std::int64_t t);
// How many intervals lie from `from_ms` up to `to_ms` (to > from): 1 when `to` is the next open,
// rounded down when `to` is not on the interval's grid.
std::uint64_t kline_steps_between(KlineInterval interval, std::int64_t from_ms, std::int64_t to_ms);

}  // namespace depthrec

// depthrec-replay's check of kline streams in a depthrec recording: per stream, each candle's
// open time is the last one, or the next on the interval's grid after the last candle closed
// (`--klines all`: its closing update recorded); a later open time, or a candle that moved on
// without its closing update, is named by the `gap` record (kline_gap / kline_unclosed) written
// just before it. An open time going back, a candle updated after its close, or a skip no gap
// record names makes the recording inconsistent. Reported beside the trade streams.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/kline_interval.hpp"
#include "depthrec/replay_reader.hpp"
#include "trade_id_check.hpp"

namespace depthrec::replay {

class KlineCheck {
 public:
  // True when `item` is one of the check's (a kline record or a kline gap record).
  bool take(const ReplayItem& item);
  // One report per stream: events = candle updates, marked_gaps / missing_ids = gap records and
  // the candles they name, first_id / last_id = open times.
  std::vector<TradeStreamReport> reports() const;
  bool consistent() const;

 private:
  struct Stream {
    TradeStreamReport report;
    KlineInterval interval = KlineInterval::none;
    bool last_closed = false;
    std::optional<ReplayMarker> pending;  // the gap record not yet followed
  };
  void step(Stream& stream, std::int64_t open, bool closed);

  std::map<std::string, Stream> streams_;
};

}  // namespace depthrec::replay

// A stream name as a config file spells it (Binance's own spelling, seed 003's `streams:` list):
// what depthrec records for it today, a Binance channel it does not record yet, or a name Binance
// does not offer. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "depthrec/subscription.hpp"

namespace depthrec::config {

enum class StreamNameKind {
  recorded,      // `channel` is set: depth, depth@<speed>, depth<5|10|20>[@<speed>], bookTicker,
                 // trade, aggTrade, kline_<interval>, markPrice[@1s], forceOrder,
                 // rpiDepth[@500ms] (USD-M's RPI book)
  unsupported,   // a Binance channel depthrec does not record yet (ticker, miniTicker)
  bad_interval,  // kline_<i> with an interval Binance does not have
  unknown,       // not a Binance stream name
};

struct StreamName {
  StreamNameKind kind = StreamNameKind::unknown;
  Channel channel;      // for `recorded`
  std::string message;  // why, for every other kind
};

StreamName parse_stream_name(std::string_view name);

}  // namespace depthrec::config

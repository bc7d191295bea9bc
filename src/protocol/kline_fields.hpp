// A kline payload's fields read from its parsed object (E, s, and the candle in "k"), shared by
// parse_kline_frame (a frame as received) and the replay reader's `kline` records (their `data`).
#pragma once

#include "depthrec/kline_event.hpp"
#include "protocol/event_payload.hpp"

namespace depthrec::protocol {

// Fills `out` but its payload and stream; symbol views point into `object`'s strings.
ParseError read_kline_fields(const JsonObject& object, KlineEvent& out);

}  // namespace depthrec::protocol

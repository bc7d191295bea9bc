// A markPrice or forceOrder payload's fields read from its parsed object, shared by
// parse_market_event_frame (a frame as received) and the replay reader's records (their `data`).
#pragma once

#include "depthrec/market_event.hpp"
#include "protocol/event_payload.hpp"

namespace depthrec::protocol {

// Fills `out` but its kind, payload and stream; views point into `object`'s strings.
ParseError read_market_event_fields(const JsonObject& object, MarketEventKind kind,
                                    MarketEvent& out);

}  // namespace depthrec::protocol

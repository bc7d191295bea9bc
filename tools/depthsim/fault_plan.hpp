// Fault injection vocabulary: what can go wrong on a stream or a REST request, how a fault is
// written on the command line ("gap@100", "stall@50:2.5", "--rest-fault 429:3"), and the plan
// of stream faults keyed by a symbol's generated event number.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace depthsim {

enum class FaultKind {
  // Sequence faults: change which events a subscriber of the symbol receives.
  gap,
  duplicate,
  reorder,
  stale,
  // Connection faults: act on each connection subscribed to the symbol.
  drop,
  close,
  reset,
  stall,
  no_pong,
  ignore_pong,
  server_shutdown,
  // Payload faults: one bad frame is sent in addition to the normal events.
  malformed,
  oversized,
  binary,
  bad_utf8,
  wrong_symbol,
  wrong_type,
  missing_field,
  bad_number,
  // Hostile event faults: the event itself is sent altered instead of as rendered
  // (exchange_hostile_events.cpp).
  spaced,         // JSON-legal CR/LF/tab whitespace between every token
  refused_event,  // cut in half: a frame the recorder must refuse, carrying a real event
  empty_symbol,   // "s":""
  empty_stream,   // combined wrapper with "stream":""
  huge_u,         // "u" = ARG (default 10^18), U and pu unchanged
  duplicate_u,    // "u" twice: the real one, then one 10^18 ahead
  e_ahead,        // "E" ARG ms (default one hour) in the future
  e_max,          // "E" = 9223372036854775807, the largest time a parser accepts
  // Trade fault: the event's trade group (ARG trades, default 5, one aggTrade) is generated but
  // not sent: the trade and aggTrade streams each show an id gap.
  trade_gap,
  // Kline fault: every kline interval's next candle is aggregated but none of its updates sent:
  // each kline stream of the symbol skips one interval.
  kline_skip,
  // RPI fault (USD-M): the event's RPI book event is generated but not sent: the rpiDepth stream
  // shows a pu break, the depth stream none.
  rpi_gap,
};

enum class RestFaultKind {
  too_many_requests,
  banned,
  server_error,
  timeout,
  truncated,
  stale,
  pretty,          // the snapshot pretty-printed over many lines
  ahead,           // lastUpdateId 10^12 ahead of the stream: no event ever joins it
  time_ahead,      // not a snapshot fault: the next server-time (/time) reply is one hour ahead
  info_malformed,  // not a snapshot fault: the next exchangeInfo reply is cut in half (200 OK)
};

std::optional<FaultKind> parse_fault_kind(std::string_view name);
std::string_view fault_name(FaultKind kind);
std::optional<RestFaultKind> parse_rest_fault_kind(std::string_view name);  // "429","418","500",...
std::string_view rest_fault_name(RestFaultKind kind);                       // "rest_429", ...
bool is_sequence_fault(FaultKind kind);
bool is_connection_fault(FaultKind kind);
bool is_payload_fault(FaultKind kind);
bool is_event_fault(FaultKind kind);  // the hostile event faults above
bool is_trade_fault(FaultKind kind);  // trade_gap, kline_skip, rpi_gap (other streams' faults)

struct StreamFault {
  FaultKind kind = FaultKind::gap;
  double arg = 0;  // stall: seconds (default 5); oversized: bytes (default 10 MB)
};

// "KIND@EVENT_INDEX[:ARG][/TARGETS]"; the error message explains what is wrong. TARGETS: symbols
// joined by '+' (each optionally MARKET:SYMBOL), or a number N: N symbols of each market picked
// by --seed. Without TARGETS the fault hits every symbol.
struct PlannedFault {
  StreamFault fault;
  std::uint64_t event_index = 0;     // 1 = the symbol's first generated event
  std::vector<std::string> symbols;  // upper case, as written (a market prefix kept, lower case)
  std::size_t symbol_count = 0;      // > 0: that many symbols picked by seed
};
std::optional<PlannedFault> parse_planned_fault(std::string_view text, std::string& error);

// "KIND[:N]": the next N snapshot requests (default 1) get KIND.
struct RestFaultSpec {
  RestFaultKind kind = RestFaultKind::server_error;
  std::uint64_t count = 1;
};
std::optional<RestFaultSpec> parse_rest_fault(std::string_view text, std::string& error);

// Default arguments when none is given.
double default_fault_arg(FaultKind kind);

// Stream faults due per event index (several may fall on one event).
class FaultPlan {
 public:
  void add(const PlannedFault& planned) { by_index_[planned.event_index].push_back(planned.fault); }
  // Removes and returns the faults planned for this event index.
  std::vector<StreamFault> take(std::uint64_t event_index);
  bool empty() const { return by_index_.empty(); }

 private:
  std::map<std::uint64_t, std::vector<StreamFault>> by_index_;
};

}  // namespace depthsim

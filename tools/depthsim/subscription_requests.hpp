// Binance's live subscription protocol on an open connection: SUBSCRIBE, UNSUBSCRIBE,
// LIST_SUBSCRIPTIONS, SET_PROPERTY and GET_PROPERTY ("combined"), with Binance's replies and
// error codes. Pure logic: the caller sends the reply and starts/stops the streams.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace depthsim {

struct SubscriptionState {
  std::vector<std::string> streams;  // in subscription order
  bool combined = false;             // payloads wrapped as {"stream","data"}
};

struct RequestOutcome {
  std::string reply;                 // JSON text to send back
  std::vector<std::string> added;    // streams newly subscribed
  std::vector<std::string> removed;  // streams unsubscribed
  bool over_stream_limit = false;    // refused: more streams than the connection may hold
};

// Whether a stream name can be served (known symbol, known kind and speed).
using StreamValidator = std::function<bool(std::string_view stream)>;

// Handles one text message. Errors: {"code":0,"msg":"Unknown property","id":..},
// {"code":1,"msg":"Invalid value type: expected Boolean","id":..},
// {"code":2,"msg":"Invalid request: ...","id":..}, {"code":3,"msg":"Invalid JSON: ...","id":null}.
// A request that fails changes nothing.
RequestOutcome handle_subscription_request(std::string_view text, SubscriptionState& state,
                                           const StreamValidator& is_valid_stream,
                                           std::size_t max_streams);

}  // namespace depthsim

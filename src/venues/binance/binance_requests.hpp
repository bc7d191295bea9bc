// Binance's live subscription requests over an open connection (binance-protocol.md, "Live
// subscription"): {"method":"SUBSCRIBE","params":["btcusdt@depth@100ms",...],"id":7}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec::venues::binance {

enum class StreamMethod { subscribe, unsubscribe };
std::string_view to_string(StreamMethod method);  // "SUBSCRIBE", "UNSUBSCRIBE"

// The request's JSON text. The names are the venue's own stream names (built from validated
// symbols: nothing to escape); `id` is echoed in the server's answer.
std::string stream_request(StreamMethod method, const std::vector<std::string_view>& names,
                           std::uint64_t id);

}  // namespace depthrec::venues::binance

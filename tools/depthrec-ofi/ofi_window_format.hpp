// How depthrec-ofi writes a window: one NDJSON object per window (--out), or one human line
// (--print). Field by field in docs/ofi.md.
#pragma once

#include <string>
#include <string_view>

#include "ofi_calculator.hpp"

namespace depthrec::ofi {

std::string_view to_string(WindowClock clock);  // "event" | "recv"

// One JSON object, no trailing newline. Doubles are written with 17 significant digits, so a
// reader gets back exactly the value computed; non-finite values are written as null. A
// `market` ("usdm"...) adds a "market" field after "symbol" (runs of several symbols); empty:
// none, the line of a one-symbol run.
std::string to_json_line(const OfiWindow& window, std::string_view symbol, WindowClock clock,
                         std::string_view market = {});

// e.g. "OFI BTCUSDT 08:18:01.000-08:18:02.000 ev=12 ofi=-1.234 mlofi=[...] mid=60000.05 gap";
// with a `market`: "OFI usdm:BTCUSDT 08:18:01.000-...".
std::string to_text_line(const OfiWindow& window, std::string_view symbol,
                         std::string_view market = {});

}  // namespace depthrec::ofi

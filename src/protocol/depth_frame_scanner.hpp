// The fast path for the frame that makes up a depth stream: a depthUpdate, raw or in the combined
// {"stream":..,"data":..} wrapper, written the way Binance writes it (no whitespace, no escapes,
// ASCII only, the payload keys e,E,T,s,U,u,pu,b,a in any order and each at most once). One pass
// over the text, no generic JSON machinery, levels parsed straight into the frame.
//
// It answers only when it is sure. Anything else (another event, an unknown key, whitespace, an
// escape, a number that is not a plain integer, a bad decimal, too many levels, any malformed
// text) is declined, and FrameParser runs the generic SAX walk, which is the reference: wherever
// the scanner answers, its Frame equals the generic one. depth_frame_scanner_test.cpp checks that
// on every real frame and on mutations of them, and fuzz_frame_parser on arbitrary bytes.
#pragma once

#include <cstddef>
#include <string_view>

#include "depthrec/frame_parser.hpp"

namespace depthrec::json {

// true: `out` holds the depth_update frame (views into `text`). false: declined; `out` is left
// in an unspecified state for the caller to reset.
bool scan_depth_update(std::string_view text, std::size_t max_levels_per_side, Frame& out);

}  // namespace depthrec::json

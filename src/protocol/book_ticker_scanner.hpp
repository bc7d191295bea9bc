// The fast path for the frame that makes up a bookTicker stream, raw or in the combined
// {"stream":..,"data":..} wrapper, written the way Binance writes it: USD-M's
// {"e":"bookTicker","u":..,"s":..,"b":..,"B":..,"a":..,"A":..,"T":..,"E":..} and spot's
// {"u":..,"s":..,"b":..,"B":..,"a":..,"A":..} (no whitespace, no escapes, ASCII only, the keys in
// any order and each at most once). At a whole market about every other frame is one: the
// generic SAX walk spent ~5,000 instructions on each (callgrind, bench/README.md).
//
// As depth_frame_scanner, it answers only when it is sure and declines anything else (an unknown
// key, whitespace, an escape, a number that is not a plain integer, a bad decimal, a missing
// field), and FrameParser runs the generic walk, the reference: wherever the scanner answers,
// its Frame equals the generic one (book_ticker_scanner_test.cpp, fuzz_frame_parser).
#pragma once

#include <string_view>

#include "depthrec/frame_parser.hpp"

namespace depthrec::json {

// true: `out` (reset by the caller) holds the book_ticker frame (views into `text`). false:
// declined; `out` is left in an unspecified state for the caller to reset.
bool scan_book_ticker(std::string_view text, Frame& out);

}  // namespace depthrec::json

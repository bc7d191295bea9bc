// The part of a capture line before its JSON: who sent it, when, and in which format.
//
//   raw capture (hftbacktest, /work/shared/data/real/)   `<integer time> <json>`
//   cryptofeed raw data capture (AsyncFileCallback)      `<sec.frac>: <frame>`
//                                                        `<rest url> -> <sec.frac>: <body>`
//                                                        `<ws url> <-> <sec.frac>`
//                                                        `<ws url> <- <sec.frac>: <sent>`
//                                                        `configuration: <anything>`
// The integer time of a raw capture is in ns, us, ms or s since the epoch; the unit is told by
// its magnitude (any time after 1973 in ns is >= 1e17, in us >= 1e14, in ms >= 1e11).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/replay_reader.hpp"

namespace depthrec {

struct CaptureLinePrefix {
  enum class Kind : std::uint8_t { frame, rest_reply, connect, request, configuration };
  Kind kind = Kind::frame;
  RecordingFormat format = RecordingFormat::raw_capture;
  std::int64_t recv_ns = 0;
  TimeUnit unit = TimeUnit::ns;
  std::string_view url;      // rest_reply, connect, request
  std::string_view payload;  // frame, rest_reply, request: the text after the prefix
};

// Reads the prefix of `line`. Returns an empty string on success, else why the line is not a
// capture line.
std::string parse_capture_prefix(std::string_view line, CaptureLinePrefix& prefix);

// The upper-cased value of the `symbol=` query parameter of `url`; empty when it has none.
std::string symbol_from_url(std::string_view url);

}  // namespace depthrec

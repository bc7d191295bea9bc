// Text a peer controls (a server's close reason, HTTP body or header, a frame's stream name or
// payload) made safe for a log line or a record: every log line that quotes such text passes it
// through peer_text() first. A hostile server must not be able to write control sequences into
// an operator's terminal (ESC/BEL retitle it), invalid UTF-8, or megabytes into one line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace depthrec {

inline constexpr std::size_t kPeerTextMaxBytes = 200;

// Printable ASCII (0x20-0x7e) is kept as is, a backslash becomes "\\", any other byte "\xNN"
// (control characters, DEL, every byte of non-ASCII or invalid UTF-8). Only the first
// `max_bytes` bytes of `text` are quoted; when it was longer, "... (N bytes)" says how long.
std::string peer_text(std::string_view text, std::size_t max_bytes = kPeerTextMaxBytes);

}  // namespace depthrec

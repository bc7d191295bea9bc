// Writes one JSON line into a caller's reused std::string through a raw cursor: the room is
// reserved once per record, then every piece is a memcpy or std::to_chars into it, so a record
// costs no allocation once the string has the capacity and no per-piece capacity checks. The
// formatters compute an upper bound of the record's size and pass it in.
// A record whose bound fits kStagedBytes (every event record in practice) is written into a
// buffer inside the writer, on the caller's stack and so warm in cache from record to record, and
// appended to `out` once at finish(): resizing `out` to the bound instead zero-filled the whole
// bound per record (std::string cannot grow without writing, and the bound is ~2x the record),
// and brought `out`'s cold lines in twice. Larger ones (snapshots) are written into `out` itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec::recording {

class JsonLineWriter {
 public:
  // Bytes a number, a null or a literal key needs at most (fixed3 caps its width, see there).
  static constexpr std::size_t kMaxNumberChars = 24;
  // The room append_string needs for `text`: every byte may become a 6-byte \u escape.
  static constexpr std::size_t string_room(std::string_view text) { return 6 * text.size() + 2; }

  // Records up to this bound are staged (see above); 4 KiB of the caller's stack.
  static constexpr std::size_t kStagedBytes = 4096;

  // Room for `max_size` bytes after out's current end. finish() (or the destructor) puts what was
  // written there.
  JsonLineWriter(std::string& out, std::size_t max_size);
  ~JsonLineWriter() { finish(); }
  JsonLineWriter(const JsonLineWriter&) = delete;
  JsonLineWriter& operator=(const JsonLineWriter&) = delete;

  void raw(std::string_view text) {
    std::memcpy(cursor_, text.data(), text.size());
    cursor_ += text.size();
  }
  void raw(char c) { *cursor_++ = c; }
  // JSON text received from the network (level arrays), exactly as received but for the
  // whitespace between its tokens, which is dropped: a newline or CR there (JSON-legal) would
  // split the record's line. Text without whitespace, every Binance frame in practice, is one
  // memcpy after a scan; strings are copied as they are.
  void compact_json(std::string_view json);
  // `,"key":` (no comma right after the opening brace).
  void key(std::string_view name) {
    if (cursor_[-1] != '{') raw(',');
    raw('"');
    raw(name);
    raw("\":");
  }
  // A quoted JSON string: quotes, backslashes and control characters escaped; invalid UTF-8
  // bytes become U+FFFD so that every line stays valid UTF-8 whatever a peer sent.
  void string(std::string_view text);
  void uint(std::uint64_t value);
  void int64(std::int64_t value);
  void optional_uint(std::optional<std::uint64_t> value);  // N or null
  void ms_or_null(std::int64_t ms);                        // 0 (absent) -> null
  // 3 decimals ("-1519.519"); NaN and infinities, which JSON cannot hold, become null; values
  // beyond 1e15 (never a real latency) switch to exponent notation to keep the width bounded.
  void fixed3(double value);
  // Nanoseconds as milliseconds with 3 decimals, on integers so it is exact
  // (1721347020984480942 -> 1721347020984.481, rounded half away from zero).
  void ns_as_ms(std::int64_t ns);
  void null() { raw("null"); }
  // 2026-11-21T23:59:00.123Z (recording::format_iso8601_ms), unquoted.
  void iso8601_ms(std::int64_t epoch_ms);

  void finish();  // leaves `out` holding exactly what was written; idempotent

 private:
  // fixed3 without to_chars where the rounding is certain; false: to_chars must decide.
  bool fixed3_fast(double value);
  // units / 1000 "." and the 3 digits of units % 1000.
  void thousandths(std::uint64_t units);
  std::string& out_;
  char* cursor_;
  bool staging_ = false;  // writing into stage_ (else into out_ directly)
  bool finished_ = false;
  char stage_[kStagedBytes];  // uninitialised on purpose: only written bytes are read
};

}  // namespace depthrec::recording

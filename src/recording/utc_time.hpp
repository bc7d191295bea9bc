// UTC calendar formatting without gmtime: records, segment names and log lines all need it, and
// the depth path formats a timestamp per event, so it must be cheap and allocation-free.
#pragma once

#include <cstddef>
#include <cstdint>

namespace depthrec::recording {

struct UtcDateTime {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
};

// Exact for any epoch value (proleptic Gregorian calendar; negative values are before 1970).
UtcDateTime utc_from_epoch_ms(std::int64_t epoch_ms) noexcept;

inline constexpr std::size_t kIso8601MsChars = 24;        // 2026-11-21T23:59:00.123Z
inline constexpr std::size_t kCompactDateTimeChars = 15;  // 20261121-235900
inline constexpr std::size_t kCompactDateChars = 8;       // 20261121

// Each writes exactly the stated number of characters (years outside 0..9999 are clamped, so the
// width never changes) and returns the end of what it wrote.
char* format_iso8601_ms(std::int64_t epoch_ms, char* out) noexcept;
char* format_compact_date_time(std::int64_t epoch_ms, char* out) noexcept;
char* format_compact_date(std::int64_t epoch_ms, char* out) noexcept;

}  // namespace depthrec::recording

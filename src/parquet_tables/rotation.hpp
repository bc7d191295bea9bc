// The live --parquet files' rotation: a file holds the rows of one period of receive time, UTC
// aligned (1h: 00:00-01:00, ...), and a period never crosses midnight (a period that does not
// divide the day is cut there), so every row of a file is of its partition's date, as in
// depthrec-export's datasets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec::export_parquet {

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr std::int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

struct RotationPeriod {
  std::int64_t begin_ns = 0;  // inclusive
  std::int64_t end_ns = 0;    // exclusive
};

// The period of `recv_ns` for periods of `period_ns` (> 0; whole seconds, at most a day).
RotationPeriod rotation_period(std::int64_t recv_ns, std::int64_t period_ns);

// A rotation period from its text: a whole number of seconds with a unit, s, m or h ("1h",
// "15m", "10s"), from 1s to 24h. nullopt otherwise.
std::optional<std::int64_t> parse_rotation_seconds(std::string_view text);

// The file name of a period's N-th file: part-HHMMSS-NNN.parquet (its UTC start; NNN from 000,
// the next one for a restart, a widened decimal type or rows that came after it closed), so that
// the names' lexical order is their time order (a crash's part-HHMMSS-NNN.recovered.parquet sorts
// before the -NNN+1 written after it). At most kMaxRotationSequence + 1 files per period.
inline constexpr unsigned kMaxRotationSequence = 999;
std::string rotation_file_name(std::int64_t begin_ns, unsigned sequence);

}  // namespace depthrec::export_parquet

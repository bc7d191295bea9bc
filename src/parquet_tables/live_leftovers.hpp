// The names of live --parquet files besides the final `part-HHMMSS-NNN.parquet`, and what a run
// does at start with the ones a crashed run left.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace depthrec::export_parquet {

inline constexpr std::string_view kTemporarySuffix = ".tmp";  // an open file: <name>.tmp
inline constexpr std::string_view kPartialSuffix = ".partial";
inline constexpr std::string_view kRecoveredSuffix = ".recovered.parquet";  // for ".parquet"

// A crashed run's leftovers: every `*.parquet.tmp` under `dir` whose footer checkpoint is valid
// cut to its last whole row group and renamed `part-HHMMSS-NNN.recovered.parquet`
// (checkpoint.hpp); the others renamed `*.parquet.partial` (a name no `*.parquet` glob matches).
// Every rename is followed by an fsync of its directory (durable_rename.hpp). Sidecars left
// without a .tmp are removed.
struct LeftoverFiles {
  std::vector<std::string> recovered;  // valid files, their rows up to the last row group
  std::vector<std::string> partial;    // nothing recoverable
  std::vector<std::string> errors;     // those it could not handle
};
LeftoverFiles handle_leftover_temporaries(const std::string& dir);

}  // namespace depthrec::export_parquet

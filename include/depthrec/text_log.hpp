// TextLog: the human-readable, leveled log (connections, warnings, SUMMARY lines), as the seed's
// logs/{symbol}_{date}.log. Thread-safe; writes synchronously under a mutex (one write() per line,
// a few microseconds), so keep it off the per-event path: per-event data goes to the AsyncWriter.
//
//   <directory>/<symbol-lower>_<YYYYmmdd>.log             the active file (UTC date it was opened)
//   <directory>/<symbol-lower>_<YYYYmmdd>.log.<YYYYmmdd-HHMMSS.mmm>   a rotated file (UTC rotation
//   time)
//
// Line format: `2026-11-21T23:59:00.123Z INFO message` (levels DEBUG, INFO, WARNING, ERROR); line
// breaks inside a message become spaces, so one entry is always one line.
// Rotation (the seed's --rotate/--rotate-sec/--max-bytes): by interval since the file was opened,
// or when a line would take the file past max_bytes; also when the UTC date changes. At most
// `backups` rotated files of this symbol are kept, the oldest are deleted (0 keeps none). This
// deletion applies to text logs only: recorded data is never deleted.
// A restart appends to the day's existing file. Failures to open, write or rotate are counted
// (stats) and retried with the next line; they never throw from log() and never stop the echo.
// When the file cannot take lines (a read-only or full disk, a directory that is a file), one
// WARNING "text log unusable (<cause>)" is echoed whatever echo_level says, and one "writable
// again" when a line reaches the file again.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "depthrec/gzip_rotating_sink.hpp"  // WallClock
#include "depthrec/recorder_config.hpp"     // RotateMode

namespace depthrec {

enum class LogLevel : std::uint8_t { debug, info, warning, error };
std::string_view to_string(LogLevel level);  // "DEBUG", "INFO", "WARNING", "ERROR"

struct TextLogConfig {
  std::string directory = "logs";
  std::string symbol = "ETHUSDT";  // must pass is_valid_symbol(); lower-cased into the names
  RotateMode rotate = RotateMode::interval;
  std::chrono::seconds rotate_interval{60};
  std::uint64_t max_bytes = 5'000'000;
  int backups = 7;
  LogLevel file_level = LogLevel::info;  // lines below it are not written to the file
  std::optional<LogLevel> echo_level = LogLevel::info;  // echoed at or above it; nullopt: no echo
  // Receives each echoed line (with its '\n'); default: stderr.
  std::function<void(std::string_view line)> echo;
  WallClock clock = [] { return std::chrono::system_clock::now(); };
};

struct TextLogStats {
  std::uint64_t lines_written = 0;
  std::uint64_t rotations = 0;
  std::uint64_t backups_deleted = 0;
  std::uint64_t write_errors = 0;  // failed opens, writes, renames, deletions
  std::string last_error;
  // The file could not take the last line (open or write failed); set until a line is written.
  bool file_failing = false;
  std::uint64_t failures_reported = 0;  // times "text log unusable" was echoed
  std::uint64_t reopens = 0;            // reopen() calls (SIGHUP after logrotate)
  std::string current_path;
};

class TextLog {
 public:
  // Throws std::invalid_argument for an invalid symbol or negative backups; opens the file lazily.
  explicit TextLog(TextLogConfig config);
  ~TextLog();
  TextLog(const TextLog&) = delete;
  TextLog& operator=(const TextLog&) = delete;

  void log(LogLevel level, std::string_view message);
  void debug(std::string_view message) { log(LogLevel::debug, message); }
  void info(std::string_view message) { log(LogLevel::info, message); }
  void warning(std::string_view message) { log(LogLevel::warning, message); }
  void error(std::string_view message) { log(LogLevel::error, message); }

  // Closes the active file: the next line opens its path anew. After an outside tool (logrotate)
  // renamed or removed the file, lines go to a new file at the original path instead of following
  // the old inode (what SIGHUP does in depthrec). Thread-safe.
  void reopen();

  TextLogStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

#include "depthrec/text_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "depthrec/market.hpp"
#include "recording/utc_time.hpp"

namespace depthrec {
namespace {

using Clock = std::chrono::system_clock;
namespace fs = std::filesystem;

std::int64_t epoch_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string compact_date(Clock::time_point t) {
  char buf[recording::kCompactDateChars];
  return std::string(buf, recording::format_compact_date(epoch_ms(t), buf));
}

// "20261121-235900.123": the suffix of a rotated file.
std::string rotation_stamp(Clock::time_point t) {
  char buf[recording::kCompactDateTimeChars];
  std::string stamp(buf, recording::format_compact_date_time(epoch_ms(t), buf));
  const auto ms = static_cast<int>(epoch_ms(t) % 1000 + 1000) % 1000;
  stamp.push_back('.');
  stamp.push_back(static_cast<char>('0' + ms / 100));
  stamp.push_back(static_cast<char>('0' + ms / 10 % 10));
  stamp.push_back(static_cast<char>('0' + ms % 10));
  return stamp;
}

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void write_to_stderr(std::string_view line) {
  // Best effort: a closed or full stderr must not take the program down.
  while (!line.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "DEBUG";
    case LogLevel::info:
      return "INFO";
    case LogLevel::warning:
      return "WARNING";
    case LogLevel::error:
      return "ERROR";
  }
  return "INFO";
}

struct TextLog::Impl {
  TextLogConfig config;
  std::string prefix;  // "<symbol-lower>_"

  mutable std::mutex mutex;
  int fd = -1;
  std::string path;
  std::string file_date;  // YYYYmmdd of the active file
  Clock::time_point opened_at;
  std::uint64_t file_size = 0;
  std::string line;  // reused for formatting
  TextLogStats stats;

  void record_error(int error_number, std::string_view operation, const std::string& target) {
    ++stats.write_errors;
    stats.last_error = std::string(operation) + " " + target + ": " +
                       std::generic_category().message(error_number);
  }

  // The file cannot take lines (open or write failed): say so once on the echo (stderr), whatever
  // the echo level, since nobody would otherwise learn that the log is empty.
  void file_failed(Clock::time_point now) {
    if (stats.file_failing) return;
    stats.file_failing = true;
    ++stats.failures_reported;
    echo_notice(now, LogLevel::warning,
                "text log unusable (" + stats.last_error +
                    "): log lines are not written until it works again");
  }

  void file_recovered(Clock::time_point now) {
    if (!stats.file_failing) return;
    stats.file_failing = false;
    echo_notice(now, LogLevel::warning, "text log writable again: " + path);
  }

  void echo_notice(Clock::time_point now, LogLevel level, const std::string& message) {
    std::string saved;
    saved.swap(line);  // the line being logged, if any, is still needed
    format(now, level, message);
    config.echo(line);
    line.swap(saved);
  }

  // "<symbol-lower>_<YYYYmmdd>.log.<anything>" of this symbol only.
  bool is_rotated_file(std::string_view name) const {
    if (name.substr(0, prefix.size()) != prefix) return false;
    name.remove_prefix(prefix.size());
    return name.size() > 13 && is_digits(name.substr(0, 8)) && name.substr(8, 5) == ".log.";
  }

  void close_file() {
    if (fd < 0) return;
    ::close(fd);
    fd = -1;
    stats.current_path.clear();
  }

  void open_file(Clock::time_point now) {
    std::error_code ec;
    fs::create_directories(config.directory, ec);
    if (ec) {
      record_error(ec.value(), "create directory", config.directory);
      return;
    }
    const std::string date = compact_date(now);
    const std::string candidate = (fs::path(config.directory) / (prefix + date + ".log")).string();
    const int opened = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (opened < 0) {
      record_error(errno, "open", candidate);
      return;
    }
    struct stat info {};
    file_size = ::fstat(opened, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
    fd = opened;
    path = candidate;
    file_date = date;
    opened_at = now;
    stats.current_path = path;
  }

  void delete_old_backups() {
    std::vector<fs::path> rotated;
    std::error_code ec;
    for (fs::directory_iterator it(config.directory, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      if (is_rotated_file(it->path().filename().string())) rotated.push_back(it->path());
    }
    std::sort(rotated.begin(), rotated.end());  // the names sort in time order
    const auto keep = static_cast<std::size_t>(config.backups);
    for (std::size_t i = 0; i + keep < rotated.size(); ++i) {
      std::error_code remove_error;
      if (fs::remove(rotated[i], remove_error)) {
        ++stats.backups_deleted;
      } else if (remove_error) {
        record_error(remove_error.value(), "delete", rotated[i].string());
      }
    }
  }

  void rotate(Clock::time_point now) {
    close_file();
    const std::string base = path + "." + rotation_stamp(now);
    std::string target = base;
    std::error_code ec;
    for (int n = 1; fs::exists(target, ec) && n < 1000; ++n)
      target = base + "-" + std::to_string(n);
    if (::rename(path.c_str(), target.c_str()) != 0) {
      record_error(errno, "rotate", path);
      return;
    }
    ++stats.rotations;
    delete_old_backups();
  }

  bool rotation_due(Clock::time_point now, std::size_t incoming) const {
    if (file_size == 0) return false;  // never rotate an empty file
    if (compact_date(now) != file_date) return true;
    if (config.rotate == RotateMode::interval) return now - opened_at >= config.rotate_interval;
    return file_size + incoming > config.max_bytes;
  }

  void write_line(Clock::time_point now) {
    if (fd >= 0 && rotation_due(now, line.size())) rotate(now);
    if (fd < 0) open_file(now);
    if (fd < 0) {
      file_failed(now);
      return;
    }
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        record_error(n < 0 ? errno : EIO, "write", path);
        close_file();  // reopened (and retried) with the next line
        file_failed(now);
        return;
      }
      done += static_cast<std::size_t>(n);
    }
    file_size += line.size();
    ++stats.lines_written;
    file_recovered(now);
  }

  void format(Clock::time_point now, LogLevel level, std::string_view message) {
    char stamp[recording::kIso8601MsChars];
    line.assign(stamp, recording::format_iso8601_ms(epoch_ms(now), stamp));
    line.push_back(' ');
    line.append(to_string(level));
    line.push_back(' ');
    const std::size_t message_start = line.size();
    line.append(message);
    std::replace_if(
        line.begin() + static_cast<std::ptrdiff_t>(message_start), line.end(),
        [](char c) { return c == '\n' || c == '\r'; }, ' ');
    line.push_back('\n');
  }
};

TextLog::TextLog(TextLogConfig config) {
  const std::string symbol = to_upper(config.symbol);
  if (!is_valid_symbol(symbol)) {
    throw std::invalid_argument("invalid symbol for log file names: '" + config.symbol + "'");
  }
  if (config.backups < 0) throw std::invalid_argument("TextLog backups must be >= 0");
  if (!config.clock) throw std::invalid_argument("TextLog needs a clock");
  if (!config.echo) config.echo = write_to_stderr;
  impl_ = std::make_unique<Impl>();
  impl_->config = std::move(config);
  impl_->prefix = to_lower(symbol) + "_";
}

TextLog::~TextLog() {
  impl_->close_file();
}

void TextLog::log(LogLevel level, std::string_view message) {
  Impl& s = *impl_;
  const bool echo = s.config.echo_level && level >= *s.config.echo_level;
  const bool to_file = level >= s.config.file_level;
  if (!echo && !to_file) return;
  std::lock_guard<std::mutex> lock(s.mutex);
  try {
    const Clock::time_point now = s.config.clock();
    s.format(now, level, message);
    if (echo) s.config.echo(s.line);
    if (to_file) s.write_line(now);
  } catch (const std::exception& e) {
    // Logging must never take the program down (e.g. bad_alloc, a throwing echo callback).
    ++s.stats.write_errors;
    s.stats.last_error = std::string("log: ") + e.what();
  }
}

void TextLog::reopen() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->close_file();
  ++impl_->stats.reopens;
}

TextLogStats TextLog::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace depthrec

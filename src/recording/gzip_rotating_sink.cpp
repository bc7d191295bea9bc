#include "depthrec/gzip_rotating_sink.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "depthrec/market.hpp"
#include "recording/gzip_member_encoder.hpp"

namespace depthrec {
namespace {

using Clock = std::chrono::system_clock;

constexpr int kMaxNameCollisions = 1000;  // O_EXCL retries with the next seq

std::string errno_text(int error_number) {
  return std::generic_category().message(error_number);
}

SinkStatus failure(int error_number, std::string message) {
  SinkStatus status;
  status.code = SinkStatus::Code::failed;
  status.error_number = error_number;
  status.message = std::move(message);
  return status;
}

}  // namespace

struct GzipRotatingSink::Impl {
  explicit Impl(GzipRotatingSinkConfig c)
      : config(std::move(c)), encoder(config.compression_level) {}

  GzipRotatingSinkConfig config;
  std::string prefix;  // "<symbol-lower>_depth"
  recording::GzipMemberEncoder encoder;

  // A complete gzip member not yet in a file. Members are written one at a time, so when storage
  // comes back with less room than the backlog, what fits is written and kept (a backlog written
  // as one blob fails whole, and grows, until the disk has room for all of it at once).
  struct Member {
    std::string bytes;
    std::uint64_t raw_bytes = 0;  // uncompressed
    std::uint64_t lines = 0;
  };

  std::string pending;  // uncompressed lines since the last flush
  std::uint64_t pending_lines = 0;
  std::deque<Member> unwritten;           // oldest first
  std::uint64_t unwritten_bytes = 0;      // their compressed size
  std::uint64_t unwritten_raw_bytes = 0;  // their uncompressed size
  std::uint64_t segment_raw_bytes = 0;    // uncompressed bytes bound for the current segment

  int fd = -1;
  std::string path;
  std::uint64_t file_good_size = 0;  // bytes of complete members in the open file
  Clock::time_point opened_at;
  std::uint64_t last_seq = 0;

  mutable std::mutex stats_mutex;
  GzipRotatingSinkStats stats;

  SinkStatus record_error(int error_number, std::string operation, const std::string& target) {
    SinkStatus status = failure(
        error_number, std::move(operation) + " " + target + ": " + errno_text(error_number));
    std::lock_guard<std::mutex> lock(stats_mutex);
    ++stats.write_errors;
    stats.last_error = status.message;
    return status;
  }

  bool interval_due() const {
    return config.rotate == RotateMode::interval && fd >= 0 &&
           config.clock() - opened_at >= config.rotate_interval;
  }

  bool size_due(std::size_t incoming) const {
    return config.rotate == RotateMode::size && segment_raw_bytes > 0 &&
           segment_raw_bytes + incoming > config.max_bytes;
  }

  SinkStatus open_segment() {
    std::error_code ec;
    std::filesystem::create_directories(config.directory, ec);
    if (ec) return record_error(ec.value(), "create directory", config.directory);
    std::uint64_t seq = std::max(last_seq, highest_segment_seq(config.directory)) + 1;
    const Clock::time_point now = config.clock();
    for (int attempt = 0; attempt < kMaxNameCollisions; ++attempt, ++seq) {
      const std::string candidate =
          (std::filesystem::path(config.directory) / segment_file_name(prefix, now, seq)).string();
      const int result = config.file_ops.create_exclusive(candidate);
      if (result == -EEXIST) continue;
      if (result < 0) return record_error(-result, "create", candidate);
      fd = result;
      path = candidate;
      opened_at = now;
      file_good_size = 0;
      last_seq = seq;
      std::lock_guard<std::mutex> lock(stats_mutex);
      ++stats.segments_opened;
      stats.current_path = path;
      return SinkStatus::success();
    }
    return record_error(EEXIST, "create (every seq taken)", config.directory);
  }

  // A failed segment keeps only complete members: cut the partial one, then give the file up.
  void abandon_segment_after_error() {
    if (file_good_size == 0) {
      // Not one member reached it: remove the file instead of leaving a zero-byte .ndjson.gz
      // that gzip readers refuse (a full disk would leave one per flush). It held no data.
      if (::unlink(path.c_str()) != 0) record_error(errno, "remove empty segment", path);
    } else if (::ftruncate(fd, static_cast<off_t>(file_good_size)) != 0) {
      record_error(errno, "truncate", path);
    }
    release_fd();
    segment_raw_bytes = unwritten_raw_bytes;  // what the next segment will receive first
  }

  void release_fd() {
    ::close(fd);
    fd = -1;
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.current_path.clear();
  }

  SinkStatus write_unwritten() {
    while (!unwritten.empty()) {
      const Member& member = unwritten.front();
      std::size_t done = 0;
      while (done < member.bytes.size()) {
        const long n =
            config.file_ops.write(fd, member.bytes.data() + done, member.bytes.size() - done);
        if (n == -EINTR) continue;
        if (n <= 0) {
          SinkStatus status = record_error(n < 0 ? static_cast<int>(-n) : EIO, "write", path);
          abandon_segment_after_error();
          return status;
        }
        done += static_cast<std::size_t>(n);
      }
      file_good_size += member.bytes.size();
      unwritten_bytes -= member.bytes.size();
      unwritten_raw_bytes -= member.raw_bytes;
      {
        std::lock_guard<std::mutex> lock(stats_mutex);
        stats.bytes_out += member.bytes.size();
        stats.lines_written += member.lines;
      }
      unwritten.pop_front();
    }
    return SinkStatus::success();
  }

  std::uint64_t held_bytes() const { return pending.size() + unwritten_bytes; }

  void publish_unwritten() {
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.unwritten_bytes = held_bytes();
  }

  bool segment_was_removed() const {
    struct stat info {};
    return ::fstat(fd, &info) == 0 && info.st_nlink == 0;
  }

  SinkStatus flush_pending() {
    if (!pending.empty()) {
      Member member;
      if (!encoder.append_member(pending, member.bytes)) {
        const std::size_t lost = pending.size();
        const std::uint64_t lost_lines = pending_lines;
        pending.clear();
        pending_lines = 0;
        SinkStatus status = record_error(EIO, "compress", "(gzip compression failed)");
        std::lock_guard<std::mutex> lock(stats_mutex);
        stats.dropped_bytes += lost;
        stats.lines_lost += lost_lines;
        ++stats.dropped_writes;
        return status;
      }
      member.raw_bytes = pending.size();
      member.lines = pending_lines;
      unwritten_bytes += member.bytes.size();
      unwritten_raw_bytes += member.raw_bytes;
      unwritten.push_back(std::move(member));
      pending.clear();
      pending_lines = 0;
    }
    if (unwritten.empty()) return SinkStatus::success();
    if (fd >= 0 && segment_was_removed()) {
      // Writing on would feed an unlinked file: report it and start a fresh segment (and
      // directory) instead, so that what follows is not lost too.
      record_error(ENOENT, "write (segment was removed)", path);
      release_fd();
    }
    if (fd < 0) {
      SinkStatus status = open_segment();
      if (!status.ok()) return status;
    }
    return write_unwritten();
  }

  void close_segment() {
    if (fd < 0) return;
    if (::fsync(fd) != 0 && errno != EINVAL) record_error(errno, "fsync", path);
    if (::close(fd) != 0) record_error(errno, "close", path);
    fd = -1;
    segment_raw_bytes = unwritten_raw_bytes + pending.size();
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.current_path.clear();
  }

  SinkStatus rotate() {
    SinkStatus status = flush_pending();
    if (status.ok()) close_segment();
    // On failure the segment was already abandoned (or never opened); the batch waits.
    segment_raw_bytes = unwritten_raw_bytes + pending.size();
    return status;
  }
};

GzipRotatingSink::GzipRotatingSink(GzipRotatingSinkConfig config) {
  const std::string symbol = to_upper(config.symbol);
  if (!is_valid_symbol(symbol)) {
    throw std::invalid_argument("invalid symbol for segment names: '" + config.symbol + "'");
  }
  if (!config.clock || !config.file_ops.create_exclusive || !config.file_ops.write) {
    throw std::invalid_argument("GzipRotatingSink needs a clock and file operations");
  }
  impl_ = std::make_unique<Impl>(std::move(config));
  impl_->prefix = to_lower(symbol) + "_depth";
}

GzipRotatingSink::~GzipRotatingSink() {
  close();
}

SinkStatus GzipRotatingSink::write(std::string_view lines) {
  Impl& s = *impl_;
  if (s.held_bytes() + lines.size() > s.config.max_unwritten_bytes) {
    SinkStatus status;
    status.code = SinkStatus::Code::dropped;
    status.error_number = ENOBUFS;
    status.message = "unwritten data over " + std::to_string(s.config.max_unwritten_bytes) +
                     " bytes (storage failing?): record dropped";
    std::lock_guard<std::mutex> lock(s.stats_mutex);
    s.stats.dropped_bytes += lines.size();
    s.stats.lines_refused +=
        static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
    ++s.stats.dropped_writes;
    return status;
  }
  SinkStatus status;
  if (s.interval_due() || s.size_due(lines.size())) status = s.rotate();
  s.pending.append(lines);
  s.pending_lines += static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
  s.segment_raw_bytes += lines.size();
  {
    std::lock_guard<std::mutex> lock(s.stats_mutex);
    s.stats.bytes_in += lines.size();
    s.stats.unwritten_bytes = s.held_bytes();
  }
  if (s.pending.size() >= s.config.flush_threshold_bytes) {
    SinkStatus flushed = s.flush_pending();
    if (status.ok()) status = std::move(flushed);
  }
  return status;
}

SinkStatus GzipRotatingSink::flush() {
  Impl& s = *impl_;
  SinkStatus status = s.flush_pending();
  if (status.ok() && s.interval_due()) s.close_segment();
  s.publish_unwritten();
  return status;
}

SinkStatus GzipRotatingSink::close() {
  Impl& s = *impl_;
  SinkStatus status = s.flush_pending();
  s.close_segment();
  if (!s.unwritten.empty()) {
    // Storage still fails at close: what could not be written is lost; count it as such.
    std::uint64_t lines = 0;
    for (const auto& member : s.unwritten) lines += member.lines;
    std::lock_guard<std::mutex> lock(s.stats_mutex);
    s.stats.dropped_bytes += s.unwritten_raw_bytes;
    s.stats.lines_lost += lines;
    ++s.stats.dropped_writes;
    s.unwritten.clear();
    s.unwritten_bytes = 0;
    s.unwritten_raw_bytes = 0;
  }
  s.publish_unwritten();
  return status;
}

GzipRotatingSinkStats GzipRotatingSink::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mutex);
  return impl_->stats;
}

}  // namespace depthrec

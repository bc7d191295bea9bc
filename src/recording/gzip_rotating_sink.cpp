#include "depthrec/gzip_rotating_sink.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "depthrec/market.hpp"
#include "recording/gzip_member_encoder.hpp"

namespace depthrec {
namespace {

using Clock = std::chrono::system_clock;

constexpr int kMaxNameCollisions = 1000;  // O_EXCL retries with the next seq
// A stream's emptied buffer keeps at least this much memory for its next lines.
constexpr std::size_t kMinKeptCapacity = 4096;
// The members' buffer keeps at most this much memory between flushes (a whole market's flush of
// members is ~1-2 MB).
constexpr std::size_t kMaxKeptBlobCapacity = std::size_t{4} << 20;

// The newlines of a batch of lines. memchr jumps from one to the next with vector loads: a byte
// loop (std::count) over every line the writer hands the sink was ~3.5 % of a whole-market
// recorder's CPU (lines of ~700 B, one newline each).
std::uint64_t count_newlines(std::string_view text) {
  std::uint64_t count = 0;
  const char* at = text.data();
  const char* const end = at + text.size();
  while (at < end) {
    at = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
    if (at == nullptr) break;
    ++count;
    ++at;
  }
  return count;
}

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

// Lower-case letters, digits, '_' and '-', 1 to 64: a file name part, never a path.
bool is_valid_file_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 64) return false;
  for (char c : prefix) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

struct GzipRotatingSink::Impl {
  explicit Impl(GzipRotatingSinkConfig c)
      : config(std::move(c)), encoder(config.compression_level) {}

  GzipRotatingSinkConfig config;
  std::string prefix;  // "<symbol-lower>_depth"
  recording::GzipMemberEncoder encoder;

  // Complete gzip members not yet in a file, back to back in one buffer (oldest first), so that
  // a flush of thousands of streams' members is one write(2) and no allocation per member (a
  // member each was a string and a write call: ~3,000 a second at a whole market, issue 12).
  // Members still count one at a time: when storage comes back with less room than the backlog,
  // the members that fit are complete in the file and kept there (a blob counted whole would
  // fail whole, and grow, until the disk has room for all of it at once).
  struct Member {
    std::size_t bytes = 0;        // compressed, in unwritten_blob
    std::uint64_t raw_bytes = 0;  // uncompressed
    std::uint64_t lines = 0;
  };

  // One stream's lines since its last member. Streams share one byte bound (pending_bytes
  // against flush_threshold_bytes and max_unwritten_bytes), not one each: at whole-market scale
  // thousands of per-stream buffers would otherwise add up.
  struct StreamPending {
    std::string name;
    std::string lines;
    std::uint64_t line_count = 0;
    std::size_t last_member_raw = 0;  // bytes of its last member: what its next one will need
    bool listed = false;              // in `dirty`
    bool seen = false;  // has had a line (a dense slot exists before its stream writes)
  };
  // Streams by id: the engine's ids are dense and index a vector (a per-line hash lookup and
  // node chase was ~2 % of a whole-market recorder's CPU); a larger id goes to the map.
  static constexpr std::uint32_t kDenseStreamIds = 1u << 16;
  std::vector<StreamPending> dense_streams;
  std::unordered_map<std::uint32_t, StreamPending> sparse_streams;
  std::size_t stream_count = 0;  // distinct streams written so far

  StreamPending& stream_of(std::uint32_t id) {
    StreamPending* stream = nullptr;
    if (id < kDenseStreamIds) {
      if (id >= dense_streams.size()) dense_streams.resize(std::size_t{id} + 1);
      stream = &dense_streams[id];
    } else {
      stream = &sparse_streams[id];
    }
    if (!stream->seen) {
      stream->seen = true;
      ++stream_count;
    }
    return *stream;
  }
  std::vector<std::uint32_t> dirty;  // streams with pending lines, by first line
  std::vector<std::pair<std::size_t, std::uint32_t>> by_size;  // encode_largest scratch
  std::uint64_t pending_bytes = 0;        // uncompressed lines since their stream's last member
  std::uint64_t pending_capacity = 0;     // memory of the pending buffers (their capacities)
  std::deque<Member> unwritten;           // oldest first
  std::string unwritten_blob;             // their bytes, from unwritten_head on
  std::size_t unwritten_head = 0;         // blob bytes already in a file, as complete members
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
  // The figures every write changes, published without stats_mutex: a lock per line was ~13 %
  // of the writer thread's samples at a whole market (issue 12). One thread writes them (the
  // sink's user), so a relaxed load and store each, no read-modify-write; stats() reads them.
  std::atomic<std::uint64_t> live_bytes_in{0};
  std::atomic<std::uint64_t> live_unwritten_bytes{0};
  std::atomic<std::uint64_t> live_streams{0};
  std::atomic<std::uint64_t> live_pending_buffer_bytes{0};
  std::atomic<std::uint64_t> live_pending_buffer_bytes_max{0};

  static void publish(std::atomic<std::uint64_t>& figure, std::uint64_t value) {
    figure.store(value, std::memory_order_relaxed);
  }

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
    std::size_t done = unwritten_head;  // may end inside a member
    std::uint64_t bytes_out = 0;
    std::uint64_t lines_written = 0;
    SinkStatus status = SinkStatus::success();
    while (done < unwritten_blob.size()) {
      const long n =
          config.file_ops.write(fd, unwritten_blob.data() + done, unwritten_blob.size() - done);
      if (n == -EINTR) continue;
      if (n <= 0) {
        status = record_error(n < 0 ? static_cast<int>(-n) : EIO, "write", path);
        break;
      }
      done += static_cast<std::size_t>(n);
      // The members now complete in the file.
      while (!unwritten.empty() && unwritten_head + unwritten.front().bytes <= done) {
        const Member& member = unwritten.front();
        unwritten_head += member.bytes;
        file_good_size += member.bytes;
        unwritten_bytes -= member.bytes;
        unwritten_raw_bytes -= member.raw_bytes;
        bytes_out += member.bytes;
        lines_written += member.lines;
        unwritten.pop_front();
      }
    }
    {
      std::lock_guard<std::mutex> lock(stats_mutex);
      stats.bytes_out += bytes_out;
      stats.lines_written += lines_written;
    }
    // What was written leaves the blob (its memory stays for the next flush's members); a
    // member cut by the error starts again from its first byte in the next segment.
    unwritten_blob.erase(0, unwritten_head);
    unwritten_head = 0;
    if (unwritten_blob.empty() && unwritten_blob.capacity() > kMaxKeptBlobCapacity) {
      std::string().swap(unwritten_blob);  // a backlog's peak is not kept
    }
    if (!status.ok()) abandon_segment_after_error();
    return status;
  }

  std::uint64_t held_bytes() const { return pending_bytes + unwritten_bytes; }

  void publish_unwritten() {
    publish(live_unwritten_bytes, held_bytes());
    publish(live_pending_buffer_bytes, pending_capacity);
  }

  bool segment_was_removed() const {
    struct stat info {};
    return ::fstat(fd, &info) == 0 && info.st_nlink == 0;
  }

  // A buffer emptied by a member keeps its memory only while all of them together stay within
  // the flush threshold: a quiet stream does not pin a hot stream's peak.
  std::size_t kept_capacity() const {
    return std::max<std::size_t>(
        kMinKeptCapacity, config.flush_threshold_bytes / std::max<std::size_t>(1, stream_count));
  }

  // The stream's pending lines become one member at the end of `unwritten`.
  SinkStatus encode_member(std::uint32_t id) {
    StreamPending& stream = stream_of(id);
    stream.listed = false;
    if (stream.lines.empty()) return SinkStatus::success();
    const std::size_t raw = stream.lines.size();
    const std::uint64_t lines = stream.line_count;
    const std::size_t blob_before = unwritten_blob.size();
    const bool encoded =
        lines <= std::numeric_limits<std::uint32_t>::max() &&
        encoder.append_stream_member(stream.lines, stream.name, static_cast<std::uint32_t>(lines),
                                     unwritten_blob);
    pending_bytes -= raw;
    stream.last_member_raw = raw;
    pending_capacity -= stream.lines.capacity();
    if (stream.lines.capacity() > kept_capacity()) {
      std::string().swap(stream.lines);
    } else {
      stream.lines.clear();
    }
    pending_capacity += stream.lines.capacity();
    stream.line_count = 0;
    if (!encoded) {
      SinkStatus status = record_error(EIO, "compress", "(gzip compression failed)");
      std::lock_guard<std::mutex> lock(stats_mutex);
      stats.dropped_bytes += raw;
      stats.lines_lost += lines;
      ++stats.dropped_writes;
      return status;
    }
    Member member;
    member.bytes = unwritten_blob.size() - blob_before;
    member.raw_bytes = raw;
    member.lines = lines;
    unwritten_bytes += member.bytes;
    unwritten_raw_bytes += member.raw_bytes;
    unwritten.push_back(member);
    return SinkStatus::success();
  }

  // Every stream's pending lines, one member each, in the order the streams first had lines.
  SinkStatus encode_all() {
    SinkStatus status;
    for (const std::uint32_t id : dirty) {
      SinkStatus encoded = encode_member(id);
      if (status.ok()) status = std::move(encoded);
    }
    dirty.clear();
    return status;
  }

  // Over the flush threshold: the largest streams become members until half of it is left, so
  // that hot streams get large members early and quiet ones still wait for the periodic flush.
  SinkStatus encode_largest() {
    by_size.clear();
    for (const std::uint32_t id : dirty) by_size.emplace_back(stream_of(id).lines.size(), id);
    std::sort(by_size.begin(), by_size.end(), std::greater<>());
    SinkStatus status;
    std::size_t encoded = 0;
    while (encoded < by_size.size() && pending_bytes > config.flush_threshold_bytes / 2) {
      SinkStatus result = encode_member(by_size[encoded++].second);
      if (status.ok()) status = std::move(result);
    }
    // The streams still pending stay listed, in their first-line order.
    dirty.erase(std::remove_if(dirty.begin(), dirty.end(),
                               [&](std::uint32_t id) { return !stream_of(id).listed; }),
                dirty.end());
    return status;
  }

  SinkStatus flush_pending() { return write_members(encode_all()); }

  // Writes the members waiting in `unwritten`; `encoded` is the status of making them.
  SinkStatus write_members(const SinkStatus& encoded) {
    SinkStatus written = write_unwritten_members();
    return encoded.ok() ? written : encoded;
  }

  SinkStatus write_unwritten_members() {
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
    segment_raw_bytes = unwritten_raw_bytes + pending_bytes;
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.current_path.clear();
  }

  SinkStatus rotate() {
    SinkStatus status = flush_pending();
    if (unwritten.empty()) close_segment();
    // On failure the segment was already abandoned (or never opened); the batch waits.
    segment_raw_bytes = unwritten_raw_bytes + pending_bytes;
    return status;
  }
};

GzipRotatingSink::GzipRotatingSink(GzipRotatingSinkConfig config) {
  const std::string symbol = to_upper(config.symbol);
  if (!is_valid_symbol(symbol)) {
    throw std::invalid_argument("invalid symbol for segment names: '" + config.symbol + "'");
  }
  if (!config.file_prefix.empty() && !is_valid_file_prefix(config.file_prefix)) {
    throw std::invalid_argument("invalid segment name prefix: '" + config.file_prefix + "'");
  }
  if (!config.clock || !config.file_ops.create_exclusive || !config.file_ops.write) {
    throw std::invalid_argument("GzipRotatingSink needs a clock and file operations");
  }
  impl_ = std::make_unique<Impl>(std::move(config));
  impl_->prefix =
      impl_->config.file_prefix.empty() ? to_lower(symbol) + "_depth" : impl_->config.file_prefix;
}

GzipRotatingSink::~GzipRotatingSink() {
  close();
}

SinkStatus GzipRotatingSink::write(std::string_view lines) {
  // Lines of no named stream: stream id 0, under whatever name that stream has (or none).
  return write_stream(lines, StreamTag{});
}

SinkStatus GzipRotatingSink::write_stream(std::string_view lines, const StreamTag& tag) {
  Impl& s = *impl_;
  const std::uint64_t line_count = count_newlines(lines);
  if (s.held_bytes() + lines.size() > s.config.max_unwritten_bytes) {
    SinkStatus status;
    status.code = SinkStatus::Code::dropped;
    status.error_number = ENOBUFS;
    status.message = "unwritten data over " + std::to_string(s.config.max_unwritten_bytes) +
                     " bytes (storage failing?): record dropped";
    std::lock_guard<std::mutex> lock(s.stats_mutex);
    s.stats.dropped_bytes += lines.size();
    s.stats.lines_refused += line_count;
    ++s.stats.dropped_writes;
    return status;
  }
  SinkStatus status;
  if (s.interval_due() || s.size_due(lines.size())) status = s.rotate();
  Impl::StreamPending& stream = s.stream_of(tag.id);
  // A member has one name, taken at its first line: comparing the name at every line was ~4 %
  // of the writer's samples at a whole market (a cache miss on each of 1,500 heap-held names).
  if (!tag.name.empty() && (stream.lines.empty() || stream.name.empty()) &&
      stream.name != tag.name) {
    stream.name = tag.name;
  }
  if (!stream.listed) {
    stream.listed = true;
    s.dirty.push_back(tag.id);
  }
  const std::size_t capacity_before = stream.lines.capacity();
  if (stream.lines.empty() && stream.last_member_raw > capacity_before) {
    // A freed buffer takes its last member's size at once (at most half the threshold) instead
    // of doubling up to it, copying its lines at each step: those copies were ~2 % of the
    // writer's instructions at a whole market.
    stream.lines.reserve(std::min(stream.last_member_raw, s.config.flush_threshold_bytes / 2));
  }
  stream.lines.append(lines);
  s.pending_capacity += stream.lines.capacity() - capacity_before;
  stream.line_count += line_count;
  s.pending_bytes += lines.size();
  s.segment_raw_bytes += lines.size();
  Impl::publish(s.live_bytes_in, s.live_bytes_in.load(std::memory_order_relaxed) + lines.size());
  s.publish_unwritten();
  Impl::publish(s.live_streams, s.stream_count);
  if (s.pending_capacity > s.live_pending_buffer_bytes_max.load(std::memory_order_relaxed)) {
    Impl::publish(s.live_pending_buffer_bytes_max, s.pending_capacity);
  }
  if (s.pending_bytes >= s.config.flush_threshold_bytes) {
    SinkStatus flushed = s.write_members(s.encode_largest());
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
    s.unwritten_blob.clear();
    s.unwritten_head = 0;
    s.unwritten_bytes = 0;
    s.unwritten_raw_bytes = 0;
  }
  s.publish_unwritten();
  return status;
}

std::size_t GzipRotatingSink::flush_threshold_within(std::size_t max_unwritten_bytes,
                                                     std::size_t streams) {
  constexpr std::size_t kPerStream = std::size_t{64} << 10;
  constexpr std::size_t kFloor = std::size_t{1} << 20;
  const std::size_t ceiling = GzipRotatingSinkConfig{}.flush_threshold_bytes;
  const std::size_t wanted =
      std::clamp(streams > ceiling / kPerStream ? ceiling : streams * kPerStream, kFloor, ceiling);
  return std::max<std::size_t>(1, std::min(wanted, max_unwritten_bytes / 2));
}

GzipRotatingSinkStats GzipRotatingSink::stats() const {
  const Impl& s = *impl_;
  GzipRotatingSinkStats copy;
  {
    std::lock_guard<std::mutex> lock(s.stats_mutex);
    copy = s.stats;
  }
  copy.bytes_in = s.live_bytes_in.load(std::memory_order_relaxed);
  copy.unwritten_bytes = s.live_unwritten_bytes.load(std::memory_order_relaxed);
  copy.streams = s.live_streams.load(std::memory_order_relaxed);
  copy.pending_buffer_bytes = s.live_pending_buffer_bytes.load(std::memory_order_relaxed);
  copy.pending_buffer_bytes_max = s.live_pending_buffer_bytes_max.load(std::memory_order_relaxed);
  return copy;
}

}  // namespace depthrec

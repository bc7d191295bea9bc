// GzipRotatingSink: the recording's files (docs/records.md, "Files").
//
//   <directory>/<symbol-lower>_depth.<YYYYmmdd-HHMMSS>Z.<seq>.ndjson.gz   (one symbol)
//   <directory>/multi_depth.<YYYYmmdd-HHMMSS>Z.<seq>.ndjson.gz            (config.file_prefix)
//
// - The timestamp is the UTC time (config.clock) the segment was opened; seq is 6 digits (wider
//   past 999999) and continues after the highest seq of ANY segment already in the directory, so
//   a restart never reuses a name; files are created with O_EXCL and never overwritten or deleted.
// - Segments are opened lazily, at the first flush that has data: no empty files.
// - Lines are kept per stream (write_stream's tag). Each flush compresses each stream's lines
//   since its last member into one complete gzip member whose header names the stream and gives
//   the member's size (stream_member_format.hpp), and appends them. Concatenated members are one
//   valid gzip file, so after a crash every byte up to the last flush is readable:
//   zcat DIR/*.ndjson.gz | jq -c .  (Python: gzip.open(path, "rt"); C: gzopen/gzread; both read
//   multi-member files.) StreamSegmentReader reads one stream's members only. Order is kept
//   within a stream, not across streams.
// - The streams' pending lines share one bound: when they reach flush_threshold_bytes, the
//   largest streams become members until half of it is left (a quiet stream waits for the flush).
// - Rotation: by interval (config.rotate_interval since the segment was opened, by config.clock) or
//   by size (uncompressed bytes written into the segment >= max_bytes), checked at each write and
//   flush, always at a line boundary. The old segment is flushed, fsync'ed and closed.
// - Write errors (ENOSPC, EIO, EACCES, a vanished directory...) are counted with errno text. The
//   failed segment is truncated back to its last complete member and closed; the compressed batch
//   is kept and written to a NEW segment at the next flush, so recording resumes when space
//   returns. The backlog is a list of members, written together (one write(2) a flush) and kept
//   one at a time: when less room returns than the backlog needs, the whole members that fit stay
//   (counted in lines_written) and the rest waits.
//   Unwritten data is bounded (max_unwritten_bytes: uncompressed pending lines plus compressed
//   members): beyond it writes are refused (status dropped, counted). Lines still unwritten at
//   close are counted in lines_lost. The directory is (re)created when missing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "depthrec/record_sink.hpp"
#include "depthrec/recorder_config.hpp"

namespace depthrec {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// The file operations a segment needs; replaceable so that tests can inject ENOSPC and the like.
struct SegmentFileOps {
  // Creates `path` (O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0644). Returns the fd, or -errno.
  std::function<int(const std::string& path)> create_exclusive;
  // As ::write: returns bytes written (may be fewer than asked), or -errno.
  std::function<long(int fd, const char* data, std::size_t size)> write;
};
SegmentFileOps posix_segment_file_ops();

// The prefix of a many-stream run's segments: multi_depth.<YYYYmmdd-HHMMSS>Z.<seq>.ndjson.gz.
inline constexpr const char* kMultiStreamPrefix = "multi_depth";

struct GzipRotatingSinkConfig {
  std::string directory = "data/order_book";
  std::string symbol = "ETHUSDT";  // must pass is_valid_symbol(); lower-cased into the names
  // The names' prefix instead of "<symbol-lower>_depth" ([a-z0-9_-], 1-64): a run of many
  // streams uses kMultiStreamPrefix.
  std::string file_prefix;
  RotateMode rotate = RotateMode::interval;
  std::chrono::seconds rotate_interval{60};
  std::uint64_t max_bytes = 5'000'000;  // uncompressed bytes per segment (RotateMode::size)
  int compression_level = 1;  // gzip level 0..9 (libdeflate): 1 ~300 MB/s here, 6 ~100 MB/s
  // A write past this flushes the largest streams by itself (a recorder takes
  // flush_threshold_within(max_unwritten_bytes, streams)). 8 MiB rather than 1: at a whole
  // market (~20 MB/s of lines) a 1 MiB bound made 2.6x as many members (each a libdeflate call
  // with a fixed cost) and cost 40 % more writer CPU (bench/README.md, "Writer CPU").
  std::size_t flush_threshold_bytes = std::size_t{8} << 20;
  std::size_t max_unwritten_bytes = 32u << 20;  // pending + failed batches; beyond: drop
  WallClock clock = [] { return std::chrono::system_clock::now(); };
  SegmentFileOps file_ops = posix_segment_file_ops();
};

struct GzipRotatingSinkStats {
  std::uint64_t segments_opened = 0;
  std::uint64_t bytes_in = 0;       // uncompressed bytes accepted by write()
  std::uint64_t bytes_out = 0;      // compressed bytes written to files
  std::uint64_t write_errors = 0;   // failed opens, writes, fsyncs (each counted once)
  std::uint64_t dropped_bytes = 0;  // uncompressed bytes refused because of max_unwritten_bytes
  std::uint64_t dropped_writes = 0;
  std::uint64_t lines_written = 0;    // lines (records) that reached a file, in complete members
  std::uint64_t lines_refused = 0;    // lines write() refused (max_unwritten_bytes): the caller's
  std::uint64_t lines_lost = 0;       // lines accepted but never written (storage failing at close)
  std::uint64_t unwritten_bytes = 0;  // held now: pending lines plus compressed members
  std::uint64_t streams = 0;          // distinct streams written so far
  // Memory of the per-stream pending buffers (capacities), now and at most: the sink's share of
  // the memory bound at whole-market scale.
  std::uint64_t pending_buffer_bytes = 0;
  std::uint64_t pending_buffer_bytes_max = 0;
  std::string last_error;    // "<operation> <path>: <strerror>", empty if none yet
  std::string current_path;  // the open segment, empty if none
};

class GzipRotatingSink final : public RecordSink {
 public:
  // Throws std::invalid_argument for an invalid symbol or compression level (a setup error);
  // it does not touch the file system (the first flush does).
  explicit GzipRotatingSink(GzipRotatingSinkConfig config);
  ~GzipRotatingSink() override;  // close()
  GzipRotatingSink(const GzipRotatingSink&) = delete;
  GzipRotatingSink& operator=(const GzipRotatingSink&) = delete;

  SinkStatus write(std::string_view lines) override;  // as stream id 0
  SinkStatus write_stream(std::string_view lines, const StreamTag& tag) override;
  SinkStatus flush() override;
  SinkStatus close() override;

  // The flush threshold for `streams` streams: 64 KiB of pending lines a stream, between 1 MiB
  // (one stream keeps the former bound and memory) and the default 8 MiB (reached at 128 streams:
  // a whole market), and at most half the held bound: pending lines must never reach
  // max_unwritten_bytes (lines refused while storage works) before a flush makes members.
  static std::size_t flush_threshold_within(std::size_t max_unwritten_bytes,
                                            std::size_t streams = 128);

  GzipRotatingSinkStats stats() const;  // thread-safe: may be read while the worker writes

  // The file name a segment gets: "<prefix>.<YYYYmmdd-HHMMSS>Z.<seq>.ndjson.gz".
  static std::string segment_file_name(std::string_view prefix,
                                       std::chrono::system_clock::time_point opened,
                                       std::uint64_t seq);
  // The highest seq of any segment in `directory` (0 if none, or if it cannot be read).
  static std::uint64_t highest_segment_seq(const std::string& directory);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

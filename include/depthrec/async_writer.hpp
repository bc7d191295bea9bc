// AsyncWriter: the bounded hand-off between the network thread and storage (as spdlog's async
// logger: a bounded queue, one worker thread, a named overflow policy, a sink behind it).
//
//   auto sink = std::make_unique<GzipRotatingSink>(sink_config);
//   GzipRotatingSink* files = sink.get();           // observer for its stats, valid while
//                                                   // the writer lives (it owns the sink)
//   AsyncWriterConfig writer_config;               // queue_capacity, flush_interval...
//   AsyncWriter writer(std::move(sink), writer_config);
//   std::string line;                              // reused by the network thread
//   append_depth_record(line, context, update, recv_ns, lat_event, lat_pipeline);
//   writer.try_push(line, context);                 // never waits on I/O; `line` comes back empty
//   ...
//   writer.stop();                                  // drains, flushes, closes the sink, joins
//
// The queue is a ring of `queue_capacity` strings. try_push MOVES the line into a free slot and
// hands back a cleared buffer the worker has finished with (a pool of at most 8 MiB), so in steady
// state neither side allocates, and memory follows the queue's depth, not its capacity. Lines
// being written by the worker still occupy their slots: the bound counts everything not yet handed
// to the sink. One mutex guards the ring (one uncontended lock per push, ~20 ns), so several
// producers are safe; the worker holds it only for O(1) work per batch.
//
// Overflow (OverflowPolicy::drop_newest): a line that finds the queue full is dropped and counted
// against its stream (RecordContext::stream_id). The next line accepted is preceded by a `gap`
// record with reason `writer_drop` for each stream that lost lines since its last marker, built
// from that stream's own context and count (the line's own stream first; the others as room
// allows within the line's bound): so the recording itself says where, on which stream and how
// much is missing, however many streams share the writer. (A line whose stream has lost lines
// needs two free slots; until there are, lines keep being dropped and counted.) Lines the sink
// refused (its own bound on unwritten data, i.e. storage failing) count the same way, per stream,
// but the worker writes their markers itself before the next line it hands the sink, so each
// marker sits exactly at the hole; while the sink refuses a marker, no line follows the hole.
//
// The worker hands each line to RecordSink::write_stream with its stream (id and name, from the
// line's RecordContext; names cached per id, so no lock per line): GzipRotatingSink writes each
// stream's lines of a flush as a gzip member of their own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "depthrec/record_sink.hpp"
#include "depthrec/records.hpp"

namespace depthrec {

enum class OverflowPolicy : std::uint8_t {
  drop_newest,  // the record that does not fit is dropped and counted; the writer never blocks
};

struct AsyncWriterConfig {
  std::size_t queue_capacity = 100'000;  // lines; at least 2
  // Bytes of the data lines queued (a line may be up to a frame's size): beyond it data lines
  // are dropped like a full queue. Marker lines are bounded by kMarkerReserve instead.
  std::size_t max_queue_bytes = std::size_t{128} << 20;
  std::chrono::milliseconds flush_interval{1000};  // the sink is flushed at least this often
  OverflowPolicy overflow_policy = OverflowPolicy::drop_newest;
  // The worker wakes when this many lines wait (or at the flush deadline): fewer wake-ups than
  // one per line, and no syscall on the network thread for most pushes.
  std::size_t wake_batch = 256;
};

struct AsyncWriterStats {
  std::uint64_t enqueued = 0;         // lines accepted (markers not included)
  std::uint64_t written = 0;          // lines handed to the sink and kept by it (markers included)
  std::uint64_t dropped = 0;          // queue full, stopped, or refused by the sink
  std::uint64_t markers_written = 0;  // writer_drop gap records queued or written by the worker
  std::uint64_t sink_errors = 0;      // non-ok statuses from the sink (failed or dropped)
  std::size_t queue_depth = 0;        // lines queued or being written now
  std::size_t queue_depth_max = 0;
  std::size_t queue_bytes = 0;  // bytes of those lines
  std::size_t queue_bytes_max = 0;
  std::uint64_t byte_drops = 0;  // of `dropped`: data lines refused by max_queue_bytes
  std::string last_sink_error;
};

class AsyncWriter {
 public:
  enum class PushResult : std::uint8_t {
    accepted,  // queued (possibly after a writer_drop marker)
    dropped,   // queue full: counted, line not kept
    stopped,   // stop() was called: counted as dropped
  };

  // Starts the worker thread. Throws std::invalid_argument for a null sink or capacity < 2.
  AsyncWriter(std::unique_ptr<RecordSink> sink, AsyncWriterConfig config);
  ~AsyncWriter();  // stop()
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  // What a line is to the overflow policy.
  enum class Priority : std::uint8_t {
    data,    // depth and ticker lines: bounded by queue_capacity
    marker,  // snapshot, gap, resync, connect, disconnect records: may also use kMarkerReserve
             // slots beyond queue_capacity, so a flooded queue still records where and why
             // continuity changed (and a recording stays rebuildable after its holes)
  };
  static constexpr std::size_t kMarkerReserve = 64;

  // Takes `line` (one or more complete records) and leaves it empty, keeping a reusable buffer in
  // it, whether the line was accepted or dropped. `context` names the line's stream (stream ids
  // dense, at most 2^22 - 1: a larger one is refused); the writer keeps a copy per stream only when
  // it changed. Never blocks beyond a short critical section; never waits on I/O.
  PushResult try_push(std::string& line, const RecordContext& context,
                      Priority priority = Priority::data);

  // Drains every queued line to the sink, flushes and closes it, joins the worker. Idempotent,
  // any thread (not the worker's).
  void stop();

  AsyncWriterStats stats() const;  // thread-safe
  // Lines queued now: sample it (e.g. every second) for the log_queue depth_p95 of metrics.json.
  std::size_t queue_depth() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

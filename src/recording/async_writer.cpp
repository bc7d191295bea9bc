#include "depthrec/async_writer.hpp"

#include "model/prefetch.hpp"
#include "recording/drop_ledger.hpp"

#include <pthread.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace depthrec {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Buffers larger than this are released after use rather than pooled (a rare 5000-level
// snapshot line must not pin its memory forever).
constexpr std::size_t kMaxPooledCapacity = std::size_t{64} * 1024;
// The pool of cleared buffers covers a deep queue, within a bound on its memory. Bounded by
// 2 * wake_batch (512) buffers, a whole market's queue (p95 ~3,000 lines) made the worker free
// and the producer allocate most lines' buffers: malloc and free were ~8 % of the writer's samples.
constexpr std::size_t kMaxPooledBuffers = 16384;
constexpr std::size_t kMaxPoolBytes = std::size_t{8} << 20;

// How much of a line buffer the prefetches below cover: a whole-market depth line is ~470 bytes,
// a bookTicker line ~250.
constexpr std::size_t kPrefetchedLineBytes = 768;
// The writer prefetches the line this many slots ahead of the one it writes.
constexpr std::size_t kPrefetchDistance = 4;

// Asks for the cache lines of a line buffer's first kPrefetchedLineBytes ahead of their use.
// The buffers cross cores (the network thread fills one, the writer reads it, the pool hands it
// back), so each first touch on the other core was a miss in the line's formatting copy and in
// the writer's scan: 4 % and 3 % of the whole market's samples.
void prefetch_line(const std::string& line, std::size_t bytes, PrefetchFor use) {
  prefetch_range(line.data(), std::min(bytes, kPrefetchedLineBytes), use);
}

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct AsyncWriter::Impl {
  Impl(std::unique_ptr<RecordSink> s, AsyncWriterConfig c)
      : sink(std::move(s)),
        config(c),
        capacity(c.queue_capacity + kMarkerReserve),
        data_capacity(c.queue_capacity),
        wake_batch(std::clamp<std::size_t>(c.wake_batch, 1, c.queue_capacity / 2)),
        max_pool(std::min(capacity, kMaxPooledBuffers)),
        ring(capacity),
        marker_dropped(capacity, 0),
        slot_stream(capacity, 0) {
    pool.reserve(max_pool);
    worker_pool.reserve(max_pool);
  }

  std::unique_ptr<RecordSink> sink;
  const AsyncWriterConfig config;
  const std::size_t capacity;       // ring slots: data lines plus the markers' reserve
  const std::size_t data_capacity;  // queue_capacity: the bound on data lines
  const std::size_t wake_batch;
  const std::size_t max_pool;

  mutable std::mutex mutex;  // guards everything below except worker_pool
  std::condition_variable wake;
  std::vector<std::string> ring;
  // For a slot holding a writer_drop marker: the count it carries (0 for ordinary lines), so a
  // marker the sink refuses gives its count back instead of being lost.
  std::vector<std::uint64_t> marker_dropped;
  std::vector<std::uint32_t> slot_stream;  // the stream id of each slot's line or marker
  std::size_t head = 0;                    // oldest line not yet handed to the sink
  std::size_t count = 0;  // lines queued, including the batch the worker is writing
  // `count`, published for queue_depth() without the mutex: the network thread asks after every
  // push, and that second lock per line doubled its share of the queue's lock (issue 12).
  std::atomic<std::size_t> published_count{0};
  std::size_t queued_bytes = 0;  // their sizes
  bool stopping = false;
  bool worker_waiting = false;
  // Lines the queue refused, per stream, and each stream's latest context (the worker's markers
  // use those contexts too).
  recording::DropLedger drops;
  std::vector<std::string> pool;  // cleared buffers handed back to producers
  std::size_t pool_bytes = 0;     // their capacities
  AsyncWriterStats stats;

  std::vector<std::string> worker_pool;  // worker only: buffers collected during a batch
  std::size_t worker_pool_bytes = 0;     // worker only: their capacities
  // Worker only: pool_bytes when the batch began (it only falls while the worker writes), so
  // that both pools together stay within kMaxPoolBytes.
  std::size_t pool_bytes_at_batch = 0;
  // Worker only: lines the sink refused that no marker covers yet, per stream. The worker itself
  // writes the markers before the next line it hands the sink, so that each gap record sits
  // exactly at the hole (a marker queued by the next push would follow the lines already in the
  // ring).
  recording::DropLedger sink_refused;
  std::string worker_marker;
  // Worker only: each stream's name by id, copied from `drops` once per id (the one lock it
  // takes), so that the sink learns each line's stream without a lock per line.
  std::vector<std::string> worker_names;
  std::vector<bool> worker_name_known;

  StreamTag stream_tag(std::uint32_t stream_id) {
    if (stream_id >= worker_name_known.size()) {
      worker_name_known.resize(stream_id + std::size_t{1}, false);
      worker_names.resize(stream_id + std::size_t{1});
    }
    if (!worker_name_known[stream_id]) {
      std::lock_guard<std::mutex> lock(mutex);
      worker_names[stream_id] = drops.context(stream_id).stream;
      worker_name_known[stream_id] = true;
    }
    return StreamTag{stream_id, worker_names[stream_id]};
  }

  std::mutex stop_mutex;  // serialises stop() callers around join()
  std::thread worker;

  std::size_t slot(std::size_t offset) const { return (head + offset) % capacity; }

  // `line` was moved into a slot: give it a pooled buffer that has capacity (or leave it empty).
  // Moves, not swaps: std::string::swap is an out-of-line call (~60 instructions, twice a line).
  void take_pooled_buffer(std::string& line) {
    if (pool.empty()) {
      line.clear();
    } else {
      line = std::move(pool.back());
      pool.pop_back();
      pool_bytes = pool.empty() ? 0 : pool_bytes - line.capacity();
      // The next line is formatted into it after a frame's parsing and book work: time for the
      // lines to arrive from the writer's core.
      prefetch_line(line, line.capacity(), PrefetchFor::write);
    }
  }

  // After every change of `count` (mutex held).
  void note_depth() {
    published_count.store(count, std::memory_order_relaxed);
    stats.queue_depth_max = std::max(stats.queue_depth_max, count);
  }

  struct BatchResult {
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;  // lines refused by the sink, marker counts given back
    std::uint64_t markers = 0;  // writer_drop markers the worker wrote
    std::size_t bytes = 0;      // of the batch's lines (leaving the queue)
    std::uint64_t errors = 0;
    std::string last_error;
  };

  // Before a line follows lines the sink refused: a writer_drop marker for each stream that lost
  // some. Returns false when the sink refuses a marker too (then the line must not be written
  // either).
  bool mark_sink_refusals(BatchResult& result) {
    if (!sink_refused.any()) return true;  // every line passes here: no call in the usual case
    while (auto stream_id = sink_refused.next_pending()) {
      RecordContext context;
      {
        std::lock_guard<std::mutex> lock(mutex);
        context = drops.context(*stream_id);
      }
      GapInfo gap;
      gap.reason = GapReason::writer_drop;
      gap.dropped = sink_refused.pending(*stream_id);
      worker_marker.clear();
      append_gap_record(worker_marker, context, wall_clock_ns(), gap);
      const StreamTag tag = stream_tag(*stream_id);
      SinkStatus status = guarded([&] { return sink->write_stream(worker_marker, tag); });
      const bool kept = status.code != SinkStatus::Code::dropped;
      note_status(std::move(status), result);
      if (!kept) return false;
      ++result.markers;
      ++result.written;
      sink_refused.take(*stream_id);
    }
    return true;
  }

  // A writer_drop marker for `stream_id`'s lost lines in the next slot (mutex held).
  void queue_marker(std::uint32_t stream_id) {
    const std::size_t index = slot(count);
    GapInfo gap;
    gap.reason = GapReason::writer_drop;
    gap.dropped = drops.take(stream_id);
    ring[index].clear();
    append_gap_record(ring[index], drops.context(stream_id), wall_clock_ns(), gap);
    queued_bytes += ring[index].size();
    marker_dropped[index] = gap.dropped;
    slot_stream[index] = stream_id;
    ++count;
    note_depth();
    ++stats.markers_written;
  }

  void note_status(SinkStatus status, BatchResult& result) {
    if (status.ok()) return;
    ++result.errors;
    result.last_error = std::move(status.message);
  }

  // No exception may escape the worker thread: a throwing sink becomes a failed status.
  template <typename Call>
  static SinkStatus guarded(Call&& call) {
    try {
      return call();
    } catch (const std::exception& e) {
      SinkStatus status;
      status.code = SinkStatus::Code::failed;
      status.message = std::string("sink threw: ") + e.what();
      return status;
    } catch (...) {
      SinkStatus status;
      status.code = SinkStatus::Code::failed;
      status.message = "sink threw an unknown exception";
      return status;
    }
  }

  // Writes `n` lines from `first` (slots the producers do not touch while count covers them).
  BatchResult write_batch(std::size_t first, std::size_t n, std::uint64_t* markers) {
    BatchResult result;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t index = (first + i) % capacity;
      if (i + kPrefetchDistance < n) {
        const std::string& ahead = ring[(index + kPrefetchDistance) % capacity];
        prefetch_line(ahead, ahead.size(), PrefetchFor::read);
      }
      std::string& line = ring[index];
      result.bytes += line.size();
      const std::uint64_t line_drops = markers[index] > 0 ? markers[index] : 1;
      markers[index] = 0;  // the worker's slot until head passes it: cleared outside the lock
      if (!mark_sink_refusals(result)) {
        result.dropped += line_drops;
        sink_refused.add(slot_stream[index], line_drops);
      } else {
        const StreamTag tag = stream_tag(slot_stream[index]);
        SinkStatus status = guarded([&] { return sink->write_stream(line, tag); });
        if (status.code == SinkStatus::Code::dropped) {
          result.dropped += line_drops;
          sink_refused.add(slot_stream[index], line_drops);
        } else {
          ++result.written;
        }
        note_status(std::move(status), result);
      }
      const std::size_t kept = line.capacity();
      if (kept <= kMaxPooledCapacity && worker_pool.size() < max_pool &&
          pool_bytes_at_batch + worker_pool_bytes + kept <= kMaxPoolBytes) {
        line.clear();
        worker_pool.push_back(std::move(line));
        worker_pool_bytes += kept;
      }
      std::string().swap(line);  // a moved-from or oversized buffer: leave the slot empty
    }
    return result;
  }

  void run() {
    // Named for top -H, perf and bench/whole_market.py's per-thread figures.
    pthread_setname_np(pthread_self(), "gzip-writer");
    auto next_flush = SteadyClock::now() + config.flush_interval;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (!stopping && count < wake_batch) {
        worker_waiting = true;
        wake.wait_until(lock, next_flush, [&] { return stopping || count >= wake_batch; });
        worker_waiting = false;
      }
      const std::size_t first = head;
      const std::size_t n = count;
      const bool final_round = stopping;
      pool_bytes_at_batch = pool_bytes;
      lock.unlock();

      BatchResult result = write_batch(first, n, marker_dropped.data());
      const auto now = SteadyClock::now();
      if (final_round || now >= next_flush) {
        note_status(guarded([&] { return sink->flush(); }), result);
        next_flush = now + config.flush_interval;
      }

      lock.lock();
      head = (head + n) % capacity;
      count -= n;
      published_count.store(count, std::memory_order_relaxed);
      queued_bytes -= result.bytes;
      // Buffers go back to the producers: all at once when their pool ran dry, else as many as
      // fit, so that in the steady state neither side allocates (nor frees the other's memory).
      if (pool.empty()) {
        pool.swap(worker_pool);
        pool_bytes = worker_pool_bytes;
        worker_pool_bytes = 0;
      } else {
        while (!worker_pool.empty() && pool.size() < max_pool) {
          const std::size_t moved = worker_pool.back().capacity();
          pool.push_back(std::move(worker_pool.back()));
          worker_pool.pop_back();
          pool_bytes += moved;
          worker_pool_bytes -= moved;
        }
      }
      stats.written += result.written;
      stats.dropped += result.dropped;
      stats.markers_written += result.markers;
      stats.sink_errors += result.errors;
      if (!result.last_error.empty()) stats.last_sink_error = std::move(result.last_error);
      if (final_round && count == 0) {
        // Lines dropped after the last accepted one have no line to precede: their marker
        // ends the recording (written like the marker of lines the sink refused).
        drops.move_all_into(sink_refused);
        break;
      }
    }
    lock.unlock();
    BatchResult closing;
    mark_sink_refusals(closing);
    note_status(guarded([&] { return sink->close(); }), closing);
    lock.lock();
    stats.written += closing.written;
    stats.markers_written += closing.markers;
    stats.sink_errors += closing.errors;
    if (!closing.last_error.empty()) stats.last_sink_error = std::move(closing.last_error);
  }
};

AsyncWriter::AsyncWriter(std::unique_ptr<RecordSink> sink, AsyncWriterConfig config) {
  if (!sink) throw std::invalid_argument("AsyncWriter needs a sink");
  if (config.queue_capacity < 2) throw std::invalid_argument("AsyncWriter queue_capacity < 2");
  if (config.flush_interval.count() <= 0) {
    throw std::invalid_argument("AsyncWriter flush_interval must be positive");
  }
  impl_ = std::make_unique<Impl>(std::move(sink), config);
  impl_->worker = std::thread([impl = impl_.get()] { impl->run(); });
}

AsyncWriter::~AsyncWriter() {
  stop();
}

AsyncWriter::PushResult AsyncWriter::try_push(std::string& line, const RecordContext& context,
                                              Priority priority) {
  Impl& w = *impl_;
  bool notify = false;
  PushResult result = PushResult::accepted;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    const std::uint32_t stream_id = context.stream_id;
    const std::size_t bound = priority == Priority::marker ? w.capacity : w.data_capacity;
    if (w.stopping) {
      ++w.stats.dropped;
      result = PushResult::stopped;
    } else if (!w.drops.note_context(context)) {
      // The contract (dense stream ids) is broken: refuse rather than grow without bound.
      ++w.stats.dropped;
      result = PushResult::dropped;
    } else if (w.count + (w.drops.pending(stream_id) > 0 ? 2 : 1) > bound) {
      ++w.stats.dropped;
      w.drops.add(stream_id, 1);
      result = PushResult::dropped;
    } else if (priority == Priority::data &&
               w.queued_bytes + line.size() > w.config.max_queue_bytes) {
      ++w.stats.dropped;
      ++w.stats.byte_drops;
      w.drops.add(stream_id, 1);
      result = PushResult::dropped;
    } else {
      // The line's own stream's marker must precede it; other streams' markers follow as room
      // allows (within the line's bound, so they never eat the reserve of real markers).
      if (w.drops.pending(stream_id) > 0) w.queue_marker(stream_id);
      while (w.drops.any() && w.count + 2 <= bound) {
        const auto other = w.drops.next_pending();
        if (!other) break;
        w.queue_marker(*other);
      }
      w.queued_bytes += line.size();
      w.stats.queue_bytes_max = std::max(w.stats.queue_bytes_max, w.queued_bytes);
      const std::size_t index = w.slot(w.count);
      w.slot_stream[index] = stream_id;
      w.ring[index] = std::move(line);
      ++w.count;
      ++w.stats.enqueued;
      w.note_depth();
      if (w.worker_waiting && w.count >= w.wake_batch) {
        w.worker_waiting = false;
        notify = true;
      }
      w.take_pooled_buffer(line);
    }
  }
  if (result != PushResult::accepted) line.clear();  // the caller keeps its own buffer
  if (notify) w.wake.notify_one();
  return result;
}

void AsyncWriter::stop() {
  std::lock_guard<std::mutex> stop_lock(impl_->stop_mutex);
  if (!impl_->worker.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  impl_->worker.join();
}

AsyncWriterStats AsyncWriter::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  AsyncWriterStats copy = impl_->stats;
  copy.queue_depth = impl_->count;
  copy.queue_bytes = impl_->queued_bytes;
  return copy;
}

std::size_t AsyncWriter::queue_depth() const {
  return impl_->published_count.load(std::memory_order_relaxed);
}

}  // namespace depthrec

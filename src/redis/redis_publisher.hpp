// RedisPublisher: the Redis Streams sink (--redis). The recorder hands it each record line as it
// hands it to the file writer; it keeps them in ITS OWN bounded queue and publishes them from ITS
// OWN thread, in pipelined batches (one XADD per entry, written in RESP into one buffer; two
// batches in flight), so a slow, frozen or dead Redis never blocks the network thread or the
// file recording. An offer copies its line into the queue's buffer under a lock that the sink's
// thread holds only to swap that buffer for its drained one (line_inbox.hpp), and wakes the
// thread only when it waits.
//
//   RedisPublisherConfig config;            // url, keys, maxlen, queue bound...
//   RedisPublisher redis(config);           // starts its thread (connects in the background)
//   redis.offer(line, context);             // copies the line; never waits on I/O
//   ...
//   redis.stop();                           // drains (within drain_timeout), closes, joins
//
// Overflow (drop_newest, as the AsyncWriter): a line that finds the queue full is dropped and
// counted against its stream key; before the next line accepted, the queue takes a note of what
// each key lost, and the sink publishes it as ONE `gap` entry per key (reason redis_drop, the
// sequence range) in its place (entry_planner.hpp). While Redis is unreachable the thread keeps
// its batch and reconnects with exponential backoff; entry ids come from the exchange sequence, so
// resending a batch after a lost connection publishes nothing twice. With --repair-trades an
// aggTrade key's lines after an id gap wait in the thread for the gap's repair, so that the
// repaired trades go in id order (repair_hold.hpp); no other key waits.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "depthrec/lag_figures.hpp"
#include "redis/redis_url.hpp"
#include "redis/repair_hold.hpp"
#include "redis/stream_entry.hpp"

namespace depthrec {
struct RecordContext;  // depthrec/records.hpp
}  // namespace depthrec

namespace depthrec::redis {

struct RedisPublisherConfig {
  RedisUrl url;
  KeyOptions keys;
  std::size_t maxlen = 10'000;  // XADD MAXLEN ~ N (seed 001's); 0: no trimming
  std::int64_t max_age_ms = 0;  // > 0: XADD MINID ~ by age instead of MAXLEN (age_trim.hpp)
  std::size_t queue_capacity = 100'000;  // lines waiting (the batch being sent included)
  std::size_t max_queue_bytes = std::size_t{64} << 20;
  std::size_t batch_max = 512;                     // entries per pipelined round trip
  std::chrono::milliseconds io_timeout{1000};      // connect, send, reply
  std::chrono::milliseconds backoff_initial{100};  // reconnect delay, doubled up to max
  std::chrono::milliseconds backoff_max{2000};
  std::chrono::milliseconds drain_timeout{2000};  // stop(): what is left after it is dropped
  // With every batch written and room for another, how long the thread waits for new lines
  // before it reads the replies: lines that come meanwhile (the next burst, ~1 ms later at 10,000
  // events/s) are written at once instead of after the replies, and the thread sleeps once per
  // burst instead of twice (on the replies, then on the queue). Only the counters (published,
  // the queue's depth) settle later when the feed pauses: by this at most, as the idle wait.
  std::chrono::milliseconds reply_grace{50};
  // --repair-trades: an aggTrade key's lines after an id gap wait for its gap_fill, so that the
  // repaired trades are published in id order (repair_hold.hpp); false: no hold.
  bool hold_trade_repairs = false;
  RepairHoldLimits repair_hold;
  // Called first on the sink's thread (the recorder's --realtime-priority gives it SCHED_FIFO
  // there); empty: nothing.
  std::function<void()> on_thread_start;
};

struct RedisPublisherStats {
  std::uint64_t offered = 0;                // lines handed to offer()
  std::uint64_t published = 0;              // entries Redis added (gap entries included)
  std::uint64_t duplicates_suppressed = 0;  // entries Redis already had (another recorder's copy)
  std::uint64_t dropped = 0;                // lines the sink skipped (queue full, refused, stop)
  std::uint64_t gaps_marked = 0;            // redis_drop gap entries published
  std::uint64_t markers_abandoned = 0;      // markers of a key that never got a sequence
  std::uint64_t errors = 0;                 // entries Redis refused otherwise (OOM...)
  std::uint64_t reconnects = 0;             // connections opened after the first
  std::uint64_t connect_failures = 0;
  std::uint64_t batches = 0;     // round trips that completed
  RepairHoldCounts repair_hold;  // --repair-trades: lines held for a gap_fill (repair_hold.hpp)
  // Frame receipt (recv_ns) to the write() of the batch holding its entry, over the run: the
  // sink's own share of the lag, apart from Redis and the consumers (write_lag.hpp).
  LagFigures write_lag;
  // offer() to that write(): the sink's own part (queue wait, planning, write), without the
  // recorder's (a book's events buffered until its snapshot arrives reach the sink late).
  LagFigures queue_lag;
  std::size_t queue_depth = 0;
  std::size_t queue_peak = 0;
  bool connected = false;
  std::string last_error;
};

class RedisPublisher {
 public:
  explicit RedisPublisher(RedisPublisherConfig config);
  ~RedisPublisher();  // stop()
  RedisPublisher(const RedisPublisher&) = delete;
  RedisPublisher& operator=(const RedisPublisher&) = delete;

  // Queues a copy of `lines` (one or more '\n'-separated records) of stream `stream`. Never
  // waits on I/O; false if any line was dropped (counted).
  bool offer(std::string_view lines, std::string_view stream);
  // The same for the recorder's records: `context.stream_id` finds the stream's slot without a
  // lookup by name (the name still decides: an id reused for another stream is looked up).
  bool offer(std::string_view lines, const RecordContext& context);

  // Publishes what is queued (for at most drain_timeout), then closes and joins. Idempotent.
  void stop();

  RedisPublisherStats stats() const;  // thread-safe

  // Where it publishes (the URL as parsed; RedisUrl::text() hides the password).
  const RedisUrl& url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec::redis

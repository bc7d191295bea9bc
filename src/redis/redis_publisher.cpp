#include "redis/redis_publisher.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/redis_connection.hpp"
#include "redis/repair_ordered_planner.hpp"
#include "redis/resp_command.hpp"
#include "redis/write_lag.hpp"

namespace depthrec::redis {
namespace {

using Clock = std::chrono::steady_clock;

// What Redis answers to an id at or below the stream's top: the entry is already there.
bool is_duplicate_refusal(const RedisReply& reply) {
  return reply.kind == RedisReply::Kind::error &&
         reply.text.find("equal or smaller than the target stream top item") != std::string::npos;
}

// One queued item: a record line, or (lines empty) what the keys lost since the last line taken.
struct QueuedItem {
  std::string line;
  std::string stream;
  std::map<std::string, SkippedRange> skipped;
  Clock::time_point offered;  // when offer() took the line (the sink's queue lag)
};

}  // namespace

struct RedisPublisher::Impl {
  explicit Impl(RedisPublisherConfig c)
      : config(std::move(c)),
        planner(config.keys, config.max_age_ms,
                config.hold_trade_repairs ? std::optional(config.repair_hold) : std::nullopt) {
    if (config.queue_capacity < 2) config.queue_capacity = 2;
    if (config.batch_max < 1) config.batch_max = 1;
    // Trimmed by age (MINID) or by length (MAXLEN), not both: Redis takes one a command.
    if (config.maxlen > 0 && config.max_age_ms <= 0) maxlen_text = std::to_string(config.maxlen);
    worker = std::thread([this] { run(); });
  }

  RedisPublisherConfig config;
  std::string maxlen_text;

  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<QueuedItem> queue;  // guarded by mutex
  std::size_t queued_bytes = 0;
  std::size_t in_flight = 0;  // lines taken by the worker and not yet settled
  std::map<std::string, SkippedRange> pending_skipped;  // dropped since the last line accepted
  bool stopping = false;
  RedisPublisherStats stats;
  WriteLagHistogram write_lag;  // frame receipt (recv_ns) to the write() of the batch
  WriteLagHistogram queue_lag;  // offer() to the write(): the sink's part of it alone

  // Worker thread only.
  RepairOrderedPlanner planner;
  std::unique_ptr<RedisConnection> connection;
  std::chrono::milliseconds refusal_backoff = config.backoff_initial;  // after refused entries
  std::vector<std::string_view> argv;  // one entry's XADD (capacity reused)
  std::thread worker;

  bool offer(std::string_view lines, std::string_view stream) {
    bool all_kept = true;
    const Clock::time_point offered = Clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    while (!lines.empty()) {
      const std::size_t end = lines.find('\n');
      const std::string_view line = lines.substr(0, end);
      lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 1);
      if (line.empty()) continue;
      ++stats.offered;
      const std::size_t depth = queue.size() + in_flight;
      if (stopping || depth >= config.queue_capacity ||
          queued_bytes + line.size() > config.max_queue_bytes) {
        note_dropped_locked(line, stream);
        all_kept = false;
        continue;
      }
      if (!pending_skipped.empty()) {
        QueuedItem note;
        note.skipped = std::move(pending_skipped);
        pending_skipped.clear();
        queue.push_back(std::move(note));
      }
      QueuedItem item;
      item.line = std::string(line);
      item.stream = std::string(stream);
      item.offered = offered;
      queued_bytes += line.size();
      queue.push_back(std::move(item));
      stats.queue_peak = std::max(stats.queue_peak, queue.size() + in_flight);
      if (queue.size() == 1 || queue.size() >= config.batch_max) wake.notify_one();
    }
    return all_kept;
  }

  void note_dropped_locked(std::string_view line, std::string_view stream) {
    ++stats.dropped;
    const LineFields fields = parse_line_fields(line);
    pending_skipped[stream_key(config.keys, fields, stream)].add(fields, stream);
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping && !worker.joinable()) return;
      stopping = true;
    }
    wake.notify_all();
    if (worker.joinable()) worker.join();
  }

  // ---- worker thread ----
  // Up to kBatchesInFlight batches are written before the oldest one's replies are read: the
  // worker plans and formats the next batch while Redis adds the previous one, instead of the two
  // taking turns (bench/README.md, "Redis Streams sink").
  static constexpr std::size_t kBatchesInFlight = 2;

  // One pipelined batch: the items taken, their entries, their XADDs in RESP, and whether those
  // were written on the current connection (a new connection writes every batch again).
  struct Batch {
    std::vector<QueuedItem> items;
    std::vector<PlannedEntry> entries;
    std::string commands;
    // Record lines planned into it (a line the trade-repair hold kept: in the batch releasing it).
    std::size_t lines = 0;
    bool written = false;
    bool lag_noted = false;
  };

  void run() {
    std::chrono::milliseconds backoff = config.backoff_initial;
    std::deque<Batch> batches;
    Batch spare;
    std::vector<RedisReply> replies;
    bool ever_connected = false;
    Clock::time_point drain_deadline = Clock::time_point::max();
    bool drain = false;  // stopping and the queue empty: what the trade-repair hold has goes
    for (;;) {
      if (batches.size() < kBatchesInFlight) {
        // A settled batch's buffers are reused: a batch's commands are hundreds of KB, which
        // malloc would map and fault in afresh each time.
        Batch batch = std::exchange(spare, Batch{});
        batch.items.clear();
        batch.entries.clear();
        batch.commands.clear();
        batch.lines = 0;
        batch.written = false;
        batch.lag_noted = false;
        {
          std::unique_lock<std::mutex> lock(mutex);
          // Waits only with nothing in flight; with a batch in flight it takes what is there.
          if (batches.empty())
            wake.wait_for(lock, std::chrono::milliseconds(50),
                          [&] { return stopping || !queue.empty() || !pending_skipped.empty(); });
          if (stopping && drain_deadline == Clock::time_point::max())
            drain_deadline = Clock::now() + config.drain_timeout;
          drain = stopping && queue.empty();
          if (batches.empty() && queue.empty() && pending_skipped.empty() && stopping &&
              !planner.holding())
            break;
          take_locked(batch.items);
        }
        // Planned and formatted without the lock: offer() never waits for the worker's CPU.
        batch.lines = plan(batch.items, batch.entries, drain);
        if (!batch.entries.empty() || !batch.items.empty()) {
          for (const PlannedEntry& entry : batch.entries) {
            xadd_arguments(entry, maxlen_text, argv);
            append_resp_command(batch.commands, argv);
          }
          batches.push_back(std::move(batch));
        }
        if (batches.empty()) continue;
      }
      if (Clock::now() >= drain_deadline) break;
      if (!connection) {
        if (!connect(ever_connected, backoff)) {
          std::unique_lock<std::mutex> lock(mutex);
          auto wait = std::chrono::duration_cast<Clock::duration>(backoff);
          if (drain_deadline != Clock::time_point::max())
            wait = std::min(wait, drain_deadline - Clock::now());
          wake.wait_for(lock, wait, [&] { return stopping && Clock::now() >= drain_deadline; });
          backoff = std::min(backoff * 2, config.backoff_max);
          continue;
        }
        for (Batch& batch : batches) batch.written = false;
      }
      std::string error;
      for (Batch& batch : batches) {
        if (batch.written) continue;
        connection->append_formatted(batch.commands, batch.entries.size());
        batch.written = true;
      }
      if (!connection->flush(error)) {
        lost_connection(error);
        continue;
      }
      note_written(batches);
      // Room for another batch and lines waiting: plan it while Redis works on this one.
      if (batches.size() < kBatchesInFlight && lines_waiting()) continue;
      replies.clear();
      if (!connection->read_replies(replies, batches.front().entries.size(), error)) {
        lost_connection(error);
        continue;
      }
      const bool refused = settle(batches.front().items, batches.front().entries, replies);
      spare = std::move(batches.front());
      batches.pop_front();
      if (refused) {
        // Redis refused entries (OOM under noeviction): wait before the next batch instead of
        // sending it gap entries as fast as it refuses them; lines wait in the queue meanwhile.
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, refusal_backoff, [&] { return stopping; });
        refusal_backoff = std::min(refusal_backoff * 2, config.backoff_max);
      } else {
        refusal_backoff = config.backoff_initial;
      }
    }
    // What is left (Redis unreachable at stop, or the drain deadline passed) is dropped.
    planner.planner().abandon_held();
    std::vector<PlannedEntry> unsent;
    std::uint64_t lost = planner.release_all(unsent);
    std::lock_guard<std::mutex> lock(mutex);
    for (const Batch& batch : batches) lost += batch.lines;
    for (const QueuedItem& item : queue)
      if (!item.line.empty()) ++lost;
    queue.clear();
    in_flight = 0;
    queued_bytes = 0;
    stats.dropped += lost;
    stats.markers_abandoned = planner.planner().markers_abandoned();
    stats.repair_hold = planner.hold_counts();
    stats.connected = false;
    connection.reset();
  }

  // Moves up to batch_max queued items into `items` (mutex held), and the note of what keys
  // lost when no line follows it.
  void take_locked(std::vector<QueuedItem>& items) {
    while (!queue.empty() && items.size() < config.batch_max) {
      queued_bytes -= queue.front().line.size();
      if (!queue.front().line.empty()) ++in_flight;
      items.push_back(std::move(queue.front()));
      queue.pop_front();
    }
    if (queue.empty() && !pending_skipped.empty() && items.size() < config.batch_max) {
      // Lines were dropped after the last one queued and none has come since (the feed
      // paused or ended): their gap entry goes now, after everything taken.
      QueuedItem note;
      note.skipped = std::move(pending_skipped);
      pending_skipped.clear();
      items.push_back(std::move(note));
    }
  }

  // The write lag of the entries of batches written for the first time (a batch written again
  // after a reconnect counts once, at its first write).
  void note_written(std::deque<Batch>& batches) {
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    for (Batch& batch : batches) {
      if (batch.lag_noted) continue;
      batch.lag_noted = true;
      for (const PlannedEntry& entry : batch.entries)
        if (entry.recv_ns) write_lag.record(now_ns - *entry.recv_ns);
      for (const QueuedItem& item : batch.items)
        if (!item.line.empty())
          queue_lag.record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(now - item.offered).count());
    }
  }

  bool lines_waiting() {
    std::lock_guard<std::mutex> lock(mutex);
    return !queue.empty();
  }

  // Opens the connection; false (counted, the error kept) when Redis cannot be reached.
  bool connect(bool& ever_connected, std::chrono::milliseconds& backoff) {
    std::string error;
    connection = RedisConnection::open(config.url, config.io_timeout, error);
    std::lock_guard<std::mutex> lock(mutex);
    if (!connection) {
      ++stats.connect_failures;
      stats.last_error = error;
      stats.connected = false;
      return false;
    }
    if (ever_connected) ++stats.reconnects;
    ever_connected = true;
    stats.connected = true;
    backoff = config.backoff_initial;
    return true;
  }

  // Entries for the items taken (lines and notes of what keys lost), in queue order, and what
  // the trade-repair hold releases (all of it when `drain`). Returns the record lines planned.
  std::size_t plan(const std::vector<QueuedItem>& items, std::vector<PlannedEntry>& entries,
                   bool drain) {
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
            .count();
    std::size_t lines = planner.expire(now_ms, entries);
    for (const QueuedItem& item : items) {
      if (item.line.empty()) {
        for (const auto& [key, range] : item.skipped)
          lines += planner.plan_skipped(key, range, entries);
      } else {
        lines += planner.plan_line(item.line, item.stream, now_ms, entries);
      }
    }
    if (drain) lines += planner.release_all(entries);
    return lines;
  }

  // The connection dropped or timed out: the batches are kept, written again once reconnected.
  void lost_connection(const std::string& error) {
    connection.reset();
    std::lock_guard<std::mutex> lock(mutex);
    stats.connected = false;
    stats.last_error = "redis " + config.url.text() + ": " + error;
  }

  // Counts the replies; true when Redis refused any entry for another reason than a duplicate.
  bool settle(const std::vector<QueuedItem>& items, const std::vector<PlannedEntry>& entries,
              const std::vector<RedisReply>& replies) {
    bool refused = false;
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.batches;
    for (std::size_t i = 0; i < entries.size() && i < replies.size(); ++i) {
      const RedisReply& reply = replies[i];
      if (reply.kind != RedisReply::Kind::error) {
        ++stats.published;
        if (entries[i].gap) ++stats.gaps_marked;
      } else if (is_duplicate_refusal(reply)) {
        ++stats.duplicates_suppressed;
      } else {
        // Refused for another reason (OOM under maxmemory noeviction, WRONGTYPE...): skipped,
        // and marked as a gap of its key before the next line accepted; a refused gap entry's
        // range goes into that next gap entry, so an outage of many batches is named whole.
        refused = true;
        ++stats.errors;
        if (!entries[i].gap) ++stats.dropped;
        stats.last_error = "XADD " + entries[i].key + ": " + reply.text;
        pending_skipped[entries[i].key].add(entries[i]);
      }
    }
    std::size_t lines = 0;
    for (const QueuedItem& item : items)
      if (!item.line.empty()) ++lines;
    in_flight -= std::min(in_flight, lines);
    stats.markers_abandoned = planner.planner().markers_abandoned();
    stats.repair_hold = planner.hold_counts();
    return refused;
  }
};

RedisPublisher::RedisPublisher(RedisPublisherConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}

RedisPublisher::~RedisPublisher() {
  stop();
}

bool RedisPublisher::offer(std::string_view lines, std::string_view stream) {
  return impl_->offer(lines, stream);
}

void RedisPublisher::stop() {
  impl_->stop();
}

const RedisUrl& RedisPublisher::url() const {
  return impl_->config.url;
}

namespace {
LagFigures lag_figures(const WriteLagHistogram& lag) {
  LagFigures out;
  out.samples = lag.count();
  out.p50_ms = static_cast<double>(lag.quantile_ns(0.50)) / 1e6;
  out.p99_ms = static_cast<double>(lag.quantile_ns(0.99)) / 1e6;
  out.max_ms = static_cast<double>(lag.max_ns()) / 1e6;
  return out;
}
}  // namespace

RedisPublisherStats RedisPublisher::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  RedisPublisherStats out = impl_->stats;
  out.queue_depth = impl_->queue.size() + impl_->in_flight;
  out.write_lag = lag_figures(impl_->write_lag);
  out.queue_lag = lag_figures(impl_->queue_lag);
  return out;
}

}  // namespace depthrec::redis

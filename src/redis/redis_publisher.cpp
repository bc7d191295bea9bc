#include "redis/redis_publisher.hpp"

#include <pthread.h>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "depthrec/records.hpp"
#include "redis/entry_batch.hpp"
#include "redis/entry_planner.hpp"
#include "redis/line_inbox.hpp"
#include "redis/redis_connection.hpp"
#include "redis/repair_ordered_planner.hpp"
#include "redis/write_lag.hpp"

namespace depthrec::redis {
namespace {

using Clock = std::chrono::steady_clock;

// What Redis answers to an id at or below the stream's top: the entry is already there.
bool is_duplicate_refusal(const RedisReply& reply) {
  return reply.kind == RedisReply::Kind::error &&
         reply.text.find("equal or smaller than the target stream top item") != std::string::npos;
}

// The queue's buffers kept from one burst to the next: up to its byte bound, at most 64 MB.
std::size_t kept_queue_bytes(const RedisPublisherConfig& config) {
  return std::min(config.max_queue_bytes, std::size_t{64} << 20);
}

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
  LineInbox inbox{kept_queue_bytes(config)};  // guarded by mutex
  std::size_t in_flight = 0;                  // lines taken by the worker and not yet settled
  LineInbox::Skipped pending_skipped;         // dropped since the last line accepted
  bool stopping = false;
  bool worker_waiting = false;  // the worker waits for lines: the next offer wakes it
  RedisPublisherStats stats;
  StreamIndex streams;  // the inbox's stream indexes

  mutable std::mutex lag_mutex;  // the worker's lag figures, read by stats()
  WriteLagHistogram write_lag;   // frame receipt (recv_ns) to the write() of the batch
  WriteLagHistogram queue_lag;   // offer() to the write(): the sink's part of it alone

  // Worker thread only.
  RepairOrderedPlanner planner;               // with --repair-trades, behind the trade-repair hold
  std::vector<std::uint32_t> planner_slots;   // by the inbox's stream index
  LineInbox taken{kept_queue_bytes(config)};  // the inbox taken last, planned from taken_next
  std::size_t taken_next = 0;
  bool drain = false;  // stopping and nothing left to take: what the trade-repair hold has goes
  std::unique_ptr<RedisConnection> connection;
  std::chrono::milliseconds refusal_backoff = config.backoff_initial;  // after refused entries
  std::thread worker;

  bool offer(std::string_view lines, std::string_view stream,
             std::optional<std::uint32_t> stream_id) {
    bool all_kept = true;
    bool notify = false;
    const Clock::time_point offered = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex);
      const std::uint32_t index = streams.index_of(stream, stream_id);
      while (!lines.empty()) {
        const std::size_t end = lines.find('\n');
        const std::string_view line = lines.substr(0, end);
        lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 1);
        if (line.empty()) continue;
        ++stats.offered;
        if (stopping || inbox.lines() + in_flight >= config.queue_capacity ||
            inbox.bytes() + line.size() > config.max_queue_bytes) {
          note_dropped_locked(line, stream);
          all_kept = false;
          continue;
        }
        if (!pending_skipped.empty()) {
          inbox.push_note(std::move(pending_skipped));
          pending_skipped.clear();
        }
        inbox.push_line(line, index, offered);
        stats.queue_peak = std::max(stats.queue_peak, inbox.lines() + in_flight);
        notify = notify || worker_waiting;
        worker_waiting = false;
      }
    }
    // Outside the lock, so the woken worker does not block on it at once.
    if (notify) wake.notify_one();
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

  // One pipelined batch: its XADDs and what settling them needs, when each of its lines was
  // offered, and whether it was written on the current connection (a new connection writes
  // every batch again).
  struct Batch {
    explicit Batch(const std::string& maxlen) : entries(maxlen) {}
    EntryBatch entries;
    std::vector<Clock::time_point> offered;  // per line taken
    std::size_t items = 0;                   // lines and notes taken
    // Record lines planned into it: a line the trade-repair hold kept is in the batch releasing
    // it (what is lost if the batch is never sent).
    std::size_t lines = 0;
    bool written = false;
    bool lag_noted = false;
  };

  void run() {
    // Named so that top -H, perf sched and the lag bench (bench/redis_lag_stages.py) tell the
    // sink's thread from the recorder's others.
    pthread_setname_np(pthread_self(), "redis-sink");
    if (config.on_thread_start) config.on_thread_start();
    std::chrono::milliseconds backoff = config.backoff_initial;
    std::deque<Batch> batches;
    // Settled batches' buffers are reused: a batch's commands are hundreds of KB, which malloc
    // would map and fault in afresh each time.
    std::vector<Batch> spares;
    std::vector<RedisReply> replies;
    bool ever_connected = false;
    bool reply_grace_over = false;  // waited config.reply_grace for lines: read the replies now
    Clock::time_point drain_deadline = Clock::time_point::max();
    for (;;) {
      if (batches.size() < kBatchesInFlight) {
        if (taken_next == taken.size()) {
          std::unique_lock<std::mutex> lock(mutex);
          const auto lines_or_stop = [&] {
            return stopping || !inbox.empty() || !pending_skipped.empty();
          };
          // Waits with nothing in flight, or for config.reply_grace with every batch written; with
          // a batch not written yet it takes what is there.
          if (!lines_or_stop() && batches.empty()) {
            worker_waiting = true;
            wake.wait_for(lock, std::chrono::milliseconds(50), lines_or_stop);
            worker_waiting = false;
          } else if (!lines_or_stop() && !reply_grace_over && connection &&
                     std::all_of(batches.begin(), batches.end(),
                                 [](const Batch& batch) { return batch.written; })) {
            worker_waiting = true;
            wake.wait_for(lock, config.reply_grace, lines_or_stop);
            worker_waiting = false;
          }
          note_stopping_locked(drain_deadline);
          if (batches.empty() && inbox.empty() && pending_skipped.empty() && stopping &&
              !planner.holding())
            break;
          drain = stopping && inbox.empty();
          take_locked();
          // Nothing came (the grace passed, or stopping): the batches' replies are read next.
          if (taken.empty() && !batches.empty()) reply_grace_over = true;
        }
        // Planned and formatted without the lock: offer() never waits for the worker's CPU.
        if (spares.empty()) spares.emplace_back(maxlen_text);
        Batch batch = std::move(spares.back());
        spares.pop_back();
        plan(batch);
        if (batch.items > 0 || !batch.entries.empty())
          batches.push_back(std::move(batch));
        else
          spares.push_back(std::move(batch));
        if (batches.empty()) continue;
      }
      if (Clock::now() >= drain_deadline) break;
      if (!connection) {
        if (!connect(ever_connected, backoff)) {
          std::unique_lock<std::mutex> lock(mutex);
          note_stopping_locked(drain_deadline);
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
      bool sent = true;
      for (Batch& batch : batches) {
        if (batch.written) continue;
        sent = connection->write_formatted(batch.entries.commands(), batch.entries.size(), error);
        if (!sent) break;
        batch.written = true;
      }
      if (!sent) {
        lost_connection(error);
        continue;
      }
      note_written(batches);
      // Room for another batch and lines waiting (or config.reply_grace to wait for them): plan it
      // while Redis works on this one.
      if (batches.size() < kBatchesInFlight && (!reply_grace_over || lines_waiting())) continue;
      replies.clear();
      if (!connection->read_replies(replies, batches.front().entries.size(), error)) {
        lost_connection(error);
        continue;
      }
      reply_grace_over = false;
      const bool refused = settle(batches.front(), replies);
      spares.push_back(std::move(batches.front()));
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
    planner.abandon_held();
    std::uint64_t lost = planner.drop_held();
    for (const Batch& batch : batches) lost += batch.lines;
    for (std::size_t i = taken_next; i < taken.size(); ++i)
      if (!taken.is_note(i)) ++lost;
    std::lock_guard<std::mutex> lock(mutex);
    lost += inbox.lines();
    inbox.clear();
    in_flight = 0;
    stats.dropped += lost;
    stats.markers_abandoned = planner.markers_abandoned();
    stats.repair_hold = planner.hold_counts();
    stats.connected = false;
    connection.reset();
  }

  // Stopping: what is left has drain_timeout from now to be published (mutex held).
  void note_stopping_locked(Clock::time_point& drain_deadline) const {
    if (stopping && drain_deadline == Clock::time_point::max())
      drain_deadline = Clock::now() + config.drain_timeout;
  }

  // Takes the whole inbox (mutex held; `taken` planned to its end), then the note of what keys
  // lost when no line follows it, and learns the streams named since the last take.
  void take_locked() {
    taken.clear();
    taken_next = 0;
    std::swap(inbox, taken);
    in_flight += taken.lines();
    if (!pending_skipped.empty()) {
      // Lines were dropped after the last one queued and none has come since (the feed
      // paused or ended): their gap entry goes now, after everything taken.
      taken.push_note(std::move(pending_skipped));
      pending_skipped.clear();
    }
    while (planner_slots.size() < streams.size())
      planner_slots.push_back(
          planner.stream_slot(streams.name(static_cast<std::uint32_t>(planner_slots.size()))));
  }

  // Plans up to batch_max taken items (lines and notes of what keys lost) into `batch`, in
  // queue order, after what the trade-repair hold releases for its time bound, and, when
  // draining, before all it still holds.
  void plan(Batch& batch) {
    batch.entries.clear();
    batch.offered.clear();
    batch.items = 0;
    batch.lines = 0;
    batch.written = false;
    batch.lag_noted = false;
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
            .count();
    batch.lines += planner.expire(now_ms, batch.entries);
    for (; taken_next < taken.size() && batch.items < config.batch_max; ++taken_next) {
      ++batch.items;
      if (taken.is_note(taken_next)) {
        for (const auto& [key, range] : taken.note(taken_next))
          batch.lines += planner.plan_skipped(key, range, batch.entries);
        continue;
      }
      batch.offered.push_back(taken.offered(taken_next));
      batch.lines += planner.plan_line(
          taken.line(taken_next), planner_slots[taken.stream(taken_next)], now_ms, batch.entries);
    }
    if (drain && taken_next == taken.size()) batch.lines += planner.release_all(batch.entries);
  }

  // The write lag of the entries of batches written for the first time (a batch written again
  // after a reconnect counts once, at its first write).
  void note_written(std::deque<Batch>& batches) {
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(lag_mutex);
    for (Batch& batch : batches) {
      if (batch.lag_noted) continue;
      batch.lag_noted = true;
      for (std::size_t i = 0; i < batch.entries.size(); ++i)
        if (const auto recv_ns = batch.entries.recv_ns(i)) write_lag.record(now_ns - *recv_ns);
      for (const Clock::time_point offered : batch.offered)
        queue_lag.record(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - offered).count());
    }
  }

  bool lines_waiting() {
    if (taken_next < taken.size()) return true;
    std::lock_guard<std::mutex> lock(mutex);
    return !inbox.empty();
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

  // The connection dropped or timed out: the batches are kept, written again once reconnected.
  void lost_connection(const std::string& error) {
    connection.reset();
    std::lock_guard<std::mutex> lock(mutex);
    stats.connected = false;
    stats.last_error = "redis " + config.url.text() + ": " + error;
  }

  // Counts the replies; true when Redis refused any entry for another reason than a duplicate.
  bool settle(const Batch& batch, const std::vector<RedisReply>& replies) {
    const EntryBatch& entries = batch.entries;
    const std::size_t answered = std::min(entries.size(), replies.size());
    std::uint64_t published = 0;
    std::uint64_t gaps = 0;
    std::uint64_t duplicates = 0;
    bool refused = false;
    for (std::size_t i = 0; i < answered; ++i) {
      const RedisReply& reply = replies[i];
      if (reply.kind != RedisReply::Kind::error) {
        ++published;
        if (entries.is_gap(i)) ++gaps;
      } else if (is_duplicate_refusal(reply)) {
        ++duplicates;
      } else {
        refused = true;
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.batches;
    stats.published += published;
    stats.gaps_marked += gaps;
    stats.duplicates_suppressed += duplicates;
    for (std::size_t i = 0; refused && i < answered; ++i) {
      const RedisReply& reply = replies[i];
      if (reply.kind != RedisReply::Kind::error || is_duplicate_refusal(reply)) continue;
      // Refused for another reason (OOM under maxmemory noeviction, WRONGTYPE...): skipped,
      // and marked as a gap of its key before the next line accepted; a refused gap entry's
      // range goes into that next gap entry, so an outage of many batches is named whole.
      ++stats.errors;
      if (!entries.is_gap(i)) ++stats.dropped;
      stats.last_error = "XADD " + entries.key(i) + ": " + reply.text;
      entries.add_skipped(i, pending_skipped[entries.key(i)]);
    }
    in_flight -= std::min(in_flight, batch.offered.size());
    stats.markers_abandoned = planner.markers_abandoned();
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
  return impl_->offer(lines, stream, std::nullopt);
}

bool RedisPublisher::offer(std::string_view lines, const RecordContext& context) {
  return impl_->offer(lines, context.stream, context.stream_id);
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
  RedisPublisherStats out;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    out = impl_->stats;
    out.queue_depth = impl_->inbox.lines() + impl_->in_flight;
  }
  std::lock_guard<std::mutex> lock(impl_->lag_mutex);
  out.write_lag = lag_figures(impl_->write_lag);
  out.queue_lag = lag_figures(impl_->queue_lag);
  return out;
}

}  // namespace depthrec::redis

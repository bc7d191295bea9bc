// What depth events may wait for a snapshot across every stream of an engine (issue 12: a
// whole-market first sync takes minutes behind the REST weight budget, and every book buffered
// its whole wait: 553 MiB in one run).
//
// Two bounds (README "Resource bounds"):
// - A tail: a stream whose snapshot request is still queued keeps only its last `tail` of events
//   (by event time E). The snapshot it will get is taken after the request is sent, so older
//   events cannot join it; the tail covers a snapshot served a little behind the stream. From the
//   request's dispatch on, the stream keeps every event (the sync needs the one holding
//   lastUpdateId + 1, whenever it comes).
// - PresyncBudget: one bound in bytes on every stream's pre-sync buffer together. The stream whose
//   event takes the total over it drops its own oldest buffered events (never its newest, never an
//   event of a synced book: a synced book buffers nothing), counts them and logs at most once per
//   kLogEvery; unless its request was already sent: that book needs every event until its answer
//   (and few are in that state: one request in flight per REST budget). The total may so exceed
//   the bound by one event per waiting book plus the books whose answer is on the way. The sync
//   rules still decide: a snapshot older than the first kept event is too_old and fetched again.
// Both run on the network thread; the counters are atomics so that metrics may read them anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace depthrec::session {

class PresyncBudget {
 public:
  static constexpr std::chrono::seconds kLogEvery{10};

  explicit PresyncBudget(std::size_t bound_bytes) : bound_(bound_bytes) {}
  PresyncBudget(const PresyncBudget&) = delete;
  PresyncBudget& operator=(const PresyncBudget&) = delete;

  std::size_t bound() const noexcept { return bound_; }
  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::size_t peak() const noexcept { return peak_.load(std::memory_order_relaxed); }
  std::uint64_t dropped_events() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  // Bytes above the bound (0 within it).
  std::size_t excess() const noexcept { return used() > bound_ ? used() - bound_ : 0; }

  // One stream's buffer went from `before` to `after` bytes.
  void update(std::size_t before, std::size_t after) noexcept;
  // Events a stream dropped to bring the total back under the bound; true when that is to be
  // logged (the first time, then at most once per kLogEvery of `now_ns`).
  bool count_dropped(std::uint64_t events, std::int64_t now_ns) noexcept;

 private:
  std::size_t bound_;
  std::atomic<std::size_t> used_{0};
  std::atomic<std::size_t> peak_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::int64_t last_log_ns_ = 0;
  bool logged_ = false;
};

// A stream's share of both bounds (FeedSession::set_presync). The default keeps every event from
// the start and no shared bound: the single-stream recorder, whose snapshot request is sent at
// once.
struct PresyncOptions {
  std::chrono::milliseconds tail{0};  // 0: no tail, every event is kept until the snapshot
  PresyncBudget* budget = nullptr;    // nullptr: no shared bound
};

}  // namespace depthrec::session

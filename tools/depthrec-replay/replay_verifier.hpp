// The heart of depthrec-replay: feeds a recording's items through a BookSynchronizer, exactly as
// the recorder did live, and checks what the recording claims:
//  - every continuity break the replay finds must be marked by the recording: a `gap` record
//    (before or after the event that reveals it), then a snapshot that the replay joins, and a
//    `resync` record. Raw captures have no markers, so any break there is unmarked. Breaks of
//    one episode (more breaks before the book is synced again) share the snapshot and resync.
//    A partial-depth stream needs no snapshot: its breaks need only the gap record;
//  - the rebuilt book must equal every bookTicker / `ticker` record with the same update id.
// It also measures the receive-time spans in which the book was valid or not, and how many depth
// events were verified (applied to a synced book) and how many never were, and why.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/book_sync.hpp"
#include "depthrec/replay_reader.hpp"
#include "ticker_check.hpp"

namespace depthrec::replay {

struct VerifierOptions {
  std::optional<Market> market;  // detected from the data when not given
  // `market` only for items that do not say theirs (raw captures), as depthrec-export's --market:
  // a recording of BTCUSDT on spot and USD-M keeps each book's own market and sync rules.
  bool market_for_unmarked_only = false;
  std::string symbol;  // upper case; empty: the first symbol seen
  // Larger than the recorder's own bound: replay must never drop what the recording kept.
  std::size_t max_buffered_events = 1'000'000;
};

struct TimeRange {
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
};

struct BreakRecord {
  std::int64_t recv_ns = 0;
  std::string source;
  std::uint64_t line = 0;
  UpdateOutcome outcome = UpdateOutcome::gap;  // gap, buffer_gap or replaced_after_gap
  ContinuityVerdict continuity;
  bool gap_marked = false;     // a `gap` record accompanies it
  bool rejoined = false;       // a snapshot of the recording synced the replayed book again
  bool resync_marked = false;  // a `resync` record follows it
  // A `writer_drop` gap record claims it: the recorder's queue was full and records were not
  // written, so the recording itself says data is missing here. No snapshot need follow (the live
  // book stayed synced); the replay reports the rest as unverifiable until one does.
  bool hole_marked = false;
  bool marked() const { return gap_marked && ((rejoined && resync_marked) || hole_marked); }
};

struct ReplayReport {
  static constexpr std::size_t kMaxListedBreaks = 1000;

  Market market = Market::usdm;
  bool market_detected = false;  // not given on the command line
  std::string symbol;
  std::uint64_t depth_events = 0;
  std::uint64_t snapshots_seen = 0;
  SyncCounters sync;
  bool synced_at_end = false;
  std::uint64_t breaks = 0;
  std::uint64_t unmarked_breaks = 0;
  std::vector<BreakRecord> listed_breaks;            // the first kMaxListedBreaks
  std::map<std::string, std::uint64_t> gap_records;  // by reason
  std::uint64_t resync_records = 0;
  std::uint64_t connect_records = 0;
  std::uint64_t disconnect_records = 0;
  std::uint64_t rollover_connects = 0;  // connect records with rollover_from (not breaks)
  std::vector<TimeRange> valid_ranges;
  std::vector<TimeRange> invalid_ranges;
  std::int64_t valid_ns = 0;
  std::int64_t invalid_ns = 0;
  std::optional<std::int64_t> first_recv_ns;
  std::optional<std::int64_t> last_recv_ns;
  TickerTally tickers;
  std::map<std::string, std::uint64_t> other_symbols;  // items of other symbols, not replayed

  // Verification. An event is verified when it is applied to a synced book (or replaces a
  // partial-depth view); the others were recorded before the first sync (buffered and dropped as
  // older than the snapshot, or never joined) or while the book was unsynced after a break.
  std::string depth_stream;  // the stream of the first depth event
  std::uint64_t verified_events = 0;
  std::uint64_t unverified_before_sync = 0;
  std::uint64_t unverified_unsynced = 0;
  // Facts of the whole input (set by VerifierSet): snapshots this stream could not use because
  // they were fetched for another symbol, or say no symbol while the input holds several (a
  // snapshot is never applied to a symbol on a guess); snapshots without a symbol applied to
  // this stream as the input's only symbol; whether the input holds other symbols.
  std::uint64_t snapshots_other_symbols = 0;
  std::uint64_t snapshots_unattributed = 0;
  std::uint64_t snapshots_guessed = 0;
  bool several_symbols = false;

  std::uint64_t unverified() const { return unverified_before_sync + unverified_unsynced; }
  // Consistent: some depth events, every break marked, no ticker mismatch.
  bool consistent() const {
    return depth_events > 0 && unmarked_breaks == 0 && tickers.mismatched == 0;
  }
  // Why the stream's depth events are not verified enough (none verified, or more than
  // `max_unverified` not verified); empty when they are.
  std::string verification_failure(std::optional<std::uint64_t> max_unverified) const;
};

// What only the whole input knows about one stream's snapshots (see ReplayReport).
struct CaptureFacts {
  std::uint64_t snapshots_other_symbols = 0;
  std::uint64_t snapshots_unattributed = 0;
  std::uint64_t snapshots_guessed = 0;
  bool several_symbols = false;
};

class ReplayVerifier {
 public:
  // Called after every change of a valid book (for --at and --csv).
  using BookHook = std::function<void(std::int64_t recv_ns, const OrderBook& book)>;
  // Called when the book stops being valid (a break) at `recv_ns` (for sampling it on a grid).
  using InvalidHook = std::function<void(std::int64_t recv_ns)>;

  explicit ReplayVerifier(VerifierOptions options);
  void set_book_hook(BookHook hook) { book_hook_ = std::move(hook); }
  void set_invalid_hook(InvalidHook hook) { invalid_hook_ = std::move(hook); }

  void feed(const ReplayItem& item);
  // Closes the open time range, settles waiting tickers and counts what was verified; call
  // once, after the last item.
  void finish(const CaptureFacts& facts = {});
  const ReplayReport& report() const { return report_; }

 private:
  bool accept(const ReplayItem& item);
  bool ensure_sync(const ReplayItem& item);
  void on_depth(const ReplayItem& item);
  void on_snapshot(const ReplayItem& item);
  void on_marker(const ReplayItem& item);
  void record_break(const ReplayItem& item, const UpdateResult& result);
  void book_changed(std::int64_t recv_ns);
  void track_validity(std::int64_t recv_ns);
  std::uint64_t verified_so_far() const;
  void note_first_sync();
  void close_range(std::int64_t end_ns);
  void settle_oldest_break();
  void rejoin_pending_breaks();

  VerifierOptions options_;
  std::unique_ptr<BookSynchronizer> sync_;       // created once the market is known
  std::optional<DepthSnapshot> early_snapshot_;  // a snapshot seen before the market was known
  TickerCheck tickers_;
  BookHook book_hook_;
  InvalidHook invalid_hook_;
  ReplayReport report_;
  // The breaks of the latest episode, settled when the next episode starts or at the end. A
  // `gap` record marks those not yet rejoined; one that comes before its break (a reconnect's)
  // is kept as "unclaimed" until the next break or the next event applied in sequence.
  std::deque<BreakRecord> pending_breaks_;
  std::uint64_t unclaimed_gap_records_ = 0;
  bool unclaimed_hole_ = false;  // one of them was a writer_drop
  // The first sync: events seen before it, and how many of them it verified.
  bool ever_valid_ = false;
  std::uint64_t events_before_valid_ = 0;
  std::uint64_t verified_before_valid_ = 0;
  bool range_open_ = false;
  bool range_valid_ = false;
  std::int64_t range_begin_ns_ = 0;
};

}  // namespace depthrec::replay

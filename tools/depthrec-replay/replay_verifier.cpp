#include "replay_verifier.hpp"

#include <algorithm>
#include <utility>

namespace depthrec::replay {
namespace {

// An episode that never ends (a raw capture that is never synced again) keeps at most this many
// breaks pending; older ones are settled as they are, so that memory stays bounded.
constexpr std::size_t kMaxPendingBreaks = 10'000;

}  // namespace

ReplayVerifier::ReplayVerifier(VerifierOptions options) : options_(std::move(options)) {
  options_.symbol = to_upper(options_.symbol);
  report_.symbol = options_.symbol;
  if (options_.market) report_.market = *options_.market;
}

void ReplayVerifier::feed(const ReplayItem& item) {
  if (!accept(item)) return;
  if (!report_.first_recv_ns || item.recv_ns < *report_.first_recv_ns) {
    report_.first_recv_ns = item.recv_ns;
  }
  if (!report_.last_recv_ns || item.recv_ns > *report_.last_recv_ns) {
    report_.last_recv_ns = item.recv_ns;
  }
  switch (item.type) {
    case ReplayItemType::depth:
      on_depth(item);
      break;
    case ReplayItemType::snapshot:
      on_snapshot(item);
      break;
    case ReplayItemType::ticker:
      tickers_.on_ticker(item.ticker, item.recv_ns);
      break;
    case ReplayItemType::marker:
      on_marker(item);
      break;
    case ReplayItemType::other:
      break;
  }
}

std::uint64_t ReplayVerifier::verified_so_far() const {
  return sync_ ? sync_->counters().applied + sync_->counters().partial_replaced : 0;
}

void ReplayVerifier::note_first_sync() {
  if (ever_valid_ || !sync_->book_valid()) return;
  ever_valid_ = true;
  verified_before_valid_ = verified_so_far();
}

bool ReplayVerifier::accept(const ReplayItem& item) {
  if (item.symbol.empty()) return true;  // e.g. the REST snapshot of a raw capture
  if (report_.symbol.empty()) report_.symbol = std::string(item.symbol);
  if (item.symbol == report_.symbol) return true;
  ++report_.other_symbols[std::string(item.symbol)];
  return false;
}

bool ReplayVerifier::ensure_sync(const ReplayItem& item) {
  if (sync_) return true;
  const bool forced = options_.market && !(options_.market_for_unmarked_only && item.market);
  std::optional<Market> market = forced ? options_.market : item.market;
  if (!market && item.type == ReplayItemType::depth) {
    // Only futures send pu; COIN-M symbols carry the contract after an underscore.
    if (!item.depth.has_prev_final_id) {
      market = Market::spot;
    } else {
      market = report_.symbol.find('_') != std::string::npos ? Market::coinm : Market::usdm;
    }
  }
  if (!market) return false;
  report_.market = *market;
  report_.market_detected = !forced;
  sync_ = std::make_unique<BookSynchronizer>(*market, SyncLimits{options_.max_buffered_events});
  if (early_snapshot_) {
    sync_->on_snapshot(*early_snapshot_);
    early_snapshot_.reset();
  }
  return true;
}

void ReplayVerifier::on_depth(const ReplayItem& item) {
  ensure_sync(item);
  ++report_.depth_events;
  if (report_.depth_stream.empty()) report_.depth_stream = std::string(item.stream);
  if (!ever_valid_) ++events_before_valid_;
  const UpdateResult result = sync_->on_update(item.depth);
  note_first_sync();
  switch (result.outcome) {
    case UpdateOutcome::gap:
    case UpdateOutcome::buffer_gap:
    case UpdateOutcome::replaced_after_gap:
      record_break(item, result);
      break;
    case UpdateOutcome::joined:
      rejoin_pending_breaks();
      break;
    case UpdateOutcome::replaced:
      rejoin_pending_breaks();  // a partial-depth stream recovers with its next view
      [[fallthrough]];
    case UpdateOutcome::applied:
      // Back in sequence: a gap record from now on belongs to a later break.
      unclaimed_gap_records_ = 0;
      unclaimed_hole_ = false;
      break;
    case UpdateOutcome::buffered:
    case UpdateOutcome::dropped_stale:
    case UpdateOutcome::buffer_overflow:
    case UpdateOutcome::snapshot_too_old:
    case UpdateOutcome::snapshot_unjoined:
      break;
  }
  const bool changed = changes_book(result.outcome);
  if (changed && sync_->book_valid()) book_changed(item.recv_ns);
  track_validity(item.recv_ns);
}

void ReplayVerifier::on_snapshot(const ReplayItem& item) {
  ++report_.snapshots_seen;
  if (!ensure_sync(item)) {
    early_snapshot_ = item.snapshot;
    early_snapshot_->bids_json = {};
    early_snapshot_->asks_json = {};
    return;
  }
  if (sync_->on_snapshot(item.snapshot).outcome == SnapshotOutcome::joined) {
    note_first_sync();
    rejoin_pending_breaks();
    book_changed(item.recv_ns);
  }
  track_validity(item.recv_ns);
}

void ReplayVerifier::on_marker(const ReplayItem& item) {
  const ReplayMarker& marker = item.marker;
  switch (marker.type) {
    case MarkerType::gap:
      ++report_.gap_records[marker.reason.empty() ? "unknown" : marker.reason];
      if (marker.reason == "writer_drop") {
        // Written just before the first record after the hole: it marks the break that record
        // shows, never an earlier one (which had its own marker). Claimed by pending breaks, as
        // before, it left the last hole of a stretch that never resynced (the book waiting for a
        // snapshot while the queue overflowed) without one.
        ++unclaimed_gap_records_;
        unclaimed_hole_ = true;
      } else {
        bool claimed = false;
        for (BreakRecord& pending : pending_breaks_) {
          if (pending.rejoined) continue;
          pending.gap_marked = true;
          claimed = true;
        }
        if (!claimed) ++unclaimed_gap_records_;  // written before its break (e.g. a reconnect)
      }
      break;
    case MarkerType::resync:
      ++report_.resync_records;
      for (BreakRecord& pending : pending_breaks_) pending.resync_marked = true;
      break;
    case MarkerType::connect:
      ++report_.connect_records;
      if (marker.rollover_from) {
        // A make-before-break successor: it continues the stream where the book is. Not a
        // break marker: a break after it is unmarked unless a gap record says otherwise.
        ++report_.rollover_connects;
        break;
      }
      // A new connection (or a restart after a crash, which left no disconnect record): events
      // sent meanwhile are missing by nature, and the recorder syncs again from a snapshot. The
      // connect marks the break its first event shows, as a gap record would.
      ++unclaimed_gap_records_;
      break;
    case MarkerType::disconnect:
      ++report_.disconnect_records;
      break;
  }
}

void ReplayVerifier::record_break(const ReplayItem& item, const UpdateResult& result) {
  // A break after the book was synced again starts a new episode: the previous one is final.
  if (!pending_breaks_.empty() && pending_breaks_.back().rejoined) {
    while (!pending_breaks_.empty()) settle_oldest_break();
  }
  BreakRecord record;
  record.recv_ns = item.recv_ns;
  record.source = std::string(item.source);
  record.line = item.line;
  record.outcome = result.outcome;
  record.continuity = result.continuity;
  // Partial depth needs no snapshot, so no resync either: the gap record is the whole marking.
  record.resync_marked = result.outcome == UpdateOutcome::replaced_after_gap;
  if (unclaimed_gap_records_ > 0) {
    record.gap_marked = true;
    record.hole_marked = unclaimed_hole_;
    unclaimed_gap_records_ = 0;
    unclaimed_hole_ = false;
  }
  pending_breaks_.push_back(std::move(record));
  if (pending_breaks_.size() > kMaxPendingBreaks) settle_oldest_break();
}

void ReplayVerifier::rejoin_pending_breaks() {
  for (BreakRecord& pending : pending_breaks_) pending.rejoined = true;
}

void ReplayVerifier::settle_oldest_break() {
  BreakRecord record = std::move(pending_breaks_.front());
  pending_breaks_.pop_front();
  ++report_.breaks;
  if (!record.marked()) ++report_.unmarked_breaks;
  if (report_.listed_breaks.size() < ReplayReport::kMaxListedBreaks) {
    report_.listed_breaks.push_back(std::move(record));
  }
}

void ReplayVerifier::book_changed(std::int64_t recv_ns) {
  tickers_.on_book(sync_->book());
  if (book_hook_) book_hook_(recv_ns, sync_->book());
}

void ReplayVerifier::track_validity(std::int64_t recv_ns) {
  const bool valid = sync_ && sync_->book_valid();
  if (range_open_ && valid == range_valid_) return;
  if (range_open_ && range_valid_ && invalid_hook_) invalid_hook_(recv_ns);
  close_range(recv_ns);
  range_open_ = true;
  range_valid_ = valid;
  range_begin_ns_ = recv_ns;
}

void ReplayVerifier::close_range(std::int64_t end_ns) {
  if (!range_open_) return;
  range_open_ = false;
  if (end_ns <= range_begin_ns_) return;  // an empty span says nothing
  const TimeRange range{range_begin_ns_, end_ns};
  if (range_valid_) {
    report_.valid_ranges.push_back(range);
    report_.valid_ns += end_ns - range_begin_ns_;
  } else {
    report_.invalid_ranges.push_back(range);
    report_.invalid_ns += end_ns - range_begin_ns_;
  }
}

void ReplayVerifier::finish(const CaptureFacts& facts) {
  report_.snapshots_other_symbols = facts.snapshots_other_symbols;
  report_.snapshots_unattributed = facts.snapshots_unattributed;
  report_.snapshots_guessed = facts.snapshots_guessed;
  report_.several_symbols = facts.several_symbols;
  while (!pending_breaks_.empty()) settle_oldest_break();
  if (report_.last_recv_ns) close_range(*report_.last_recv_ns);
  tickers_.finish();
  report_.tickers = tickers_.tally();
  if (sync_) {
    report_.sync = sync_->counters();
    report_.synced_at_end = sync_->book_valid();
  }
  report_.verified_events = verified_so_far();
  report_.unverified_before_sync =
      ever_valid_ ? events_before_valid_ - verified_before_valid_ : report_.depth_events;
  report_.unverified_unsynced =
      report_.depth_events - report_.verified_events - report_.unverified_before_sync;
}

std::string ReplayReport::verification_failure(std::optional<std::uint64_t> max_unverified) const {
  if (depth_events == 0) return {};  // nothing to verify: consistent() says so
  if (snapshots_guessed > 0 && several_symbols) {
    return "a snapshot that names no symbol was applied to it, but the input holds several "
           "symbols";
  }
  if (verified_events == 0) {
    std::string why;
    if (snapshots_seen > 0) {
      why = "snapshot never joined (" + std::to_string(snapshots_seen) +
            " snapshot(s), none joined its events)";
    } else if (snapshots_other_symbols > 0) {
      why = "snapshot for another symbol (" + std::to_string(snapshots_other_symbols) +
            " snapshot(s), none for " + symbol + ")";
    } else if (snapshots_unattributed > 0) {
      why = "no snapshot says its symbol (" + std::to_string(snapshots_unattributed) +
            " snapshot(s) without one in an input of several symbols: not guessed)";
    } else {
      why = "no snapshot";
    }
    return "none of " + std::to_string(depth_events) + " depth events verified: " + why;
  }
  if (max_unverified && unverified() > *max_unverified) {
    return std::to_string(unverified()) + " depth events unverified (" +
           std::to_string(unverified_before_sync) + " before the first sync, " +
           std::to_string(unverified_unsynced) + " while unsynced), more than --max-unverified " +
           std::to_string(*max_unverified);
  }
  return {};
}

}  // namespace depthrec::replay

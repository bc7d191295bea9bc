// depthrec-replay's human-readable report and --at book table.
#include <algorithm>
#include <cinttypes>

#include "report_output.hpp"

namespace depthrec::replay {
namespace {

constexpr std::size_t kListedInText = 10;

std::string level_text(const std::optional<PriceLevel>& level) {
  return level ? to_string(level->price) + " x " + to_string(level->qty) : std::string("-");
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

std::string break_text(const BreakRecord& record) {
  const ContinuityVerdict& c = record.continuity;
  std::string text =
      format_utc_ms(record.recv_ns) + " (" + record.source + ":" + std::to_string(record.line) +
      "): " + std::string(gap_reason(record.continuity.rule)) +
      " last_u=" + std::to_string(c.last_final_id) + " expected=" + std::to_string(c.expected) +
      " got U=" + std::to_string(c.got_first_id) +
      " pu=" + (c.has_got_prev_final_id ? std::to_string(c.got_prev_final_id) : "-") +
      " u=" + std::to_string(c.got_final_id);
  if (record.marked()) {
    if (record.hole_marked && !(record.rejoined && record.resync_marked))
      return text +
             ": marked (writer_drop gap record: records missing, book unverifiable until a "
             "snapshot)";
    const bool partial = record.outcome == UpdateOutcome::replaced_after_gap;
    return text +
           (partial ? ": marked (gap record)" : ": marked (gap record, snapshot, resync record)");
  }
  std::string missing;
  const auto add = [&missing](const char* what) {
    missing += (missing.empty() ? "" : ", ") + std::string(what);
  };
  if (!record.gap_marked) add("no gap record");
  if (!record.rejoined) add("no snapshot joined after it");
  if (!record.resync_marked) add("no resync record after it");
  text += ": UNMARKED (" + missing;
  return text + ")";
}

void print_ranges(std::FILE* out, const char* label, const std::vector<TimeRange>& ranges,
                  std::int64_t total_ns) {
  std::fprintf(out, "%-13s%.3f s in %zu range%s\n", label, seconds(total_ns), ranges.size(),
               ranges.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < std::min(ranges.size(), kListedInText); ++i) {
    std::fprintf(out, "             %s .. %s (%.3f s)\n", format_utc_ms(ranges[i].begin_ns).c_str(),
                 format_utc_ms(ranges[i].end_ns).c_str(),
                 seconds(ranges[i].end_ns - ranges[i].begin_ns));
  }
  if (ranges.size() > kListedInText) {
    std::fprintf(out, "             ... %zu more\n", ranges.size() - kListedInText);
  }
}

// " (raw 10, cryptofeed 5); receive times in us" for what the input held beyond NDJSON.
std::string formats_text(const ReplayStats& in) {
  std::string text =
      " (" + std::to_string(in.raw_lines) + " raw, " + std::to_string(in.ndjson_lines) + " ndjson";
  if (in.cryptofeed_lines > 0) text += ", " + std::to_string(in.cryptofeed_lines) + " cryptofeed";
  text += ")";
  std::string units;
  for (std::size_t i = 0; i < kTimeUnits; ++i) {
    if (in.time_units[i] == 0) continue;
    units += (units.empty() ? "" : ", ") + std::string(to_string(static_cast<TimeUnit>(i)));
    if (in.time_units[i] != in.raw_lines + in.cryptofeed_lines) {
      units += " " + std::to_string(in.time_units[i]);
    }
  }
  if (!units.empty()) text += ", receive times in " + units;
  return text;
}

void print_streams(std::FILE* out, const RunSummary& run) {
  std::fprintf(out, "%-13s%zu\n", "streams", run.streams.size());
  for (const ReplayReport* stream : run.streams) {
    const std::string name =
        stream->depth_stream.empty() ? "(no depth stream)" : stream->depth_stream;
    std::fprintf(out,
                 "             %s %s: %" PRIu64 " depth events, %" PRIu64 " verified, %" PRIu64
                 " before the first sync, %" PRIu64 " while unsynced; breaks %" PRIu64
                 " (unmarked %" PRIu64 "), tickers matched %" PRIu64 ", mismatched %" PRIu64 "\n",
                 stream->symbol.c_str(), name.c_str(), stream->depth_events,
                 stream->verified_events, stream->unverified_before_sync,
                 stream->unverified_unsynced, stream->breaks, stream->unmarked_breaks,
                 stream->tickers.matched, stream->tickers.mismatched);
    const std::string failure = stream->verification_failure(run.max_unverified);
    if (!failure.empty()) {
      std::fprintf(out, "             %s NOT VERIFIED: %s\n", stream->symbol.c_str(),
                   failure.c_str());
    }
  }
}

}  // namespace

std::string stream_failure(const ReplayReport& stream,
                           std::optional<std::uint64_t> max_unverified) {
  if (stream.depth_events == 0) return "no depth events";
  if (!stream.consistent()) {
    return std::to_string(stream.unmarked_breaks) + " unmarked breaks, " +
           std::to_string(stream.tickers.mismatched) + " ticker mismatches";
  }
  return stream.verification_failure(max_unverified);
}

std::string failures_text(const RunSummary& run) {
  std::string text;
  for (const ReplayReport* stream : run.streams) {
    const std::string why = stream_failure(*stream, run.max_unverified);
    if (!why.empty()) text += (text.empty() ? "" : "; ") + stream->symbol + ": " + why;
  }
  for (const KlineCrossReport& cross : run.kline_trades) {
    if (!cross.consistent())
      text += (text.empty() ? "" : "; ") + cross.stream + ": " + std::to_string(cross.mismatched) +
              " closed candles differ from the recorded trades";
  }
  return text;
}

void print_book(std::FILE* out, const AtBook& at) {
  if (!at.reached) {
    std::fprintf(out, "book at %s: not reached (no valid book at or after it)\n",
                 at.target_text.c_str());
    return;
  }
  std::fprintf(out, "book at %s: u=%" PRIu64 " recv %s (recv_ns %" PRId64 ")\n",
               at.target_text.c_str(), at.update_id, format_utc_ms(at.recv_ns).c_str(), at.recv_ns);
  std::fprintf(out, "  %4s  %18s %18s | %-18s %-18s\n", "#", "bid qty", "bid", "ask", "ask qty");
  const std::size_t rows = std::max(at.bids.size(), at.asks.size());
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string bid_qty = i < at.bids.size() ? to_string(at.bids[i].qty) : "";
    const std::string bid = i < at.bids.size() ? to_string(at.bids[i].price) : "";
    const std::string ask = i < at.asks.size() ? to_string(at.asks[i].price) : "";
    const std::string ask_qty = i < at.asks.size() ? to_string(at.asks[i].qty) : "";
    std::fprintf(out, "  %4zu  %18s %18s | %-18s %-18s\n", i + 1, bid_qty.c_str(), bid.c_str(),
                 ask.c_str(), ask_qty.c_str());
  }
}

void print_text_report(std::FILE* out, const RunSummary& run, const ReplayReport& report,
                       const AtBook* at) {
  const ReplayStats& in = run.reader;
  const SyncCounters& sync = report.sync;
  if (at != nullptr) print_book(out, *at);
  std::fprintf(out, "depthrec-replay %s\n", run.input.c_str());
  std::fprintf(out, "%-13s%zu source%s, %" PRIu64 " lines%s, %" PRIu64 " bad\n", "input",
               run.sources.size(), run.sources.size() == 1 ? "" : "s", in.lines,
               formats_text(in).c_str(), in.bad_lines);
  for (const ReplayLineError& bad : in.first_bad_lines) {
    std::fprintf(out, "             bad line %s:%" PRIu64 ": %s\n", bad.source.c_str(), bad.line,
                 bad.reason.c_str());
  }
  for (const std::string& source : in.truncated_sources) {
    std::fprintf(out, "             truncated gzip (read up to the cut): %s\n", source.c_str());
  }
  for (const std::string& error : in.io_errors) {
    std::fprintf(out, "             IO error: %s\n", error.c_str());
  }
  std::fprintf(out, "%-13s%s %s%s\n", "market", std::string(to_string(report.market)).c_str(),
               report.symbol.empty() ? "(no symbol)" : report.symbol.c_str(),
               report.market_detected ? " (detected)" : "");
  for (const auto& [symbol, count] : report.other_symbols) {
    std::fprintf(out, "             %s: %" PRIu64 " items not replayed (use --symbol %s)\n",
                 symbol.c_str(), count, symbol.c_str());
  }
  std::fprintf(out,
               "%-13s%" PRIu64 ": applied %" PRIu64 ", dropped stale %" PRIu64 ", buffered %" PRIu64
               ", partial %" PRIu64 "\n",
               "events", report.depth_events, sync.applied, sync.dropped_stale, sync.buffered,
               sync.partial_replaced);
  std::fprintf(out, "%-13s%" PRIu64 " (marked %" PRIu64 ", unmarked %" PRIu64 ")\n", "breaks",
               report.breaks, report.breaks - report.unmarked_breaks, report.unmarked_breaks);
  for (std::size_t i = 0; i < std::min(report.listed_breaks.size(), kListedInText); ++i) {
    std::fprintf(out, "             %s\n", break_text(report.listed_breaks[i]).c_str());
  }
  std::fprintf(out,
               "%-13s%" PRIu64 " (syncs %" PRIu64 "); snapshots %" PRIu64 ": used %" PRIu64
               ", rejected %" PRIu64 ", ignored %" PRIu64 "; buffer overflows %" PRIu64 "\n",
               "resyncs", sync.resyncs, sync.syncs, report.snapshots_seen, sync.syncs,
               sync.snapshots_rejected, sync.snapshots_ignored, sync.buffer_overflows);
  std::uint64_t gap_records = 0;
  std::string gap_reasons;
  for (const auto& [reason, count] : report.gap_records) {
    gap_records += count;
    gap_reasons += (gap_reasons.empty() ? " (" : ", ") + reason + " " + std::to_string(count);
  }
  if (!gap_reasons.empty()) gap_reasons += ")";
  // Rollover successors' connects (make-before-break, not breaks) are named when there are any.
  const std::string rollovers =
      report.rollover_connects > 0
          ? " (rollover_connects " + std::to_string(report.rollover_connects) + ")"
          : std::string();
  std::fprintf(out,
               "%-13sgap %" PRIu64 "%s, resync %" PRIu64 ", connect %" PRIu64
               "%s, disconnect %" PRIu64 "\n",
               "markers", gap_records, gap_reasons.c_str(), report.resync_records,
               report.connect_records, rollovers.c_str(), report.disconnect_records);
  print_ranges(out, "valid", report.valid_ranges, report.valid_ns);
  print_ranges(out, "invalid", report.invalid_ranges, report.invalid_ns);
  std::fprintf(out, "%-13s%s at the end\n", "book", report.synced_at_end ? "synced" : "NOT synced");
  const TickerTally& t = report.tickers;
  std::fprintf(out,
               "%-13s%" PRIu64 ": matched %" PRIu64 ", mismatched %" PRIu64 ", skipped %" PRIu64
               " (no valid book with that update id)\n",
               "tickers", t.total, t.matched, t.mismatched, t.skipped);
  for (const TickerMismatch& m : t.first_mismatches) {
    std::fprintf(out, "             mismatch u=%" PRIu64 " at %s: ticker %s / %s, book %s / %s\n",
                 m.ticker.update_id, format_utc_ms(m.recv_ns).c_str(),
                 level_text(PriceLevel{m.ticker.bid_price, m.ticker.bid_qty}).c_str(),
                 level_text(PriceLevel{m.ticker.ask_price, m.ticker.ask_qty}).c_str(),
                 level_text(m.book_bid).c_str(), level_text(m.book_ask).c_str());
  }
  print_streams(out, run);
  std::uint64_t trade_failures = 0;
  for (const TradeStreamReport& t : run.trade_streams) {
    std::fprintf(out,
                 "             %s: %" PRIu64 " events, ids gaps marked %" PRIu64 " (%" PRIu64
                 " ids), unmarked %" PRIu64 ", out of order %" PRIu64 "\n",
                 t.stream.c_str(), t.events, t.marked_gaps, t.missing_ids, t.unmarked_gaps,
                 t.out_of_order);
    if (t.rest_trades + t.filled_gaps + t.bad_repairs > 0) {
      std::fprintf(out,
                   "             %s: repaired from REST: %" PRIu64 " trades, gaps filled %" PRIu64
                   ", unfilled %" PRIu64 ", bad repairs %" PRIu64 "\n",
                   t.stream.c_str(), t.rest_trades, t.filled_gaps, t.unfilled_gaps, t.bad_repairs);
    }
    trade_failures += t.unmarked_gaps + t.out_of_order + t.bad_repairs;
  }
  for (const KlineCrossReport& k : run.kline_trades) {
    std::fprintf(out,
                 "             %s: closed candles %" PRIu64
                 ", equal to the recorded trades %" PRIu64 ", skipped %" PRIu64
                 " (trades not all recorded, or none), differing %" PRIu64 "\n",
                 k.stream.c_str(), k.closed, k.verified, k.skipped, k.mismatched);
    for (const std::string& mismatch : k.first_mismatches)
      std::fprintf(out, "             %s: MISMATCH %s\n", k.stream.c_str(), mismatch.c_str());
  }
  std::string result = "OK";
  std::string failures = failures_text(run);
  if (trade_failures > 0)
    failures += (failures.empty() ? "" : "; ") + std::to_string(trade_failures) +
                " trade/aggTrade ids or kline open times not in order or not marked";
  if (run.exit_code == 2) {
    result = "ERROR (input could not be read completely)";
  } else if (report.depth_events == 0) {
    result = "FAILED (no depth events to verify)";
  } else if (!report.consistent()) {
    result = "FAILED (" + std::to_string(report.unmarked_breaks) + " unmarked breaks, " +
             std::to_string(t.mismatched) + " ticker mismatches)";
  } else if (!failures.empty()) {
    result = "FAILED (" + failures + ")";
  }
  std::fprintf(out, "%-13s%s\n", "result", result.c_str());
}

}  // namespace depthrec::replay

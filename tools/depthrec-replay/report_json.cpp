// depthrec-replay --json: the text report's content as one JSON object, plus every listed
// break, range and mismatch in full. Keys are stable: scripts rely on them.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "report_output.hpp"

namespace depthrec::replay {
namespace {

constexpr std::size_t kListedRangesInJson = 1000;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_level(JsonWriter& w, const std::optional<PriceLevel>& level) {
  if (!level) {
    w.Null();
    return;
  }
  w.StartArray();
  w.String(to_string(level->price));
  w.String(to_string(level->qty));
  w.EndArray();
}

void write_levels(JsonWriter& w, const std::vector<PriceLevel>& levels) {
  w.StartArray();
  for (const PriceLevel& level : levels) write_level(w, level);
  w.EndArray();
}

void write_ranges(JsonWriter& w, const std::vector<TimeRange>& ranges) {
  w.StartArray();
  for (std::size_t i = 0; i < std::min(ranges.size(), kListedRangesInJson); ++i) {
    w.StartObject();
    w.Key("begin_ns");
    w.Int64(ranges[i].begin_ns);
    w.Key("end_ns");
    w.Int64(ranges[i].end_ns);
    w.Key("begin");
    w.String(format_utc_ms(ranges[i].begin_ns));
    w.Key("end");
    w.String(format_utc_ms(ranges[i].end_ns));
    w.EndObject();
  }
  w.EndArray();
}

void write_break(JsonWriter& w, const BreakRecord& record) {
  const ContinuityVerdict& c = record.continuity;
  w.StartObject();
  w.Key("recv_ns");
  w.Int64(record.recv_ns);
  w.Key("time");
  w.String(format_utc_ms(record.recv_ns));
  w.Key("source");
  w.String(record.source);
  w.Key("line");
  w.Uint64(record.line);
  w.Key("outcome");
  w.String(std::string(to_string(record.outcome)));
  w.Key("reason");
  w.String(std::string(gap_reason(record.continuity.rule)));
  w.Key("last_u");
  w.Uint64(c.last_final_id);
  w.Key("expected");
  w.Uint64(c.expected);
  w.Key("got_U");
  w.Uint64(c.got_first_id);
  w.Key("got_pu");
  if (c.has_got_prev_final_id) {
    w.Uint64(c.got_prev_final_id);
  } else {
    w.Null();
  }
  w.Key("got_u");
  w.Uint64(c.got_final_id);
  w.Key("gap_marked");
  w.Bool(record.gap_marked);
  w.Key("rejoined");
  w.Bool(record.rejoined);
  w.Key("resync_marked");
  w.Bool(record.resync_marked);
  w.Key("hole_marked");
  w.Bool(record.hole_marked);
  w.EndObject();
}

void write_at(JsonWriter& w, const AtBook& at) {
  w.StartObject();
  w.Key("target");
  w.String(at.target_text);
  w.Key("reached");
  w.Bool(at.reached);
  if (at.reached) {
    w.Key("recv_ns");
    w.Int64(at.recv_ns);
    w.Key("time");
    w.String(format_utc_ms(at.recv_ns));
    w.Key("u");
    w.Uint64(at.update_id);
    w.Key("bids");
    write_levels(w, at.bids);
    w.Key("asks");
    write_levels(w, at.asks);
  }
  w.EndObject();
}

void write_tickers(JsonWriter& w, const TickerTally& t) {
  w.StartObject();
  w.Key("total");
  w.Uint64(t.total);
  w.Key("matched");
  w.Uint64(t.matched);
  w.Key("mismatched");
  w.Uint64(t.mismatched);
  w.Key("skipped");
  w.Uint64(t.skipped);
  w.Key("mismatches");
  w.StartArray();
  for (const TickerMismatch& m : t.first_mismatches) {
    w.StartObject();
    w.Key("recv_ns");
    w.Int64(m.recv_ns);
    w.Key("u");
    w.Uint64(m.ticker.update_id);
    w.Key("ticker_bid");
    write_level(w, PriceLevel{m.ticker.bid_price, m.ticker.bid_qty});
    w.Key("ticker_ask");
    write_level(w, PriceLevel{m.ticker.ask_price, m.ticker.ask_qty});
    w.Key("book_bid");
    write_level(w, m.book_bid);
    w.Key("book_ask");
    write_level(w, m.book_ask);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_strings(JsonWriter& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const std::string& value : values) w.String(value);
  w.EndArray();
}

void write_counts(JsonWriter& w, const std::map<std::string, std::uint64_t>& counts) {
  w.StartObject();
  for (const auto& [name, count] : counts) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(count);
  }
  w.EndObject();
}

void write_verification(JsonWriter& w, const ReplayReport& report,
                        std::optional<std::uint64_t> max_unverified) {
  w.Key("depth_stream");
  w.String(report.depth_stream);
  w.Key("verified");
  w.Uint64(report.verified_events);
  w.Key("unverified_before_sync");
  w.Uint64(report.unverified_before_sync);
  w.Key("unverified_unsynced");
  w.Uint64(report.unverified_unsynced);
  w.Key("snapshots_other_symbols");
  w.Uint64(report.snapshots_other_symbols);
  w.Key("snapshots_unattributed");
  w.Uint64(report.snapshots_unattributed);
  w.Key("verification_failure");
  const std::string failure = report.verification_failure(max_unverified);
  failure.empty() ? w.Null() : w.String(failure);
}

// One object per verified stream: its counts, enough to act on without the primary's detail.
void write_streams(JsonWriter& w, const RunSummary& run) {
  w.StartArray();
  for (const ReplayReport* stream : run.streams) {
    w.StartObject();
    w.Key("symbol");
    w.String(stream->symbol);
    w.Key("market");
    w.String(std::string(to_string(stream->market)));
    w.Key("events");
    w.Uint64(stream->depth_events);
    write_verification(w, *stream, run.max_unverified);
    w.Key("breaks");
    w.Uint64(stream->breaks);
    w.Key("unmarked_breaks");
    w.Uint64(stream->unmarked_breaks);
    w.Key("tickers_matched");
    w.Uint64(stream->tickers.matched);
    w.Key("tickers_mismatched");
    w.Uint64(stream->tickers.mismatched);
    w.Key("consistent");
    w.Bool(stream->consistent());
    w.EndObject();
  }
  w.EndArray();
}

void write_time_units(JsonWriter& w, const ReplayStats& in) {
  w.StartObject();
  for (std::size_t i = 0; i < kTimeUnits; ++i) {
    if (in.time_units[i] == 0) continue;
    const std::string_view unit = to_string(static_cast<TimeUnit>(i));
    w.Key(unit.data(), static_cast<rapidjson::SizeType>(unit.size()));
    w.Uint64(in.time_units[i]);
  }
  w.EndObject();
}

}  // namespace

std::string json_report(const RunSummary& run, const ReplayReport& report, const AtBook* at) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  const ReplayStats& in = run.reader;
  const SyncCounters& sync = report.sync;
  w.StartObject();
  w.Key("input");
  w.String(run.input);
  w.Key("sources");
  write_strings(w, run.sources);
  w.Key("lines");
  w.Uint64(in.lines);
  w.Key("raw_lines");
  w.Uint64(in.raw_lines);
  w.Key("ndjson_lines");
  w.Uint64(in.ndjson_lines);
  w.Key("cryptofeed_lines");
  w.Uint64(in.cryptofeed_lines);
  w.Key("time_units");
  write_time_units(w, in);
  w.Key("bad_lines");
  w.Uint64(in.bad_lines);
  w.Key("bad_line_list");
  w.StartArray();
  for (const ReplayLineError& bad : in.first_bad_lines) {
    w.StartObject();
    w.Key("source");
    w.String(bad.source);
    w.Key("line");
    w.Uint64(bad.line);
    w.Key("reason");
    w.String(bad.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("truncated_sources");
  write_strings(w, in.truncated_sources);
  w.Key("io_errors");
  write_strings(w, in.io_errors);
  w.Key("market");
  w.String(std::string(to_string(report.market)));
  w.Key("market_detected");
  w.Bool(report.market_detected);
  w.Key("symbol");
  w.String(report.symbol);
  w.Key("other_symbols");
  write_counts(w, report.other_symbols);
  w.Key("events");
  w.Uint64(report.depth_events);
  w.Key("applied");
  w.Uint64(sync.applied);
  w.Key("dropped_stale");
  w.Uint64(sync.dropped_stale);
  w.Key("buffered");
  w.Uint64(sync.buffered);
  w.Key("partial_replaced");
  w.Uint64(sync.partial_replaced);
  w.Key("breaks");
  w.Uint64(report.breaks);
  w.Key("unmarked_breaks");
  w.Uint64(report.unmarked_breaks);
  w.Key("break_list");
  w.StartArray();
  for (const BreakRecord& record : report.listed_breaks) write_break(w, record);
  w.EndArray();
  w.Key("syncs");
  w.Uint64(sync.syncs);
  w.Key("resyncs");
  w.Uint64(sync.resyncs);
  w.Key("snapshots");
  w.Uint64(report.snapshots_seen);
  w.Key("snapshots_used");
  w.Uint64(sync.syncs);
  w.Key("snapshots_rejected");
  w.Uint64(sync.snapshots_rejected);
  w.Key("snapshots_ignored");
  w.Uint64(sync.snapshots_ignored);
  w.Key("buffer_overflows");
  w.Uint64(sync.buffer_overflows);
  w.Key("synced_at_end");
  w.Bool(report.synced_at_end);
  w.Key("gap_records");
  write_counts(w, report.gap_records);
  w.Key("resync_records");
  w.Uint64(report.resync_records);
  w.Key("connect_records");
  w.Uint64(report.connect_records);
  w.Key("disconnect_records");
  w.Uint64(report.disconnect_records);
  w.Key("rollover_connects");
  w.Uint64(report.rollover_connects);
  w.Key("first_recv_ns");
  report.first_recv_ns ? w.Int64(*report.first_recv_ns) : w.Null();
  w.Key("last_recv_ns");
  report.last_recv_ns ? w.Int64(*report.last_recv_ns) : w.Null();
  w.Key("valid_ns");
  w.Int64(report.valid_ns);
  w.Key("invalid_ns");
  w.Int64(report.invalid_ns);
  w.Key("valid_ranges");
  write_ranges(w, report.valid_ranges);
  w.Key("invalid_ranges");
  write_ranges(w, report.invalid_ranges);
  w.Key("tickers");
  write_tickers(w, report.tickers);
  if (at != nullptr) {
    w.Key("at");
    write_at(w, *at);
  }
  write_verification(w, report, run.max_unverified);
  w.Key("streams");
  write_streams(w, run);
  w.Key("trade_streams");
  w.StartArray();
  for (const TradeStreamReport& t : run.trade_streams) {
    w.StartObject();
    w.Key("stream");
    w.String(t.stream.c_str());
    w.Key("market");
    w.String(t.market.c_str());
    w.Key("channel");
    w.String(t.channel.c_str());
    w.Key("events");
    w.Uint64(t.events);
    w.Key("marked_gaps");
    w.Uint64(t.marked_gaps);
    w.Key("missing_ids");
    w.Uint64(t.missing_ids);
    w.Key("unmarked_gaps");
    w.Uint64(t.unmarked_gaps);
    w.Key("out_of_order");
    w.Uint64(t.out_of_order);
    w.Key("filled_gaps");  // --repair-trades: marked gaps every id of which came from REST
    w.Uint64(t.filled_gaps);
    w.Key("unfilled_gaps");
    w.Uint64(t.unfilled_gaps);
    w.Key("rest_trades");
    w.Uint64(t.rest_trades);
    w.Key("bad_repairs");
    w.Uint64(t.bad_repairs);
    w.Key("consistent");
    w.Bool(t.consistent());
    w.EndObject();
  }
  w.EndArray();
  w.Key("kline_trade_checks");  // closed candles against the recorded trades
  w.StartArray();
  for (const KlineCrossReport& k : run.kline_trades) {
    w.StartObject();
    w.Key("stream");
    w.String(k.stream.c_str());
    w.Key("closed");
    w.Uint64(k.closed);
    w.Key("verified");
    w.Uint64(k.verified);
    w.Key("skipped");
    w.Uint64(k.skipped);
    w.Key("mismatched");
    w.Uint64(k.mismatched);
    w.Key("first_mismatches");
    w.StartArray();
    for (const std::string& mismatch : k.first_mismatches) w.String(mismatch.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("consistent");
  w.Bool(report.consistent());
  w.Key("exit_code");
  w.Int(run.exit_code);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace depthrec::replay

// Reads recordings back, line by line, as typed items with their receive time.
//
// Inputs: one file (gzip, concatenated gzip members, or plain text), a directory of depthrec
// segments (files ending in .gz or .ndjson, read in name order, which is recording order), or "-"
// for stdin (gzip or plain). A gzip stream cut short by a crash is read up to the cut and noted.
//
// Three line formats are recognised, line by line:
//   raw capture      `<recv_time> <json>`: a WebSocket frame as received (combined or raw), or a
//                    REST depth snapshot body (as in /work/shared/data/real/). The receive time is
//                    an integer in ns, us, ms or s since the epoch: the unit is told by its
//                    magnitude (older hftbacktest and collect-binancefutures captures use us)
//   cryptofeed raw   its raw data capture (AsyncFileCallback): `<sec.frac>: <frame>` lines,
//                    `<ws url> <-> <sec>` connects, `<url> <- <sec>: <sent>` requests,
//                    `<rest url> -> <sec>: <body>` REST replies (the depth snapshot's symbol is
//                    the URL's `symbol=`) and a `configuration: ...` header
//   depthrec NDJSON  one JSON object with a `type` (docs/records.md): depth, snapshot, ticker,
//                    gap, resync, connect, disconnect
// A line that is none of these, or whose content is refused, is counted with its source and line
// number (ReplayStats) and skipped: reading never stops on bad data.
//
// Several inputs (e.g. a cryptofeed capture and its companion file of REST replies) are merged
// by receive time; the files of one directory are read one after the other (segments).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/kline_event.hpp"
#include "depthrec/market.hpp"
#include "depthrec/market_event.hpp"
#include "depthrec/snapshot.hpp"
#include "depthrec/trade_event.hpp"

namespace depthrec {

enum class RecordingFormat : std::uint8_t { raw_capture, depthrec_ndjson, cryptofeed_raw };
std::string_view to_string(RecordingFormat format);  // "raw" | "ndjson" | "cryptofeed"

// The unit a capture line gave its receive time in (ReplayItem::recv_ns is always ns).
enum class TimeUnit : std::uint8_t { ns, us, ms, s };
inline constexpr std::size_t kTimeUnits = 4;
std::string_view to_string(TimeUnit unit);  // "ns" | "us" | "ms" | "s"

enum class ReplayItemType : std::uint8_t {
  depth,     // ReplayItem::depth: a diff or partial depth event
  snapshot,  // ReplayItem::snapshot: a REST depth snapshot
  ticker,    // ReplayItem::ticker: a bookTicker frame or `ticker` record
  marker,    // ReplayItem::marker: a gap, resync, connect or disconnect record
  other,     // anything else that is well-formed (trades, replies, unknown record types)
};

enum class MarkerType : std::uint8_t { gap, resync, connect, disconnect };
std::string_view to_string(MarkerType type);

// A depthrec marker record; fields absent (or null) in the record stay empty / zero.
struct ReplayMarker {
  MarkerType type = MarkerType::gap;
  std::string reason;  // gap, resync, disconnect
  // gap
  std::optional<std::uint64_t> last_u, expected, got_first_id, got_prev_final_id, got_final_id;
  std::uint64_t dropped = 0;
  // gap of an id-sequenced channel (reason "id_gap": trade, aggTrade): the ids not received
  std::optional<std::uint64_t> id_from, id_to;
  // gap of a kline stream (reason "kline_gap" or "kline_unclosed"): the open times it names
  std::optional<std::uint64_t> last_open_time, got_open_time, from_open_time, to_open_time;
  std::optional<std::uint64_t> missing;
  // resync
  std::uint64_t last_update_id = 0, first_id = 0, final_id = 0, dropped_stale = 0;
  double duration_ms = 0;
  // connect / disconnect
  std::string url;
  std::optional<std::int64_t> close_code;
  // connect of a rollover's successor (make-before-break: continuity goes on, not a break)
  std::optional<std::uint64_t> rollover_from;
};

// A `gap_fill` record (--repair-trades): the gap from..to, `filled` ids of it recorded from REST.
struct ReplayGapFill {
  std::uint64_t from = 0, to = 0, filled = 0;
  std::string_view status;  // "filled", "partial", "failed"
};

// One item. String views (and depth.symbol, ticker.symbol) stay valid until the next call to
// ReplayReader::next. For NDJSON depth and snapshot items, bids_json/asks_json are empty.
struct ReplayItem {
  ReplayItemType type = ReplayItemType::other;
  RecordingFormat format = RecordingFormat::raw_capture;
  std::int64_t recv_ns = 0;           // local receive time, ns since the Unix epoch
  std::string_view source;            // the file it came from ("-" for stdin)
  std::uint64_t line = 0;             // 1-based line number within that source
  TimeUnit time_unit = TimeUnit::ns;  // of the line's receive time (NDJSON: ns)
  std::optional<Market> market;       // NDJSON `market`; raw captures do not say
  // Upper case; empty when unknown (a raw snapshot body; a cryptofeed REST reply says it in
  // its URL).
  std::string_view symbol;
  std::string_view stream;      // combined-stream name or NDJSON `stream`, if any
  std::string_view other_type;  // `other`: the frame's "e" or the record's `type`
  // `other` NDJSON `trade` / `aggTrade` records: their "id" (t or a), for the id continuity check.
  std::optional<std::uint64_t> event_id;
  // ... and fetched from REST to fill an id gap (`"source":"rest"`, --repair-trades).
  bool from_rest = false;
  // `other` NDJSON `gap_fill` records (--repair-trades): the gap's ids and how its repair ended.
  std::optional<ReplayGapFill> gap_fill;
  // `other` NDJSON `kline` records: the candle's open time, interval and closing flag, for the
  // kline continuity check.
  std::optional<std::uint64_t> kline_open_time;
  std::string_view kline_interval;
  bool kline_closed = false;
  // `other` trade / aggTrade items: the event (a raw capture's frame, an NDJSON record's `data`),
  // when its payload has every field parse_trade_frame requires (has_trade; views valid until
  // the next call to ReplayReader::next).
  bool has_trade = false;
  TradeEvent trade;
  // `other` kline items: the candle update (a raw capture's frame, an NDJSON `kline` record's
  // `data`), when its payload has every field parse_kline_frame requires (has_kline).
  bool has_kline = false;
  KlineEvent kline;
  // `other` markPrice / forceOrder items (a raw frame, an NDJSON record's `data`), likewise.
  bool has_market_event = false;
  MarketEvent market_event;
  // Raw and cryptofeed lines: the frame or REST body exactly as received (for replaying it).
  std::string_view raw_json;
  // NDJSON records' `latency_event_ms` / `latency_pipeline_ms` (docs/records.md), when the record
  // has them as numbers (for depthrec-replay --plot; other formats have neither).
  std::optional<double> latency_event_ms;
  std::optional<double> latency_pipeline_ms;
  DepthUpdate depth;
  DepthSnapshot snapshot;
  BookTicker ticker;
  ReplayMarker marker;
};

struct ReplayLineError {
  std::string source;
  std::uint64_t line = 0;
  std::string reason;
};

struct ReplayStats {
  static constexpr std::size_t kMaxListedBadLines = 20;

  std::uint64_t lines = 0;             // every line read, blank ones included
  std::uint64_t items = 0;             // lines returned as items
  std::uint64_t bad_lines = 0;         // lines refused (the first kMaxListedBadLines are listed)
  std::uint64_t raw_lines = 0;         // items in the raw capture format
  std::uint64_t ndjson_lines = 0;      // items in depthrec's NDJSON format
  std::uint64_t cryptofeed_lines = 0;  // items in cryptofeed's raw capture format
  // Raw and cryptofeed items by the unit of their receive time (index: TimeUnit).
  std::array<std::uint64_t, kTimeUnits> time_units{};
  std::vector<ReplayLineError> first_bad_lines;
  std::vector<std::string> truncated_sources;  // gzip cut short: read up to the cut
  std::vector<std::string> io_errors;          // sources that could not be read (with why)
};

// Parses single lines of either format; ReplayReader uses one. Reuses its buffers.
class ReplayLineParser {
 public:
  ReplayLineParser();
  ~ReplayLineParser();
  ReplayLineParser(ReplayLineParser&&) noexcept;
  ReplayLineParser& operator=(ReplayLineParser&&) noexcept;

  // Parses `line` (no newline) into `item` (source and line number are left to the caller).
  // NDJSON is parsed in place, so `line` is modified, and the views in `item` point into it:
  // keep it alive and unchanged while `item` is used. Returns an empty string on success, else
  // why the line was refused.
  std::string parse(std::string& line, ReplayItem& item);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ReplayReaderOptions {
  // Non-empty: only the items of this stream (NDJSON `stream`, a combined stream's name). In a
  // depthrec segment only that stream's gzip members are decompressed (StreamSegmentReader).
  std::string stream;
};

class ReplayReader {
 public:
  // Opens `input` (a file, a directory or "-"). Returns null and sets `error` when the input
  // does not exist, cannot be opened, or is a directory without recording files.
  static std::unique_ptr<ReplayReader> open(const std::string& input, std::string& error);
  // Several inputs, each as above, their items merged by receive time (equal times: the
  // earlier input first).
  static std::unique_ptr<ReplayReader> open(const std::vector<std::string>& inputs,
                                            std::string& error);
  static std::unique_ptr<ReplayReader> open(const std::vector<std::string>& inputs,
                                            std::string& error, const ReplayReaderOptions& options);
  ~ReplayReader();
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  // The next item, in recording order; false at the end of the input.
  bool next(ReplayItem& item);

  const ReplayStats& stats() const;
  const std::vector<std::string>& sources() const;  // the files read, input by input

  struct Impl;  // only open() can make one
  explicit ReplayReader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

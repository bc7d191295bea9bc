// Reads recordings back, line by line, as typed items with their receive time.
//
// Inputs: one file (gzip, concatenated gzip members, or plain text), a directory of depthrec
// segments (files ending in .gz or .ndjson, read in name order, which is recording order), or "-"
// for stdin (gzip or plain). A gzip stream cut short by a crash is read up to the cut and noted.
//
// Two line formats are recognised, line by line:
//   raw capture      `<recv_ns> <json>`: a WebSocket frame as received (combined or raw), or a
//                    REST depth snapshot body (as in /work/shared/data/real/)
//   depthrec NDJSON  one JSON object with a `type` (docs/records.md): depth, snapshot, ticker,
//                    gap, resync, connect, disconnect
// A line that is neither, or whose content is refused, is counted with its source and line
// number (ReplayStats) and skipped: reading never stops on bad data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/market.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec {

enum class RecordingFormat : std::uint8_t { raw_capture, depthrec_ndjson };
std::string_view to_string(RecordingFormat format);  // "raw" | "ndjson"

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
  // resync
  std::uint64_t last_update_id = 0, first_id = 0, final_id = 0, dropped_stale = 0;
  double duration_ms = 0;
  // connect / disconnect
  std::string url;
  std::optional<std::int64_t> close_code;
  // connect of a rollover's successor (make-before-break: continuity goes on, not a break)
  std::optional<std::uint64_t> rollover_from;
};

// One item. String views (and depth.symbol, ticker.symbol) stay valid until the next call to
// ReplayReader::next. For NDJSON depth and snapshot items, bids_json/asks_json are empty.
struct ReplayItem {
  ReplayItemType type = ReplayItemType::other;
  RecordingFormat format = RecordingFormat::raw_capture;
  std::int64_t recv_ns = 0;      // local receive time, ns since the Unix epoch
  std::string_view source;       // the file it came from ("-" for stdin)
  std::uint64_t line = 0;        // 1-based line number within that source
  std::optional<Market> market;  // NDJSON `market`; raw captures do not say
  std::string_view symbol;       // upper case; empty when unknown (raw snapshot)
  std::string_view stream;       // combined-stream name or NDJSON `stream`, if any
  std::string_view other_type;   // `other`: the frame's "e" or the record's `type`
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

  std::uint64_t lines = 0;         // every line read, blank ones included
  std::uint64_t items = 0;         // lines returned as items
  std::uint64_t bad_lines = 0;     // lines refused (the first kMaxListedBadLines are listed)
  std::uint64_t raw_lines = 0;     // items in the raw capture format
  std::uint64_t ndjson_lines = 0;  // items in depthrec's NDJSON format
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

class ReplayReader {
 public:
  // Opens `input` (a file, a directory or "-"). Returns null and sets `error` when the input
  // does not exist, cannot be opened, or is a directory without recording files.
  static std::unique_ptr<ReplayReader> open(const std::string& input, std::string& error);
  ~ReplayReader();
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  // The next item, in recording order; false at the end of the input.
  bool next(ReplayItem& item);

  const ReplayStats& stats() const;
  const std::vector<std::string>& sources() const;  // the files read, in order

  struct Impl;  // only open() can make one
  explicit ReplayReader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

// What the recorder writes for a parsed depth event or snapshot: exactly one line (no CR, one
// LF at its end) whatever whitespace the source had, and its level arrays parse back to the very
// levels the parser read (values exactly as received). Shared by fuzz_frame_parser and
// fuzz_snapshot_parser; check_json_object_line by the event-channel targets.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "depthrec/records.hpp"
#include "depthrec/snapshot.hpp"
#include "fuzz_check.hpp"

namespace depthrec::fuzz {

inline void check_one_line(const std::string& line) {
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  FUZZ_CHECK(line.find('\n') == line.size() - 1);
  FUZZ_CHECK(line.find('\r') == std::string::npos);
}

// One line that parses back as a JSON object (fuzz_kline_parser, fuzz_agg_trades_answer).
inline void check_json_object_line(const std::string& line) {
  check_one_line(line);
  rapidjson::Document parsed;
  parsed.Parse(line.c_str(), line.size() - 1);
  FUZZ_CHECK(!parsed.HasParseError() && parsed.IsObject());
}

// The record's `key` array (e.g. "b") re-read as a snapshot side equals `levels`.
inline void check_levels_in_line(const std::string& line, std::string_view key,
                                 const std::vector<depthrec::PriceLevel>& levels) {
  const std::string marker = "\"" + std::string(key) + "\":[";
  const std::size_t at = line.find(marker);
  FUZZ_CHECK(at != std::string::npos);
  // The arrays hold only strings without brackets: the array ends at the first "]]" or "[]".
  const std::size_t begin = at + marker.size() - 1;
  std::size_t end = line.compare(begin, 2, "[]") == 0 ? begin + 2 : line.find("]]", begin) + 2;
  FUZZ_CHECK(end > begin && end <= line.size());
  const std::string body =
      "{\"lastUpdateId\":1,\"bids\":" + line.substr(begin, end - begin) + ",\"asks\":[]}";
  depthrec::DepthSnapshot again;
  FUZZ_CHECK(depthrec::parse_snapshot(body, again) == depthrec::ParseError::none);
  FUZZ_CHECK(again.bids == levels);
}

inline void check_depth_record(const depthrec::DepthUpdate& depth) {
  std::string line;
  const depthrec::RecordContext context{depthrec::Market::usdm, "BTCUSDT", "btcusdt@depth", 1};
  depthrec::append_depth_record(line, context, depth, 1, 0.0, 0.0);
  check_one_line(line);
  check_levels_in_line(line, "b", depth.bids);
  check_levels_in_line(line, "a", depth.asks);
}

inline void check_snapshot_record(const depthrec::DepthSnapshot& snapshot) {
  std::string line;
  const depthrec::RecordContext context{depthrec::Market::usdm, "BTCUSDT", "btcusdt@depth", 1};
  depthrec::append_snapshot_record(line, context, snapshot, 1);
  check_one_line(line);
  check_levels_in_line(line, "bids", snapshot.bids);
  check_levels_in_line(line, "asks", snapshot.asks);
}

}  // namespace depthrec::fuzz

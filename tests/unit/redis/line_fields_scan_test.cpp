// parse_line_fields finds each field in one pass over the quotes (stream_entry.cpp): it must find
// what a search per name (header.find("\"name\":"), the earlier code, kept here as the reference)
// finds, on recorded shapes and on lines where names hide in payloads, strings and odd places.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/stream_entry.hpp"

namespace depthrec::redis {
namespace {

std::string_view reference_header(std::string_view line) {
  std::size_t end = line.size();
  for (const std::string_view nested : {"\"data\":{", "\"b\":[", "\"bids\":["}) {
    const std::size_t at = line.find(nested);
    if (at != std::string_view::npos && at < end) end = at;
  }
  return line.substr(0, end);
}

std::string_view reference_raw(std::string_view header, const std::string& name) {
  const std::string pattern = "\"" + name + "\":";
  const std::size_t at = header.find(pattern);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + pattern.size();
  std::size_t end = start;
  if (end < header.size() && header[end] == '"') {
    const std::size_t close = header.find('"', start + 1);
    return close == std::string_view::npos ? std::string_view{}
                                           : header.substr(start, close + 1 - start);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(start, end - start);
}

std::string_view reference_string(std::string_view header, const std::string& name) {
  const std::string_view raw = reference_raw(header, name);
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return {};
  const std::string_view inner = raw.substr(1, raw.size() - 2);
  for (const char c : inner)
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return {};
  return inner;
}

std::optional<std::uint64_t> reference_unsigned(std::string_view header, const std::string& name) {
  const std::string_view raw = reference_raw(header, name);
  if (raw.empty() || raw.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : raw) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// parse_line_fields as it was: one search per name.
LineFields reference_fields(std::string_view line) {
  LineFields fields;
  const std::string_view header = reference_header(line);
  fields.type = reference_string(header, "type");
  fields.market = reference_string(header, "market");
  fields.symbol = reference_string(header, "symbol");
  if (fields.type == "depth" || fields.type == "ticker") {
    fields.sequence = reference_unsigned(header, "u");
    fields.sequence_name = "u";
  } else if (fields.type == "trade" || fields.type == "aggTrade") {
    fields.sequence = reference_unsigned(header, "id");
    fields.sequence_name = fields.type == "trade" ? "t" : "a";
  }
  if (!fields.sequence) fields.sequence_name = {};
  if (fields.type == "snapshot" || fields.type == "book")
    fields.last_update_id = reference_unsigned(header, "lastUpdateId");
  const auto event_time = reference_unsigned(header, "E");
  if (event_time &&
      *event_time <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.event_time_ms = static_cast<std::int64_t>(*event_time);
  const auto recv_ns = reference_unsigned(header, "recv_ns");
  if (recv_ns && *recv_ns <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.recv_ns = static_cast<std::int64_t>(*recv_ns);
  return fields;
}

void expect_same_fields(const std::string& line) {
  SCOPED_TRACE(line);
  const LineFields ours = parse_line_fields(line);
  const LineFields reference = reference_fields(line);
  // The same views into the line, not only equal text.
  EXPECT_EQ(ours.type.data(), reference.type.data());
  EXPECT_EQ(ours.type, reference.type);
  EXPECT_EQ(ours.market, reference.market);
  EXPECT_EQ(ours.symbol, reference.symbol);
  EXPECT_EQ(ours.sequence, reference.sequence);
  EXPECT_EQ(ours.sequence_name, reference.sequence_name);
  EXPECT_EQ(ours.event_time_ms, reference.event_time_ms);
  EXPECT_EQ(ours.last_update_id, reference.last_update_id);
  EXPECT_EQ(ours.recv_ns, reference.recv_ns);
}

TEST(LineFieldsScan, FindsWhatASearchPerNameFinds) {
  const std::vector<std::string> lines = {
      R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","E":1721347022504,"U":4,"u":7,"pu":3,"b":[["1","2"]],"a":[]})",
      R"({"type":"aggTrade","symbol":"ETHUSDT","market":"spot","recv_ns":1721347020984480942,"id":812,"E":1700000000001,"data":{"e":"aggTrade","E":9,"a":812,"u":77,"id":5,"recv_ns":3}})",
      R"({"type":"depth","recv_ns":9223372036854775808,"u":1})",
      R"({"type":"trade","symbol":"X","market":"spot","data":{"id":5,"E":9},"id":6,"E":1})",
      R"({"type":"snapshot","symbol":"BTCUSDT","market":"usdm","lastUpdateId":12,"E":null,"bids":[["1","2"]],"asks":[],"b":[]})",
      R"({"type":"book","lastUpdateId":13,"E":5,"a":[],"bids":[]})",
      R"({"type":"depth","reason":"\"u\":5","u":9,"E":2,"b":[]})",
      R"({"note":"[\"b\":[","type":"depth","u":10,"b":[]})",
      R"({"type":"depth","u":11,"E":99999999999999999999,"b":[]})",
      R"({"type":"depth","u":12,"E":18446744073709551615,"b":[]})",
      R"({"type":"ticker","u":"13","E":-1})",
      R"({"type":"depth","type":"trade","u":1,"u":2})",
      R"("type":"depth","u":3)",
      R"({"E":1,"E":2,"type":"aggTrade","id":4,"id":5})",
      R"({"type":"dep\th","u":1})",
      R"({"type":"depth","u":)",
      R"({"type":"depth","u")",
      R"({"type":"depth","u":1,"data":{"u":2},"b":[],"u":3})",
      R"({"type":"depth","b":[1],"u":1})",
      "",
      "{",
      "\"",
      R"({"":"","type":"","u":,"E":})",
      // Names inside keys and values (escaped quotes), empty names, keys without values.
      R"({"\"u":5,"u":6,"type":"depth"})",
      R"({"type":"depth","x":"a\"u":7,"u":8})",
      R"({"type":"aggTrade","id""id":3,"id":4})",
      R"({"type":"trade","":"id":9,"id":10})",
      R"({"type":"depth",,"u"::1,"u":2})",
      R"({"type":"depth","symbol":"BTC""market":"spot","u":00000000000000000001})",
      R"({"type":"trade","id":18446744073709551616,"recv_ns":-5})",
      R"({"type":"trade","id":+7,"recv_ns":007})",
  };
  for (const std::string& line : lines) expect_same_fields(line);
  // Every prefix of the recorded shapes: names cut at every byte.
  for (const std::string& line : {lines[0], lines[1], lines[3]})
    for (std::size_t n = 0; n <= line.size(); ++n) expect_same_fields(line.substr(0, n));
}

}  // namespace
}  // namespace depthrec::redis

// The capture formats people have, beyond depthrec's own: receive times in us (older hftbacktest
// and collect-binancefutures captures), cryptofeed's raw capture with its REST companion file,
// and several inputs merged by receive time. Fixtures: tests/unit/data/make_cryptofeed_fixture.py.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "depthrec/replay_reader.hpp"
#include "unit/sync/sync_fixtures.hpp"

namespace depthrec {
namespace {

using test::fixture;
using test::TempDir;

// The item's views point into the line: it lives until the next call.
std::string parse_one(const std::string& text, ReplayItem& item, ReplayLineParser& parser) {
  static std::string line;
  line = text;
  return parser.parse(line, item);
}

TEST(ReplayCaptureFormats, MicrosecondReceiveTimesAreReadAsMicroseconds) {
  std::string error;
  const auto reader = ReplayReader::open(fixture("raw_usdm_us_head.raw"), error);
  ASSERT_TRUE(reader) << error;
  ReplayItem item;
  ASSERT_TRUE(reader->next(item));
  // The capture's first line, 1721347020984480942 ns, recorded as 1721347020984480 us.
  EXPECT_EQ(item.recv_ns, 1721347020984480000);
  EXPECT_EQ(item.time_unit, TimeUnit::us);
  std::int64_t last = item.recv_ns;
  while (reader->next(item)) last = item.recv_ns;
  EXPECT_EQ(reader->stats().time_units[static_cast<std::size_t>(TimeUnit::us)], 40u);
  EXPECT_EQ(reader->stats().time_units[static_cast<std::size_t>(TimeUnit::ns)], 0u);
  // 2024, not 1970: the span of 40 lines is the real ~0.6 s, not 1000 times shorter.
  EXPECT_GT(last - 1721347020984480000, 100'000'000);
  EXPECT_LT(last - 1721347020984480000, 5'000'000'000);
}

TEST(ReplayCaptureFormats, TheUnitIsToldByTheMagnitude) {
  ReplayLineParser parser;
  ReplayItem item;
  const std::string frame = R"({"e":"trade","E":1,"s":"BTCUSDT"})";
  const std::map<std::string, std::pair<std::int64_t, TimeUnit>> cases{
      {"1721347020984480942", {1721347020984480942, TimeUnit::ns}},
      {"1721347020984480", {1721347020984480000, TimeUnit::us}},
      {"1721347020984", {1721347020984000000, TimeUnit::ms}},
      {"1721347020", {1721347020000000000, TimeUnit::s}},
  };
  for (const auto& [time, expected] : cases) {
    ASSERT_EQ(parse_one(time + " " + frame, item, parser), "") << time;
    EXPECT_EQ(item.recv_ns, expected.first) << time;
    EXPECT_EQ(item.time_unit, expected.second) << time;
  }
  // More than int64 ns can hold, in any unit: refused, not wrapped.
  EXPECT_NE(parse_one("18446744073709551615 " + frame, item, parser), "");
  EXPECT_NE(parse_one("9300000000000000 " + frame, item, parser), "");  // us beyond 2262
}

TEST(ReplayCaptureFormats, CryptofeedLinesOfEveryShape) {
  ReplayLineParser parser;
  ReplayItem item;
  ASSERT_EQ(parse_one(R"(configuration: {"log": {"level": "WARNING"}})", item, parser), "");
  EXPECT_EQ(item.format, RecordingFormat::cryptofeed_raw);
  EXPECT_EQ(item.other_type, "configuration");

  ASSERT_EQ(parse_one("wss://fstream.binance.com/stream?streams=btcusdt@depth@0ms <-> "
                      "1721347020.784481",
                      item, parser),
            "");
  EXPECT_EQ(item.other_type, "connect");
  EXPECT_EQ(item.recv_ns, 1721347020784481000);

  ASSERT_EQ(parse_one(R"(wss://stream.binance.com:9443/ws <- 1721347020.8: {"method":"SUBSCRIBE"})",
                      item, parser),
            "");
  EXPECT_EQ(item.other_type, "request");
  EXPECT_EQ(item.recv_ns, 1721347020800000000);

  const std::string frame =
      R"({"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1721347022504,)"
      R"("T":1721347022504,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["1.0","2"]],"a":[]}})";
  ASSERT_EQ(parse_one("1721347020.984481: " + frame, item, parser), "");
  EXPECT_EQ(item.format, RecordingFormat::cryptofeed_raw);
  EXPECT_EQ(item.type, ReplayItemType::depth);
  EXPECT_EQ(item.time_unit, TimeUnit::s);
  EXPECT_EQ(item.recv_ns, 1721347020984481000);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.stream, "btcusdt@depth@0ms");
  EXPECT_EQ(item.raw_json, frame);
  EXPECT_EQ(item.depth.final_id, 12u);

  const std::string body = R"({"lastUpdateId":11,"E":1,"T":1,"bids":[["1.0","2"]],"asks":[]})";
  ASSERT_EQ(parse_one("https://fapi.binance.com/fapi/v1/depth?symbol=ethusdt&limit=1000 -> "
                      "1721347021.25: " +
                          body,
                      item, parser),
            "");
  EXPECT_EQ(item.type, ReplayItemType::snapshot);
  EXPECT_EQ(item.symbol, "ETHUSDT") << "the snapshot's symbol is the one its URL asked for";
  EXPECT_EQ(item.snapshot.last_update_id, 11u);
  EXPECT_EQ(item.raw_json, body);

  // Another REST reply is kept as such; a depth URL whose body is no snapshot is refused.
  ASSERT_EQ(parse_one(R"(https://fapi.binance.com/fapi/v1/exchangeInfo -> 1.5: {"symbols":[]})",
                      item, parser),
            "");
  EXPECT_EQ(item.other_type, "rest");
  EXPECT_NE(parse_one(R"(https://x/fapi/v1/depth?symbol=A -> 1.5: {"code":-1121})", item, parser),
            "");
  // Broken shapes: a clear reason, never an item.
  for (const std::string bad :
       {"1721347020.98 {}", "1721347020.98:", "https://x/depth -> : {}", "wss://x <-> 12 extra",
        "wss://x <-> ", "ftp://x -> 1: {}", "99999999999999999999.5: {}", ": {}"}) {
    EXPECT_NE(parse_one(bad, item, parser), "") << bad;
  }
}

TEST(ReplayCaptureFormats, CryptofeedCaptureAndItsRestCompanionAreMergedByReceiveTime) {
  std::string error;
  const auto reader =
      ReplayReader::open(std::vector<std::string>{fixture("cryptofeed_usdm_2sym.ws.gz"),
                                                  fixture("cryptofeed_usdm_2sym.rest")},
                         error);
  ASSERT_TRUE(reader) << error;
  ReplayItem item;
  std::map<std::string, int> depth_by_symbol;
  std::map<std::string, std::int64_t> snapshot_at;
  std::map<std::string, std::int64_t> first_depth_at;
  std::int64_t previous = 0;
  while (reader->next(item)) {
    EXPECT_GE(item.recv_ns, previous) << item.source << ":" << item.line;
    previous = item.recv_ns;
    const std::string symbol(item.symbol);
    if (item.type == ReplayItemType::depth) {
      ++depth_by_symbol[symbol];
      first_depth_at.emplace(symbol, item.recv_ns);
    }
    if (item.type == ReplayItemType::snapshot) snapshot_at[symbol] = item.recv_ns;
  }
  const ReplayStats& stats = reader->stats();
  EXPECT_EQ(stats.bad_lines, 0u);
  EXPECT_EQ(stats.cryptofeed_lines, stats.items);
  EXPECT_EQ(stats.time_units[static_cast<std::size_t>(TimeUnit::s)], stats.items - 1)
      << "every line but the configuration header has a time in seconds";
  EXPECT_EQ(depth_by_symbol["BTCUSDT"], 284);
  EXPECT_EQ(depth_by_symbol["ETHUSDT"], 150);
  ASSERT_EQ(snapshot_at.size(), 2u) << "one snapshot per symbol, named by its URL";
  // Each snapshot comes where it was received: after the first events it must be joined with.
  EXPECT_GT(snapshot_at["BTCUSDT"], first_depth_at["BTCUSDT"]);
  EXPECT_GT(snapshot_at["ETHUSDT"], first_depth_at["ETHUSDT"]);
  EXPECT_EQ(reader->sources().size(), 2u);
}

TEST(ReplayCaptureFormats, AMissingInputIsAnErrorNamingIt) {
  std::string error;
  EXPECT_FALSE(ReplayReader::open(
      std::vector<std::string>{fixture("cryptofeed_usdm_2sym.ws.gz"), "/nonexistent/x.rest"},
      error));
  EXPECT_NE(error.find("/nonexistent/x.rest"), std::string::npos) << error;
  EXPECT_FALSE(ReplayReader::open(std::vector<std::string>{}, error));
}

}  // namespace
}  // namespace depthrec

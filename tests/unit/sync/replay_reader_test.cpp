#include "depthrec/replay_reader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "unit/sync/sync_fixtures.hpp"

namespace depthrec {
namespace {

using test::fixture;

struct Tally {
  std::map<std::string, int> by_kind;  // "depth", "ticker", "gap", ...
  std::vector<std::int64_t> recv_ns;
};

std::string kind_of(const ReplayItem& item) {
  switch (item.type) {
    case ReplayItemType::depth:
      return "depth";
    case ReplayItemType::snapshot:
      return "snapshot";
    case ReplayItemType::ticker:
      return "ticker";
    case ReplayItemType::marker:
      return std::string(to_string(item.marker.type));
    case ReplayItemType::other:
      return "other:" + std::string(item.other_type);
  }
  return "?";
}

Tally read_all(ReplayReader& reader) {
  Tally tally;
  ReplayItem item;
  while (reader.next(item)) {
    ++tally.by_kind[kind_of(item)];
    tally.recv_ns.push_back(item.recv_ns);
  }
  return tally;
}

std::unique_ptr<ReplayReader> open_or_fail(const std::string& path) {
  std::string error;
  auto reader = ReplayReader::open(path, error);
  EXPECT_NE(reader, nullptr) << error;
  return reader;
}

TEST(ReplayReader, ReadsEveryDepthrecRecordType) {
  const auto reader = open_or_fail(fixture("sync_usdm_marked_gap.ndjson"));
  ASSERT_TRUE(reader);
  ReplayItem item;
  ASSERT_TRUE(reader->next(item));
  EXPECT_EQ(item.type, ReplayItemType::marker);
  EXPECT_EQ(item.marker.type, MarkerType::connect);
  EXPECT_NE(item.marker.url.find("wss://"), std::string::npos);
  EXPECT_EQ(item.format, RecordingFormat::depthrec_ndjson);

  ASSERT_TRUE(reader->next(item));
  ASSERT_EQ(item.type, ReplayItemType::depth);
  EXPECT_EQ(item.line, 2u);
  EXPECT_EQ(item.market, Market::usdm);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.stream, "btcusdt@depth@0ms");
  EXPECT_EQ(item.recv_ns, 1721347020010000000);
  EXPECT_EQ(item.depth.kind, DepthKind::diff);
  EXPECT_EQ(item.depth.first_id, 100u);
  EXPECT_EQ(item.depth.final_id, 110u);
  EXPECT_TRUE(item.depth.has_prev_final_id);
  EXPECT_EQ(item.depth.prev_final_id, 90u);
  EXPECT_EQ(item.depth.event_time_ms, 1721347021510);
  EXPECT_EQ(item.depth.transaction_time_ms, 1721347021510);
  ASSERT_EQ(item.depth.bids.size(), 1u);
  EXPECT_EQ(to_string(item.depth.bids[0].price), "100");
  EXPECT_EQ(to_string(item.depth.bids[0].qty), "1");
  ASSERT_EQ(item.depth.asks.size(), 1u);
  EXPECT_EQ(to_string(item.depth.asks[0].qty), "2");

  ASSERT_TRUE(reader->next(item));  // depth 111..120
  ASSERT_TRUE(reader->next(item));
  ASSERT_EQ(item.type, ReplayItemType::snapshot);
  EXPECT_EQ(item.snapshot.last_update_id, 115u);
  EXPECT_EQ(item.snapshot.bids.size(), 2u);
  EXPECT_EQ(item.snapshot.asks.size(), 2u);
  EXPECT_EQ(item.snapshot.event_time_ms, 0);

  ASSERT_TRUE(reader->next(item));
  ASSERT_EQ(item.type, ReplayItemType::marker);
  EXPECT_EQ(item.marker.type, MarkerType::resync);
  EXPECT_EQ(item.marker.reason, "initial");
  EXPECT_EQ(item.marker.last_update_id, 115u);
  EXPECT_EQ(item.marker.first_id, 111u);
  EXPECT_EQ(item.marker.final_id, 120u);
  EXPECT_EQ(item.marker.dropped_stale, 1u);
  EXPECT_DOUBLE_EQ(item.marker.duration_ms, 30.0);

  ASSERT_TRUE(reader->next(item));
  ASSERT_EQ(item.type, ReplayItemType::ticker);
  EXPECT_EQ(item.ticker.update_id, 120u);
  EXPECT_EQ(item.ticker.symbol, "BTCUSDT");
  EXPECT_EQ(to_string(item.ticker.bid_price), "100.5");
  EXPECT_EQ(to_string(item.ticker.ask_qty), "2");

  bool saw_gap = false;
  bool saw_disconnect = false;
  while (reader->next(item)) {
    if (item.type != ReplayItemType::marker) continue;
    if (item.marker.type == MarkerType::gap) {
      saw_gap = true;
      EXPECT_EQ(item.marker.reason, "pu_mismatch");
      EXPECT_EQ(item.marker.last_u, 130u);
      EXPECT_EQ(item.marker.expected, 130u);
      EXPECT_EQ(item.marker.got_first_id, 140u);
      EXPECT_EQ(item.marker.got_prev_final_id, 135u);
      EXPECT_EQ(item.marker.got_final_id, 150u);
    }
    if (item.marker.type == MarkerType::disconnect) {
      saw_disconnect = true;
      EXPECT_EQ(item.marker.reason, "stop");
      EXPECT_EQ(item.marker.close_code, 1000);
    }
  }
  EXPECT_TRUE(saw_gap);
  EXPECT_TRUE(saw_disconnect);
  EXPECT_EQ(reader->stats().bad_lines, 0u);
  EXPECT_EQ(reader->stats().ndjson_lines, reader->stats().items);
}

TEST(ReplayReader, SpotDepthHasNoPrevFinalIdAndNullCloseCodeStaysEmpty) {
  const auto reader = open_or_fail(fixture("sync_spot_reconnect.ndjson"));
  ASSERT_TRUE(reader);
  ReplayItem item;
  bool saw_depth = false;
  bool saw_disconnect = false;
  while (reader->next(item)) {
    if (item.type == ReplayItemType::depth && !saw_depth) {
      saw_depth = true;
      EXPECT_EQ(item.market, Market::spot);
      EXPECT_FALSE(item.depth.has_prev_final_id);
      EXPECT_EQ(item.depth.transaction_time_ms, 0);
    }
    if (item.type == ReplayItemType::marker && item.marker.type == MarkerType::disconnect) {
      saw_disconnect = true;
      EXPECT_FALSE(item.marker.close_code.has_value());
      EXPECT_EQ(item.marker.reason, "timeout");
    }
  }
  EXPECT_TRUE(saw_depth);
  EXPECT_TRUE(saw_disconnect);
}

TEST(ReplayReader, GzipFileReadsTheSameRecords) {
  const auto reader = open_or_fail(fixture("sync_usdm_unmarked_gap.ndjson.gz"));
  ASSERT_TRUE(reader);
  const Tally tally = read_all(*reader);
  EXPECT_EQ(tally.by_kind.at("depth"), 6);
  EXPECT_EQ(tally.by_kind.at("snapshot"), 2);
  EXPECT_EQ(tally.by_kind.at("ticker"), 4);
  EXPECT_EQ(tally.by_kind.count("gap"), 0u);
  EXPECT_EQ(reader->stats().bad_lines, 0u);
}

TEST(ReplayReader, BadLinesAreCountedWithLineNumbersAndSkipped) {
  const auto reader = open_or_fail(fixture("sync_bad_lines.ndjson"));
  ASSERT_TRUE(reader);
  const Tally tally = read_all(*reader);
  EXPECT_EQ(tally.by_kind.at("depth"), 1);
  EXPECT_EQ(tally.by_kind.at("ticker"), 1);
  EXPECT_EQ(tally.by_kind.at("snapshot"), 1);
  EXPECT_EQ(tally.by_kind.at("other:metrics"), 1);
  const ReplayStats& stats = reader->stats();
  EXPECT_EQ(stats.lines, 14u);
  EXPECT_EQ(stats.items, 4u);
  EXPECT_EQ(stats.bad_lines, 9u);
  std::vector<std::uint64_t> lines;
  for (const ReplayLineError& bad : stats.first_bad_lines) {
    lines.push_back(bad.line);
    EXPECT_NE(bad.source.find("sync_bad_lines.ndjson"), std::string::npos);
    EXPECT_FALSE(bad.reason.empty());
  }
  EXPECT_EQ(lines, (std::vector<std::uint64_t>{2, 3, 4, 5, 6, 7, 10, 11, 12}));
  EXPECT_NE(stats.first_bad_lines[0].reason.find("neither"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[1].reason.find("JSON"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[2].reason.find("`u`"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[4].reason.find("decimal"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[5].reason.find("type"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[6].reason.find("frame refused"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[7].reason.find("receive time"), std::string::npos);
  EXPECT_NE(stats.first_bad_lines[8].reason.find("forex"), std::string::npos);
}

TEST(ReplayReader, DirectoryIsReadInNameOrderAcrossGzipMembers) {
  const auto reader = open_or_fail(fixture("sync_segments"));
  ASSERT_TRUE(reader);
  ASSERT_EQ(reader->sources().size(), 3u);  // metrics.json is not a recording
  EXPECT_NE(reader->sources()[0].find(".000001."), std::string::npos);
  EXPECT_NE(reader->sources()[2].find(".000003."), std::string::npos);
  const Tally tally = read_all(*reader);
  EXPECT_EQ(tally.by_kind.at("depth"), 5);  // segment 2 holds two gzip members
  EXPECT_EQ(tally.by_kind.at("ticker"), 2);
  EXPECT_TRUE(std::is_sorted(tally.recv_ns.begin(), tally.recv_ns.end()));
  EXPECT_EQ(reader->stats().bad_lines, 0u);
}

TEST(ReplayReader, TruncatedGzipIsReadUpToTheCut) {
  const std::string whole = test::read_bytes(fixture("sync_usdm_unmarked_gap.ndjson.gz"));
  ASSERT_GT(whole.size(), 200u);
  test::TempDir dir;
  const std::string cut = dir.file("cut.ndjson.gz", whole.substr(0, whole.size() - 40));
  const auto reader = open_or_fail(cut);
  ASSERT_TRUE(reader);
  const Tally tally = read_all(*reader);
  EXPECT_GT(tally.by_kind.count("depth"), 0u);
  EXPECT_LT(reader->stats().items, 15u);
  EXPECT_EQ(reader->stats().truncated_sources.size(), 1u);
  EXPECT_TRUE(reader->stats().io_errors.empty());
}

TEST(ReplayReader, CrLfAndAMissingFinalNewlineAreAccepted) {
  test::TempDir dir;
  const std::string path =
      dir.file("crlf.ndjson",
               "{\"type\":\"ticker\",\"recv_ns\":5,\"u\":1,\"b\":\"1\",\"B\":\"1\",\"a\":\"2\","
               "\"A\":\"1\"}\r\n\r\n"
               "{\"type\":\"ticker\",\"recv_ns\":6,\"u\":2,\"b\":\"1\",\"B\":\"1\",\"a\":\"2\","
               "\"A\":\"1\"}");
  const auto reader = open_or_fail(path);
  ASSERT_TRUE(reader);
  const Tally tally = read_all(*reader);
  EXPECT_EQ(tally.by_kind.at("ticker"), 2);
  EXPECT_EQ(reader->stats().bad_lines, 0u);
  EXPECT_EQ(reader->stats().lines, 3u);
}

TEST(ReplayReader, MissingInputOrEmptyDirectoryIsAnError) {
  std::string error;
  EXPECT_EQ(ReplayReader::open("/nonexistent/depthrec/file.gz", error), nullptr);
  EXPECT_NE(error.find("no such file"), std::string::npos);
  test::TempDir dir;
  dir.file("notes.txt", "x");
  error.clear();
  EXPECT_EQ(ReplayReader::open(dir.path(), error), nullptr);
  EXPECT_NE(error.find("no recording files"), std::string::npos);
}

TEST(ReplayReader, RawPartialDepthTakesItsSymbolFromTheStream) {
  const auto reader = open_or_fail(fixture("sync_spot_partial.raw"));
  ASSERT_TRUE(reader);
  ReplayItem item;
  ASSERT_TRUE(reader->next(item));
  ASSERT_EQ(item.type, ReplayItemType::depth);
  EXPECT_EQ(item.format, RecordingFormat::raw_capture);
  EXPECT_EQ(item.depth.kind, DepthKind::partial);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.depth.first_id, 500u);
  EXPECT_EQ(item.depth.final_id, 500u);
  EXPECT_EQ(item.depth.bids.size(), 2u);
  EXPECT_EQ(item.recv_ns, 1721347020000000000);
  ASSERT_TRUE(reader->next(item));
  EXPECT_EQ(item.type, ReplayItemType::ticker);
  EXPECT_EQ(item.stream, "btcusdt@bookTicker");
  const Tally rest = read_all(*reader);
  EXPECT_EQ(rest.by_kind.at("other:trade"), 1);
}

TEST(ReplayReader, RealCaptureHasEveryFrameAndTheRestSnapshot) {
  const auto reader = open_or_fail(test::real_file("usdm_btcusdt_20240718.gz"));
  ASSERT_TRUE(reader);
  ReplayItem item;
  std::uint64_t snapshot_id = 0;
  std::map<std::string, int> kinds;
  while (reader->next(item)) {
    ++kinds[kind_of(item)];
    if (item.type == ReplayItemType::snapshot) snapshot_id = item.snapshot.last_update_id;
  }
  EXPECT_EQ(kinds["depth"], 3326);
  EXPECT_EQ(kinds["ticker"], 7113);
  EXPECT_EQ(kinds["other:trade"], 974);
  EXPECT_EQ(kinds["snapshot"], 1);
  EXPECT_EQ(snapshot_id, 4984028384061u);
  EXPECT_EQ(reader->stats().bad_lines, 0u);
  EXPECT_EQ(reader->stats().raw_lines, 11414u);
}

TEST(ReplayLineParser, ParsesOneLineOfEitherFormat) {
  ReplayLineParser parser;
  ReplayItem item;
  std::string raw =
      R"(1721347021080832061 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":7,)"
      R"("s":"BTCUSDT","b":"63943.90","B":"46.371","a":"63944.00","A":"0.095","T":1,"E":2}})";
  EXPECT_EQ(parser.parse(raw, item), "");
  EXPECT_EQ(item.type, ReplayItemType::ticker);
  EXPECT_EQ(item.ticker.update_id, 7u);
  std::string bad = R"({"type":"snapshot","recv_ns":1,"lastUpdateId":-5,"bids":[],"asks":[]})";
  EXPECT_NE(parser.parse(bad, item).find("lastUpdateId"), std::string::npos);
}

// depthrec-export reads trades from both formats: a raw capture's frame and a record's `data`.
TEST(ReplayLineParser, TradeItemsCarryTheParsedEvent) {
  ReplayLineParser parser;
  ReplayItem item;
  std::string raw =
      R"(1721347021080832061 {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":5,"a":9,)"
      R"("s":"BTCUSDT","p":"63943.90","q":"0.010","f":100,"l":102,"T":4,"m":true}})";
  ASSERT_EQ(parser.parse(raw, item), "");
  ASSERT_TRUE(item.has_trade);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.trade.kind, TradeKind::agg_trade);
  EXPECT_EQ(item.trade.id, 9u);
  EXPECT_EQ(item.trade.first_trade_id, 100u);
  EXPECT_EQ(item.trade.last_trade_id, 102u);
  EXPECT_EQ(to_string(item.trade.price), "63943.9");
  EXPECT_EQ(to_string(item.trade.quantity), "0.01");
  EXPECT_EQ(item.trade.trade_time_ms, 4);
  EXPECT_TRUE(item.trade.buyer_is_maker);

  std::string record =
      R"({"type":"trade","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@trade","recv_ns":7,)"
      R"("id":12,"E":3,"T":2,"data":{"e":"trade","E":3,"s":"ETHUSDT","t":12,"p":"3000.5",)"
      R"("q":"1.25","T":2,"m":false,"M":true}})";
  ASSERT_EQ(parser.parse(record, item), "");
  ASSERT_TRUE(item.has_trade);
  EXPECT_EQ(item.trade.kind, TradeKind::trade);
  EXPECT_EQ(item.trade.id, 12u);
  EXPECT_EQ(item.trade.first_trade_id, 12u);
  EXPECT_EQ(to_string(item.trade.price), "3000.5");
  EXPECT_EQ(item.trade.event_time_ms, 3);
  EXPECT_FALSE(item.trade.buyer_is_maker);

  // A payload without `p` stays a readable line without a trade.
  std::string partial =
      R"({"type":"trade","symbol":"ETHUSDT","recv_ns":7,"id":13,"data":{"e":"trade","t":13}})";
  ASSERT_EQ(parser.parse(partial, item), "");
  EXPECT_FALSE(item.has_trade);
}

}  // namespace
}  // namespace depthrec

namespace depthrec {
namespace {

// Corrupted recordings: every line of the fixtures and real frames, cut short and with bytes
// flipped (a fixed seed), must give an item or a reason, never a crash or a hang.
TEST(ReplayLineParser, SurvivesTruncatedAndCorruptedLines) {
  std::vector<std::string> lines;
  for (const char* name : {"sync_usdm_marked_gap.ndjson", "sync_spot_reconnect.ndjson",
                           "sync_bad_lines.ndjson", "sync_spot_partial.raw"}) {
    std::istringstream in(test::read_bytes(test::fixture(name)));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_GT(lines.size(), 40u);
  ReplayLineParser parser;
  ReplayItem item;
  std::uint32_t state = 12345;
  const auto next_random = [&state] {
    state = state * 1664525u + 1013904223u;  // LCG: deterministic across runs
    return state >> 8;
  };
  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (int round = 0; round < 200; ++round) {
    for (const std::string& original : lines) {
      std::string line = original.substr(0, next_random() % (original.size() + 1));
      for (int flips = next_random() % 3; flips > 0 && !line.empty(); --flips) {
        line[next_random() % line.size()] = static_cast<char>(next_random() % 256);
      }
      const std::string reason = parser.parse(line, item);
      reason.empty() ? ++accepted : ++refused;
    }
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace depthrec

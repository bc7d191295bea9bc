// Entry fields and keys from recorded lines (docs/records.md shapes), and the entry ids that
// make Redis keep one copy of each event (exactly-once fan-in).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/stream_entry.hpp"

namespace depthrec::redis {
namespace {

const std::string kDepth =
    R"({"type":"depth","timestamp":"2024-07-18T23:57:02.504Z","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@0ms","conn_id":1,"ts_recv":1721347020984.481,"recv_ns":1721347020984480942,"E":1721347022504,"T":1721347022504,"U":4984028367545,"u":4984028370730,"pu":4984028367494,"latency_event_ms":-1519.519,"latency_pipeline_ms":0.004,"kind":"diff","b":[["1000.00","569.567"]],"a":[["63947.40","0.109"]]})";
const std::string kTrade =
    R"({"type":"aggTrade","timestamp":"x","symbol":"ETHUSDT","market":"spot","stream":"ethusdt@aggTrade","conn_id":2,"recv_ns":1,"id":812,"E":1700000000001,"T":1700000000000,"latency_event_ms":1.5,"data":{"e":"aggTrade","E":9,"a":812,"u":77,"id":5}})";
const std::string kSnapshot =
    R"({"type":"snapshot","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@0ms","conn_id":1,"recv_ns":2,"lastUpdateId":4984028370000,"E":1721347022000,"T":null,"bids":[["1","2"]],"asks":[]})";
const std::string kConnect =
    R"({"type":"connect","symbol":"BTCUSDT","market":"usdm","stream":"connections","conn_id":1,"recv_ns":3,"url":"wss://x/stream?streams=a@depth"})";

TEST(StreamEntry, DepthLineFields) {
  const LineFields f = parse_line_fields(kDepth);
  EXPECT_EQ(f.type, "depth");
  EXPECT_EQ(f.market, "usdm");
  EXPECT_EQ(f.symbol, "BTCUSDT");
  ASSERT_TRUE(f.sequence.has_value());
  EXPECT_EQ(*f.sequence, 4984028370730u);  // u, not U nor pu
  EXPECT_EQ(f.sequence_name, "u");
  EXPECT_EQ(f.event_time_ms, 1721347022504);
}

TEST(StreamEntry, TradeSequenceIsItsIdNotThePayloads) {
  const LineFields f = parse_line_fields(kTrade);
  EXPECT_EQ(f.type, "aggTrade");
  ASSERT_TRUE(f.sequence.has_value());
  EXPECT_EQ(*f.sequence, 812u);
  EXPECT_EQ(f.sequence_name, "a");
  EXPECT_EQ(f.event_time_ms, 1700000000001);  // the record's E, not data.E
}

TEST(StreamEntry, SnapshotAndConnectHaveNoSequence) {
  EXPECT_FALSE(parse_line_fields(kSnapshot).sequence.has_value());
  EXPECT_FALSE(parse_line_fields(kConnect).sequence.has_value());
  EXPECT_FALSE(parse_line_fields(R"({"type":"depth","u":null,"E":null})").sequence.has_value());
  EXPECT_FALSE(parse_line_fields("").sequence.has_value());
  EXPECT_FALSE(parse_line_fields(R"({"type":"depth","u":99999999999999999999999})").sequence);
}

TEST(StreamEntry, DefaultKeys) {
  const KeyOptions plain;
  EXPECT_EQ(stream_key(plain, parse_line_fields(kDepth), "btcusdt@depth@0ms"),
            "depthrec:usdm:BTCUSDT:depth");
  EXPECT_EQ(stream_key(plain, parse_line_fields(kTrade), "ethusdt@aggTrade"),
            "depthrec:spot:ETHUSDT:aggTrade");
  EXPECT_EQ(stream_key(plain, parse_line_fields(kConnect), "connections"),
            "depthrec:usdm:connections");
  KeyOptions tagged;
  tagged.hash_tags = true;
  EXPECT_EQ(stream_key(tagged, parse_line_fields(kDepth), "btcusdt@depth@0ms"),
            "depthrec:usdm:{BTCUSDT}:depth");
}

TEST(StreamEntry, Seed001Keys) {
  KeyOptions one;
  one.scheme = KeyScheme::seed001;
  one.single_symbol = true;
  const LineFields depth = parse_line_fields(kDepth);
  EXPECT_EQ(stream_key(one, depth, "btcusdt@depth20@100ms"), "binance:raw:depth:20");
  EXPECT_EQ(stream_key(one, depth, "btcusdt@depth@100ms"), "binance:raw:depth");
  EXPECT_EQ(stream_key(one, depth, "btcusdt@aggTrade"), "binance:raw:trade");
  EXPECT_EQ(stream_key(one, depth, "btcusdt@trade"), "binance:raw:rawtrade");
  EXPECT_EQ(stream_key(one, depth, "btcusdt@bookTicker"), "binance:raw:bookticker");
  KeyOptions many = one;
  many.single_symbol = false;
  EXPECT_EQ(stream_key(many, depth, "btcusdt@depth20@100ms"), "binance:raw:depth:20:BTCUSDT");
  many.hash_tags = true;
  EXPECT_EQ(stream_key(many, depth, "btcusdt@aggTrade"), "binance:raw:trade:{BTCUSDT}");
}

TEST(StreamEntry, EntryFieldsNameTheSequenceAsTheExchangeDoes) {
  const auto fields = entry_fields(kTrade, parse_line_fields(kTrade));
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].first, "data");
  EXPECT_EQ(fields[0].second, kTrade);
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"type", "aggTrade"}));
  EXPECT_EQ(fields[2], (std::pair<std::string, std::string>{"symbol", "ETHUSDT"}));
  EXPECT_EQ(fields[3], (std::pair<std::string, std::string>{"a", "812"}));
  EXPECT_EQ(fields[4], (std::pair<std::string, std::string>{"E", "1700000000001"}));
}

// Where a consumer can start a book: snapshot and book entries carry lastUpdateId as a field; a
// book entry is a marker placed right after the event it follows (<u>-n).
TEST(StreamEntry, SnapshotAndBookEntriesCarryLastUpdateId) {
  const auto snapshot = entry_fields(kSnapshot, parse_line_fields(kSnapshot));
  EXPECT_EQ(snapshot.back(),
            (std::pair<std::string, std::string>{"lastUpdateId", "4984028370000"}));
  const std::string book =
      R"({"type":"book","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@0ms","conn_id":1,"recv_ns":2,"lastUpdateId":4984028370730,"E":1,"T":1,"bids":[["1","2"]],"asks":[]})";
  EXPECT_FALSE(parse_line_fields(book).sequence.has_value());
  const auto fields = entry_fields(book, parse_line_fields(book));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"type", "book"}));
  EXPECT_EQ(fields.back(), (std::pair<std::string, std::string>{"lastUpdateId", "4984028370730"}));
  EXPECT_EQ(parse_line_fields(kDepth).last_update_id, std::nullopt) << "events carry u instead";
  EntryPlanner planner({});
  std::vector<PlannedEntry> out;
  planner.plan_line(kDepth, "btcusdt@depth@0ms", out);
  planner.plan_line(book, "btcusdt@depth@0ms", out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "4984028370730-0");
  EXPECT_EQ(out[1].id, "4984028370730-1");
}

std::string depth_line(std::uint64_t u) {
  return R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","E":5,"u":)" + std::to_string(u) +
         R"(,"b":[],"a":[]})";
}
const std::string kGap = R"({"type":"gap","symbol":"BTCUSDT","market":"usdm","reason":"u_gap"})";
constexpr const char* kStream = "btcusdt@depth@100ms";

std::vector<std::string> ids_of(const std::vector<PlannedEntry>& entries) {
  std::vector<std::string> ids;
  for (const PlannedEntry& e : entries) ids.push_back(e.id);
  return ids;
}

TEST(EntryPlanner, SequencedRecordsTakeTheirSequenceAsId) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(depth_line(100), kStream, out);
  planner.plan_line(depth_line(105), kStream, out);
  EXPECT_EQ(ids_of(out), (std::vector<std::string>{"100-0", "105-0"}));
  EXPECT_EQ(out[0].key, "depthrec:usdm:BTCUSDT:depth");
}

TEST(EntryPlanner, MarkersFollowTheLastSequenceInOrder) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(depth_line(100), kStream, out);
  planner.plan_line(kGap, kStream, out);
  planner.plan_line(kSnapshot, kStream, out);
  planner.plan_line(depth_line(200), kStream, out);
  planner.plan_line(kGap, kStream, out);
  EXPECT_EQ(ids_of(out), (std::vector<std::string>{"100-0", "100-1", "100-2", "200-0", "200-1"}));
}

TEST(EntryPlanner, MarkersBeforeAnySequenceWaitForTheFirstOne) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(kSnapshot, kStream, out);
  planner.plan_line(kGap, kStream, out);
  EXPECT_TRUE(out.empty());
  planner.plan_line(depth_line(500), kStream, out);
  EXPECT_EQ(ids_of(out), (std::vector<std::string>{"499-1", "499-2", "500-0"}));
  EXPECT_EQ(out[0].fields[1].second, "snapshot");
}

TEST(EntryPlanner, HeldMarkersAreBounded) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  for (std::size_t i = 0; i < EntryPlanner::kMaxHeld + 3; ++i)
    planner.plan_line(kGap, kStream, out);
  EXPECT_EQ(planner.markers_abandoned(), 3u);
  planner.plan_line(depth_line(10), kStream, out);
  EXPECT_EQ(out.size(), EntryPlanner::kMaxHeld + 1);
  planner.plan_line(kGap, kStream, out);
  planner.abandon_held();
  EXPECT_EQ(planner.markers_abandoned(), 3u);  // nothing held: the last marker had a place
}

TEST(EntryPlanner, ConnectionRecordsTakeServerIds) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(kConnect, "connections", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "*");
  EXPECT_EQ(out[0].key, "depthrec:usdm:connections");
}

TEST(EntryPlanner, SkippedRecordsBecomeOneGapEntryAfterTheirRange) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(depth_line(100), kStream, out);
  SkippedRange range;
  for (std::uint64_t u : {101, 102, 103}) range.add(parse_line_fields(depth_line(u)), kStream);
  planner.plan_skipped("depthrec:usdm:BTCUSDT:depth", range, out);
  planner.plan_line(depth_line(104), kStream, out);
  EXPECT_EQ(ids_of(out), (std::vector<std::string>{"100-0", "103-1", "104-0"}));
  const PlannedEntry& gap = out[1];
  EXPECT_TRUE(gap.gap);
  auto field = [&](const std::string& name) {
    for (const auto& [n, v] : gap.fields)
      if (n == name) return v;
    return std::string("<none>");
  };
  EXPECT_EQ(field("type"), "gap");
  EXPECT_EQ(field("reason"), "redis_drop");
  EXPECT_EQ(field("from"), "101");
  EXPECT_EQ(field("to"), "103");
  EXPECT_EQ(field("dropped"), "3");
  EXPECT_NE(field("data").find(R"("from":101,"to":103,"dropped":3)"), std::string::npos);
}

TEST(EntryPlanner, ARefusedGapEntrysRangeGoesIntoTheNextOne) {
  // Under maxmemory noeviction Redis refuses the gap entry too: its range must not be lost.
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  SkippedRange first;
  for (std::uint64_t u : {101, 102}) first.add(parse_line_fields(depth_line(u)), kStream);
  planner.plan_skipped("depthrec:usdm:BTCUSDT:depth", first, out);
  SkippedRange next;
  next.add(out.back());  // refused: the whole range, not one record
  next.add(parse_line_fields(depth_line(107)), kStream);
  EXPECT_EQ(next.count, 3u);
  EXPECT_EQ(next.first_sequence, 101u);
  EXPECT_EQ(next.last_sequence, 107u);
  EXPECT_EQ(next.stream, kStream);
}

TEST(EntryPlanner, AnEventAtOrBelowTheLastKeepsThePosition) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> out;
  planner.plan_line(depth_line(100), kStream, out);
  planner.plan_line(depth_line(90), kStream, out);  // refused by Redis as a duplicate
  planner.plan_line(kGap, kStream, out);
  EXPECT_EQ(ids_of(out), (std::vector<std::string>{"100-0", "90-0", "100-1"}));
}

}  // namespace
}  // namespace depthrec::redis

// depthrec-replay --to-redis's pieces without a server: where a recorded line came from (stream,
// recv_ns) and the arguments of the fill script for entries the live sink's planner made.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/stream_fill.hpp"

namespace depthrec::redis {
namespace {

const std::string kFillDepthLine =
    R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","conn_id":1,"ts_recv":1.5,"recv_ns":1721347020984480942,"E":1721347022504,"U":10,"u":12,"pu":9,"kind":"diff","b":[],"a":[]})";
const std::string kFillSnapshotLine =
    R"({"type":"snapshot","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","conn_id":1,"recv_ns":5,"lastUpdateId":11,"E":null,"T":null,"bids":[],"asks":[]})";

TEST(StreamFill, LineOriginIsTheRecordsStreamAndReceiveTime) {
  const LineOrigin origin = parse_line_origin(kFillDepthLine);
  EXPECT_EQ(origin.stream, "btcusdt@depth@100ms");
  ASSERT_TRUE(origin.recv_ns.has_value());
  EXPECT_EQ(*origin.recv_ns, 1721347020984480942);
  // A nested payload's names are not the record's own; missing or malformed: empty.
  const LineOrigin nested =
      parse_line_origin(R"({"type":"trade","data":{"stream":"x@trade","recv_ns":7}})");
  EXPECT_TRUE(nested.stream.empty());
  EXPECT_FALSE(nested.recv_ns.has_value());
  EXPECT_FALSE(parse_line_origin(R"({"stream":"a@b","recv_ns":-3})").recv_ns.has_value());
  EXPECT_FALSE(parse_line_origin("not json").recv_ns.has_value());
}

TEST(StreamFill, ArgumentsCarryEachPlannedEntrysIdAndFields) {
  EntryPlanner planner(KeyOptions{});
  std::vector<PlannedEntry> entries;
  planner.plan_line(kFillSnapshotLine, "btcusdt@depth@100ms", entries);  // held: no sequence yet
  planner.plan_line(kFillDepthLine, "btcusdt@depth@100ms", entries);
  ASSERT_EQ(entries.size(), 2u);
  const std::vector<std::string> argv = fill_arguments(entries);
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv[0], "EVAL");
  EXPECT_EQ(argv[1].rfind("#!lua\n", 0), 0u) << "Redis 7 flags: refused whole under OOM";
  EXPECT_EQ(argv[2], "1");
  EXPECT_EQ(argv[3], "depthrec:usdm:BTCUSDT:depth");
  std::size_t at = 4;
  for (const PlannedEntry& entry : entries) {
    ASSERT_LT(at + 1, argv.size());
    EXPECT_EQ(argv[at], entry.id);
    EXPECT_EQ(argv[at + 1], std::to_string(entry.fields.size() * 2));
    EXPECT_EQ(argv[at + 2], "data");
    at += 2 + entry.fields.size() * 2;
  }
  EXPECT_EQ(at, argv.size());
  EXPECT_EQ(argv[4], "11-1") << "the snapshot before the first event: <u - 1>-1";
  EXPECT_EQ(argv[4 + 2 + entries[0].fields.size() * 2], "12-0");
  EXPECT_EQ(fill_arguments({}).size(), 4u);
}

}  // namespace
}  // namespace depthrec::redis

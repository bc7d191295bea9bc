// The sink writes a line's XADD straight from the line (EntryBatch::add_line): its bytes must be
// those of the PlannedEntry the same planner makes of the same lines (xadd_arguments, then
// append_resp_command: the bytes hiredis formats, resp_command_test.cpp), for every kind of
// entry: records, markers held and released, markers after a sequence, connection records with
// and without MINID, gap entries, lines with fields missing, two routes of one stream.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "redis/entry_batch.hpp"
#include "redis/entry_planner.hpp"
#include "redis/resp_command.hpp"

namespace depthrec::redis {
namespace {

struct BatchLine {
  std::string line;
  std::string stream;
};

std::string batch_depth_line(std::uint64_t u, std::int64_t event_ms, std::string_view symbol) {
  return R"({"type":"depth","symbol":")" + std::string(symbol) +
         R"(","market":"usdm","stream":"x","recv_ns":1721347020984480942,"E":)" +
         std::to_string(event_ms) + R"(,"U":1,"u":)" + std::to_string(u) +
         R"(,"b":[["1.0","2"]],"a":[]})";
}

std::vector<BatchLine> batch_lines() {
  const std::string depth = "btcusdt@depth@100ms";
  return {
      {R"({"type":"snapshot","symbol":"BTCUSDT","market":"usdm","recv_ns":2,"lastUpdateId":90,"E":1700000000000,"bids":[],"asks":[]})",
       depth},  // held: no sequence yet
      {R"({"type":"gap","reason":"reconnect","symbol":"BTCUSDT","market":"usdm","recv_ns":3})",
       depth},                                                       // held too
      {batch_depth_line(100, 1'700'000'000'000, "BTCUSDT"), depth},  // releases them
      {batch_depth_line(105, 1'700'000'090'000, "BTCUSDT"), depth},
      {R"({"type":"book","symbol":"BTCUSDT","market":"usdm","recv_ns":4,"lastUpdateId":105,"E":5,"bids":[],"asks":[]})",
       depth},                                                       // a marker after 105: 105-1
      {batch_depth_line(104, 1'700'000'100'000, "BTCUSDT"), depth},  // below the top
      {batch_depth_line(7, 1'700'000'100'000, "ETHUSDT"), depth},    // another route, same name
      {R"({"type":"connect","market":"usdm","stream":"connections","recv_ns":1721347020984480942,"url":"ws://x"})",
       "connections"},
      {R"({"type":"disconnect","market":"usdm"})", "connections"},  // no recv_ns: no MINID
      {R"({"type":"aggTrade","symbol":"ETHUSDT","market":"spot","recv_ns":9,"id":812,"E":1700000000001,"data":{"a":1}})",
       "ethusdt@aggTrade"},
      {R"({"type":"trade","market":"spot","id":5})", "ethusdt@trade"},  // no symbol, no E
      {R"({"type":"mystery"})", "ethusdt@trade"},                       // a marker after 5
      {"", "ethusdt@trade"},                                            // nothing
  };
}

// Both ways, with the same options; a gap entry planned between the lines by both.
void expect_written_as_planned(std::int64_t max_age_ms, const std::string& maxlen) {
  SCOPED_TRACE("max_age_ms " + std::to_string(max_age_ms) + " maxlen '" + maxlen + "'");
  EntryPlanner by_value{KeyOptions{}, max_age_ms};
  EntryPlanner in_place{KeyOptions{}, max_age_ms};
  std::vector<PlannedEntry> planned;
  EntryBatch batch(maxlen);
  SkippedRange skipped;
  skipped.add("usdm", "BTCUSDT", "btcusdt@depth@100ms", 110);
  for (const BatchLine& line : batch_lines()) {
    by_value.plan_line(line.line, line.stream, planned);
    in_place.plan_line(line.line, in_place.stream_slot(line.stream), batch);
    if (line.line.find(R"("u":105)") != std::string::npos) {
      by_value.plan_skipped("depthrec:usdm:BTCUSDT:depth", skipped, planned);
      in_place.plan_skipped("depthrec:usdm:BTCUSDT:depth", skipped, batch);
    }
  }
  ASSERT_EQ(batch.size(), planned.size());
  std::string expected;
  std::vector<std::string_view> argv;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    xadd_arguments(planned[i], maxlen, argv);
    append_resp_command(expected, argv);
    EXPECT_EQ(batch.key(i), planned[i].key);
    EXPECT_EQ(batch.is_gap(i), planned[i].gap);
    EXPECT_EQ(batch.recv_ns(i), planned[i].recv_ns);
    SkippedRange from_batch;
    SkippedRange from_entry;
    batch.add_skipped(i, from_batch);
    from_entry.add(planned[i]);
    EXPECT_EQ(from_batch.count, from_entry.count);
    EXPECT_EQ(from_batch.first_sequence, from_entry.first_sequence);
    EXPECT_EQ(from_batch.stream, from_entry.stream);
    EXPECT_EQ(from_batch.symbol, from_entry.symbol);
  }
  EXPECT_EQ(batch.commands(), expected);
  // The trimming each case is about is in the bytes compared.
  EXPECT_EQ(expected.find("MINID") != std::string::npos, max_age_ms > 0);
  EXPECT_EQ(expected.find("MAXLEN") != std::string::npos, !maxlen.empty());
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.commands().empty());
}

TEST(EntryBatch, LinesAreWrittenAsTheirPlannedEntriesFormat) {
  expect_written_as_planned(0, "10000");
  expect_written_as_planned(0, "");
  expect_written_as_planned(60'000, "");  // MINID by age on the depth and connections keys
}

TEST(EntryBatch, ASlotIsOnePerStreamName) {
  EntryPlanner planner{KeyOptions{}};
  const std::uint32_t depth = planner.stream_slot("btcusdt@depth@100ms");
  EXPECT_EQ(planner.stream_slot("btcusdt@depth@100ms"), depth);
  EXPECT_NE(planner.stream_slot("connections"), depth);
}

}  // namespace
}  // namespace depthrec::redis

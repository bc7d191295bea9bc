// The sink writes its XADDs in RESP itself (resp_command.hpp): the bytes must be those hiredis'
// own formatter produced for the same arguments, for the entries the planner makes (records,
// markers, gap entries, MAXLEN and MINID trimming), binary-safe data and empty fields included.
#include <hiredis/hiredis.h>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/resp_command.hpp"

namespace depthrec::redis {
namespace {

// What hiredis' redisFormatCommandArgv makes of `argv`.
std::string hiredis_formatted(const std::vector<std::string_view>& argv) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const std::string_view arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* command = nullptr;
  const int length = redisFormatCommandArgv(&command, static_cast<int>(argv.size()),
                                            pointers.data(), lengths.data());
  EXPECT_GT(length, 0);
  std::string out(command, static_cast<std::size_t>(length));
  redisFreeCommand(command);
  return out;
}

// Every entry's XADD, formatted by both, one after the other as a pipelined batch.
void expect_batch_as_hiredis_formats_it(const std::vector<PlannedEntry>& entries,
                                        std::string_view maxlen) {
  std::string ours;
  std::string theirs;
  std::vector<std::string_view> argv;
  for (const PlannedEntry& entry : entries) {
    xadd_arguments(entry, maxlen, argv);
    append_resp_command(ours, argv);
    theirs += hiredis_formatted(argv);
  }
  EXPECT_EQ(ours, theirs);
}

const std::string kRespDepth =
    R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":1721347020984480942,"E":1721347022504,"U":4984028367545,"u":4984028370730,"pu":4984028367494,"b":[["1000.00","569.567"]],"a":[]})";
const std::string kRespSnapshot =
    R"({"type":"snapshot","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":2,"lastUpdateId":4984028370000,"E":1721347022000,"bids":[],"asks":[]})";
const std::string kRespConnect =
    R"({"type":"connect","market":"usdm","stream":"connections","recv_ns":1721347020984480942,"url":"ws://127.0.0.1:1/stream"})";

TEST(RespCommand, PlannedEntriesAreFormattedAsHiredisFormatsThem) {
  EntryPlanner planner{KeyOptions{}};
  std::vector<PlannedEntry> entries;
  planner.plan_line(kRespSnapshot, "btcusdt@depth@100ms", entries);  // held, then before u
  planner.plan_line(kRespDepth, "btcusdt@depth@100ms", entries);
  planner.plan_line(kRespConnect, "connections", entries);  // id "*"
  SkippedRange skipped;
  skipped.count = 3;
  skipped.first_sequence = 4984028370731;
  skipped.last_sequence = 4984028370740;
  skipped.market = "usdm";
  skipped.symbol = "BTCUSDT";
  skipped.stream = "btcusdt@depth@100ms";
  planner.plan_skipped("depthrec:usdm:BTCUSDT:depth", skipped, entries);
  ASSERT_EQ(entries.size(), 4u);
  expect_batch_as_hiredis_formats_it(entries, "10000");
  expect_batch_as_hiredis_formats_it(entries, "");  // no trimming
  EntryPlanner by_age{KeyOptions{}, 60'000};        // MINID ~ <id>
  std::vector<PlannedEntry> aged;
  by_age.plan_line(kRespConnect, "connections", aged);
  by_age.plan_line(kRespDepth, "btcusdt@depth@100ms", aged);
  ASSERT_FALSE(aged.front().min_id.empty());
  expect_batch_as_hiredis_formats_it(aged, "10000");
}

TEST(RespCommand, BinaryDataAndEmptyFieldsAsHiredis) {
  PlannedEntry entry;
  entry.key = "k";
  entry.id = "1-0";
  entry.fields = {{"data", std::string("a\0b\r\n$3\r\n*1\r\n\xff", 15)},
                  {"", ""},
                  {"symbol", ""},
                  {std::string(1000, 'x'), std::string(70'000, 'y')}};
  expect_batch_as_hiredis_formats_it({entry}, "10000");
  std::string empty;
  append_resp_command(empty, {});
  EXPECT_EQ(empty, "*0\r\n");
  std::string one;
  append_resp_command(one, {""});
  EXPECT_EQ(one, hiredis_formatted({""}));
}

}  // namespace
}  // namespace depthrec::redis

// Trimming by age (--redis-max-age): durations, the time -> sequence marks behind MINID, and the
// XADD arguments each trimming gives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/age_trim.hpp"
#include "redis/entry_planner.hpp"

namespace depthrec::redis {
namespace {

std::string age_trim_depth_line(std::uint64_t u, std::int64_t event_ms) {
  return R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":1,"E":)" +
         std::to_string(event_ms) + R"(,"U":1,"u":)" + std::to_string(u) + R"(,"b":[],"a":[]})";
}

TEST(AgeTrim, DurationsByUnit) {
  EXPECT_EQ(parse_duration_ms("500ms"), 500);
  EXPECT_EQ(parse_duration_ms("90s"), 90'000);
  EXPECT_EQ(parse_duration_ms("10m"), 600'000);
  EXPECT_EQ(parse_duration_ms("2h"), 7'200'000);
  EXPECT_EQ(parse_duration_ms("1d"), 86'400'000);
  EXPECT_EQ(parse_duration_ms("365d"), std::int64_t{365} * 86'400'000);
  for (const char* bad :
       {"", "10", "m", "0s", "-5s", "1.5h", "10 m", "366d", "5w", "99999999999999999999s"})
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
}

TEST(AgeTrim, TheThresholdIsTheNewestMarkAtLeastTheAgeOld) {
  SequenceClock clock;
  // One event a 100 ms, sequence = 10 x the tenth of a second; age 2 s.
  std::optional<std::uint64_t> threshold;
  for (std::int64_t t = 0; t <= 5000; t += 100)
    threshold = clock.note(t, static_cast<std::uint64_t>(t / 10), 2000);
  // Marks at 0, 1000, ... 5000 ms (one a second); at 5000 the newest mark 2 s old is at 3000.
  ASSERT_TRUE(threshold.has_value());
  EXPECT_EQ(*threshold, 300u);
  SequenceClock young;
  EXPECT_FALSE(young.note(0, 1, 2000).has_value()) << "nothing is that old yet";
  EXPECT_FALSE(young.note(1900, 2, 2000).has_value());
  EXPECT_EQ(young.note(2000, 3, 2000), 1u);
}

TEST(AgeTrim, XaddArgumentsTrimByMinidOrByMaxlen) {
  PlannedEntry entry;
  entry.key = "k";
  entry.id = "120-0";
  entry.fields = {{"data", "x"}};
  std::vector<std::string_view> argv;
  xadd_arguments(entry, "10000", argv);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"XADD", "k", "MAXLEN", "~", "10000", "120-0",
                                                 "data", "x"}));
  xadd_arguments(entry, "", argv);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"XADD", "k", "120-0", "data", "x"}));
  entry.min_id = "100-0";
  xadd_arguments(entry, "10000", argv);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"XADD", "k", "MINID", "~", "100-0", "120-0",
                                                 "data", "x"}))
      << "one strategy a command: MINID wins";
}

TEST(AgeTrim, PlannedEntriesCarryTheirKeysMinid) {
  EntryPlanner planner(KeyOptions{}, 2000);
  std::vector<PlannedEntry> out;
  for (std::uint64_t i = 0; i <= 30; ++i)
    planner.plan_line(age_trim_depth_line(1000 + i, 1'700'000'000'000 + i * 100),
                      "btcusdt@depth@100ms", out);
  EXPECT_TRUE(out.front().min_id.empty());
  // At E0 + 3000 ms the newest mark at least 2 s old is E0 + 1000 ms (u 1010).
  EXPECT_EQ(out.back().min_id, "1010-0");
  planner.plan_line(
      R"({"type":"resync","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":1})",
      "btcusdt@depth@100ms", out);
  EXPECT_EQ(out.back().min_id, "1010-0") << "a marker trims as its key does";
  EntryPlanner no_age{KeyOptions{}};
  no_age.plan_line(age_trim_depth_line(5, 1'700'000'000'000), "btcusdt@depth@100ms", out);
  EXPECT_TRUE(out.back().min_id.empty());
}

}  // namespace
}  // namespace depthrec::redis

// The live --parquet files' rotation: period boundaries (UTC aligned, cut at midnight), the
// --parquet-rotate text, file names; and the sink that opens, closes and names the files by them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parquet_tables/live_sink.hpp"
#include "parquet_tables/rotation.hpp"

namespace depthrec::export_parquet {
namespace {

constexpr std::int64_t kSecond = kNanosPerSecond;
constexpr std::int64_t kHour = 3600 * kSecond;
// 2024-07-18T00:00:00Z
constexpr std::int64_t kJuly18 = 1'721'260'800LL * kSecond;

TEST(LiveRotationPeriod, HoursAreUtcAlignedAndAnEndBelongsToTheNextPeriod) {
  const RotationPeriod first = rotation_period(kJuly18 + 5 * kHour + 59 * 60 * kSecond, kHour);
  EXPECT_EQ(first.begin_ns, kJuly18 + 5 * kHour);
  EXPECT_EQ(first.end_ns, kJuly18 + 6 * kHour);
  const RotationPeriod boundary = rotation_period(kJuly18 + 6 * kHour, kHour);
  EXPECT_EQ(boundary.begin_ns, kJuly18 + 6 * kHour);
  const RotationPeriod last_ns = rotation_period(kJuly18 + 6 * kHour - 1, kHour);
  EXPECT_EQ(last_ns.begin_ns, kJuly18 + 5 * kHour);
}

TEST(LiveRotationPeriod, APeriodThatDoesNotDivideTheDayIsCutAtMidnight) {
  const std::int64_t seven_hours = 7 * kHour;
  // 21:00 .. 24:00, not 21:00 .. 04:00: every row of a file is of its date= partition.
  const RotationPeriod evening = rotation_period(kJuly18 + 22 * kHour, seven_hours);
  EXPECT_EQ(evening.begin_ns, kJuly18 + 21 * kHour);
  EXPECT_EQ(evening.end_ns, kJuly18 + 24 * kHour);
  const RotationPeriod next_day = rotation_period(kJuly18 + 24 * kHour + 1, seven_hours);
  EXPECT_EQ(next_day.begin_ns, kJuly18 + 24 * kHour);
  EXPECT_EQ(next_day.end_ns, kJuly18 + 31 * kHour);
}

TEST(LiveRotationPeriod, SecondsAndTimesBefore1970) {
  const RotationPeriod second = rotation_period(kJuly18 + 1'500'000'000, kSecond);
  EXPECT_EQ(second.begin_ns, kJuly18 + kSecond);
  EXPECT_EQ(second.end_ns, kJuly18 + 2 * kSecond);
  const RotationPeriod before_epoch = rotation_period(-1, kHour);
  EXPECT_EQ(before_epoch.begin_ns, -kHour);
  EXPECT_EQ(before_epoch.end_ns, 0);
}

TEST(LiveRotationText, UnitsBoundsAndRefusals) {
  EXPECT_EQ(parse_rotation_seconds("1h"), 3600);
  EXPECT_EQ(parse_rotation_seconds("15m"), 900);
  EXPECT_EQ(parse_rotation_seconds("10s"), 10);
  EXPECT_EQ(parse_rotation_seconds("24h"), 86'400);
  for (const char* bad : {"25h", "0s", "1d", "", "h", "1.5h", "-1h", "1 h", "86401s", "1hh"}) {
    EXPECT_FALSE(parse_rotation_seconds(bad).has_value()) << bad;
  }
}

TEST(LiveRotationText, FileNamesAreThePeriodsUtcStart) {
  EXPECT_EQ(rotation_file_name(kJuly18, 0), "part-000000-000.parquet");
  EXPECT_EQ(rotation_file_name(kJuly18 + 13 * kHour + 30 * 60 * kSecond + 5 * kSecond, 2),
            "part-133005-002.parquet");
}

TEST(LiveRotationText, FileNamesSortInTimeOrder) {
  // Lexical order (a glob's, `ls`) is time order: later periods, then later parts of a period,
  // a crash's recovered file before the part written after it.
  const std::vector<std::string> in_time_order = {
      rotation_file_name(kJuly18, 0),         "part-000000-000.recovered.parquet",
      rotation_file_name(kJuly18, 1),         rotation_file_name(kJuly18, 10),
      rotation_file_name(kJuly18, 999),       rotation_file_name(kJuly18 + kSecond, 0),
      rotation_file_name(kJuly18 + kHour, 0), rotation_file_name(kJuly18 + 10 * kHour, 0)};
  std::vector<std::string> sorted = in_time_order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, in_time_order);
}

// The sink against a clock the test sets.
class LiveSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "depthrec-live-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LiveParquetOptions options(const std::string& dir) const {
    LiveParquetOptions o;
    o.dir = dir;
    o.rotate_ns = kHour;
    o.close_grace_ns = 2 * kSecond;
    return o;
  }
  static std::string trade_line(std::int64_t recv_ns, int id) {
    return R"({"type":"trade","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@trade","recv_ns":)" +
           std::to_string(recv_ns) + R"(,"id":)" + std::to_string(id) +
           R"(,"E":1721347020301,"T":1721347020300,"data":{"e":"trade","E":1721347020301,"s":"BTCUSDT","t":)" +
           std::to_string(id) + R"(,"p":"63947.40","q":"0.001","T":1721347020300,"m":false}})" +
           "\n";
  }
  std::vector<std::string> files(const std::string& suffix) const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
      const std::string path = entry.path().string();
      if (entry.is_regular_file() && path.size() >= suffix.size() &&
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
        found.push_back(entry.path().filename().string());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  std::string dir_;
  std::int64_t now_ = kJuly18;
};

TEST_F(LiveSinkTest, AFileClosesWhenTheClockPassesItsPeriodAndGrace) {
  LiveParquetOptions decided_at_once = options(dir_);
  decided_at_once.row_group_bytes = 1;  // each file's first line decides its types: it opens
  LiveParquetSink sink(decided_at_once, [this] { return now_; });
  ASSERT_TRUE(
      sink.write(trade_line(kJuly18 + 10 * kSecond, 1) + trade_line(kJuly18 + kHour + kSecond, 2))
          .ok());
  EXPECT_EQ(files(".parquet.tmp"), (std::vector<std::string>{"part-000000-000.parquet.tmp",
                                                             "part-010000-000.parquet.tmp"}));
  now_ = kJuly18 + kHour + kSecond;  // the first period ended, its grace not yet
  sink.flush();
  EXPECT_EQ(sink.figures().files_closed, 0u);
  now_ = kJuly18 + kHour + 2 * kSecond;
  sink.flush();
  EXPECT_EQ(files(".parquet"), (std::vector<std::string>{"part-000000-000.parquet"}));
  // A row of the closed period that comes late goes to a file of its own, never the closed one.
  ASSERT_TRUE(sink.write(trade_line(kJuly18 + 20 * kSecond, 3)).ok());
  sink.close();
  EXPECT_EQ(files(".parquet"),
            (std::vector<std::string>{"part-000000-000.parquet", "part-000000-001.parquet",
                                      "part-010000-000.parquet"}));
  EXPECT_TRUE(files(".tmp").empty());
  const ParquetSinkState figures = sink.figures();
  EXPECT_EQ(figures.files_closed, 3u);
  EXPECT_EQ(figures.files_open, 0u);
  EXPECT_EQ(figures.rows, 3u);
  EXPECT_GT(figures.bytes, 3u * 8u);  // PAR1 ... PAR1 each
}

TEST_F(LiveSinkTest, RecordsOfNoDatasetAreSkippedAndCounted) {
  LiveParquetSink sink(options(dir_), [this] { return now_; });
  sink.write(
      R"({"type":"connect","market":"usdm","symbol":"BTCUSDT","stream":"connections","recv_ns":1721347020900000011,"url":"wss://x"})"
      "\nnot json\n");
  sink.close();
  EXPECT_EQ(sink.figures().records_skipped, 2u);
  EXPECT_EQ(sink.figures().files_closed, 0u);
}

TEST_F(LiveSinkTest, AnUnwritableDirectoryRefusesRowsWithAClearError) {
  const std::string file = dir_ + "/not-a-dir";
  std::ofstream(file) << "x";
  LiveParquetSink sink(options(file + "/parquet"), [this] { return now_; });
  EXPECT_TRUE(sink.write(trade_line(kJuly18, 1) + trade_line(kJuly18 + 1, 2)).ok());
  sink.close();
  const ParquetSinkState figures = sink.figures();
  EXPECT_EQ(figures.rows_refused, 2u);
  EXPECT_EQ(figures.files_failed, 1u);  // one attempt per period, not per row
  EXPECT_NE(figures.last_error.find("cannot create"), std::string::npos) << figures.last_error;
}

TEST_F(LiveSinkTest, LeftoverTemporariesAreRenamedPartialAndCompleteFilesKept) {
  const std::string partition = dir_ + "/channel=depth/market=usdm/symbol=BTCUSDT/date=2024-07-18";
  std::filesystem::create_directories(partition);
  std::ofstream(partition + "/part-000000-000.parquet") << "PAR1";
  std::ofstream(partition + "/part-010000-000.parquet.tmp") << "PAR1";
  const LeftoverFiles leftovers = handle_leftover_temporaries(dir_);
  EXPECT_TRUE(leftovers.errors.empty());
  EXPECT_TRUE(leftovers.recovered.empty());  // no footer checkpoint beside it
  ASSERT_EQ(leftovers.partial.size(), 1u);
  EXPECT_EQ(leftovers.partial[0], partition + "/part-010000-000.parquet.partial");
  EXPECT_EQ(files(".parquet"), (std::vector<std::string>{"part-000000-000.parquet"}));
  EXPECT_EQ(files(".partial"), (std::vector<std::string>{"part-010000-000.parquet.partial"}));
  // A later run never names a file over a leftover.
  LiveParquetSink sink(options(dir_), [this] { return now_; });
  sink.write(
      R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":)" +
      std::to_string(kJuly18 + kHour + 1) +
      R"(,"E":1721347020101,"T":1721347020100,"U":99,"u":101,"pu":98,"kind":"diff","b":[["63943.90","0"]],"a":[]})"
      "\n");
  sink.close();
  EXPECT_EQ(files(".parquet"),
            (std::vector<std::string>{"part-000000-000.parquet", "part-010000-001.parquet"}));
}

}  // namespace
}  // namespace depthrec::export_parquet

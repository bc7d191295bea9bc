// CsvSink: rows in the file of their table, symbol and UTC receive day, the header once, rows
// appended across restarts, a torn last row cut off, another header not appended to, and the
// bound on unwritten rows.
#include "depthrec/csv_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "recording/csv_rows.hpp"
#include "recording_test_support.hpp"

namespace depthrec {
namespace {

using testing::read_bytes;
using testing::ScratchDir;

constexpr std::int64_t kCsvSinkDay1Ns = 1796601599000000000;  // 2026-12-06T23:59:59Z
constexpr std::int64_t kCsvSinkDay2Ns = 1796601601000000000;  // 2026-12-07T00:00:01Z

std::string csv_sink_trade_line(std::int64_t recv_ns, int id) {
  return R"({"type":"trade","symbol":"BTCUSDT","market":"spot","stream":"btcusdt@trade",)"
         R"("recv_ns":)" +
         std::to_string(recv_ns) + R"(,"id":)" + std::to_string(id) +
         R"(,"E":1,"T":2,"data":{"t":)" + std::to_string(id) +
         R"(,"T":2,"p":"1.50","q":"2.000","m":false}})"
         "\n";
}

std::string csv_sink_trade_row(std::int64_t recv_ns, int id) {
  return std::to_string(recv_ns) + ",1,2," + std::to_string(id) + ",1.50,2.000,false,ws\n";
}

CsvSinkConfig csv_sink_config(const ScratchDir& dir) {
  CsvSinkConfig config;
  config.directory = dir.str() + "/csv";
  return config;
}

const std::string kTradeHeader(recording::csv_header(recording::CsvTable::trade));

TEST(CsvSink, RowsGoToTheFileOfTheirUtcDayWithTheHeaderOnce) {
  ScratchDir dir;
  CsvSink sink(csv_sink_config(dir));
  ASSERT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay1Ns, 1)).ok());
  ASSERT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns, 2) +
                         csv_sink_trade_line(kCsvSinkDay2Ns + 1, 3))
                  .ok());
  ASSERT_TRUE(sink.write(R"({"type":"connect","symbol":"BTCUSDT","market":"spot","recv_ns":1})"
                         "\n")
                  .ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "csv")) << "nothing before the flush";
  ASSERT_TRUE(sink.flush().ok());
  const auto folder = dir.path() / "csv" / "spot";
  EXPECT_EQ(read_bytes(folder / "trade_BTCUSDT_20261206.csv"),
            kTradeHeader + csv_sink_trade_row(kCsvSinkDay1Ns, 1));
  EXPECT_EQ(read_bytes(folder / "trade_BTCUSDT_20261207.csv"),
            kTradeHeader + csv_sink_trade_row(kCsvSinkDay2Ns, 2) +
                csv_sink_trade_row(kCsvSinkDay2Ns + 1, 3));
  ASSERT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns + 2, 4)).ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(read_bytes(folder / "trade_BTCUSDT_20261207.csv"),
            kTradeHeader + csv_sink_trade_row(kCsvSinkDay2Ns, 2) +
                csv_sink_trade_row(kCsvSinkDay2Ns + 1, 3) +
                csv_sink_trade_row(kCsvSinkDay2Ns + 2, 4));
  const CsvSinkStats stats = sink.stats();
  EXPECT_EQ(stats.lines_in, 5u);
  EXPECT_EQ(stats.lines_not_csv, 1u);
  EXPECT_EQ(stats.rows_written, 4u);
  EXPECT_EQ(stats.files_created, 2u);
  EXPECT_EQ(stats.write_errors, 0u);
  EXPECT_EQ(stats.unwritten_bytes, 0u);
}

TEST(CsvSink, WithoutDailyFilesOneFilePerTableAndSymbol) {
  ScratchDir dir;
  CsvSinkConfig config = csv_sink_config(dir);
  config.daily_files = false;
  CsvSink sink(config);
  ASSERT_TRUE(
      sink.write(csv_sink_trade_line(kCsvSinkDay1Ns, 1) + csv_sink_trade_line(kCsvSinkDay2Ns, 2))
          .ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(
      read_bytes(dir.path() / "csv" / "spot" / "trade_BTCUSDT.csv"),
      kTradeHeader + csv_sink_trade_row(kCsvSinkDay1Ns, 1) + csv_sink_trade_row(kCsvSinkDay2Ns, 2));
}

TEST(CsvSink, ARestartAppendsAfterCuttingATornRow) {
  ScratchDir dir;
  const auto folder = dir.path() / "csv" / "spot";
  std::filesystem::create_directories(folder);
  const auto path = folder / "trade_BTCUSDT_20261207.csv";
  // A previous run's rows, the last one cut short by a crash.
  std::ofstream(path) << kTradeHeader << csv_sink_trade_row(kCsvSinkDay2Ns, 1) << "17966016,1,2";
  CsvSink sink(csv_sink_config(dir));
  ASSERT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns + 5, 2)).ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(read_bytes(path), kTradeHeader + csv_sink_trade_row(kCsvSinkDay2Ns, 1) +
                                  csv_sink_trade_row(kCsvSinkDay2Ns + 5, 2));
  EXPECT_EQ(sink.stats().torn_rows_cut, 1u);
  EXPECT_EQ(sink.stats().files_created, 0u);
}

TEST(CsvSink, AFileWithAnotherHeaderIsNotAppendedTo) {
  ScratchDir dir;
  const auto folder = dir.path() / "csv" / "spot";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "trade_BTCUSDT_20261207.csv") << "time,price\n1,2\n";
  CsvSink sink(csv_sink_config(dir));
  ASSERT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns, 1)).ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(read_bytes(folder / "trade_BTCUSDT_20261207.csv"), "time,price\n1,2\n");
  EXPECT_EQ(read_bytes(folder / "trade_BTCUSDT_20261207.2.csv"),
            kTradeHeader + csv_sink_trade_row(kCsvSinkDay2Ns, 1));
}

TEST(CsvSink, UnwrittenRowsAreBoundedAndKeptWhileStorageFails) {
  ScratchDir dir;
  CsvSinkConfig config = csv_sink_config(dir);
  // The market's folder is a file: every open fails, as a vanished or broken disk would.
  std::filesystem::create_directories(dir.path() / "csv");
  std::ofstream(dir.path() / "csv" / "spot") << "not a folder";
  const std::size_t row = csv_sink_trade_row(kCsvSinkDay2Ns, 1).size();
  config.max_unwritten_bytes = row * 2;
  CsvSink sink(config);
  EXPECT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns, 1)).ok());
  const SinkStatus failed = sink.flush();
  EXPECT_EQ(failed.code, SinkStatus::Code::failed);
  EXPECT_NE(failed.message.find("trade_BTCUSDT_20261207.csv"), std::string::npos) << failed.message;
  EXPECT_TRUE(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns, 2)).ok());
  EXPECT_EQ(sink.write(csv_sink_trade_line(kCsvSinkDay2Ns, 3)).code, SinkStatus::Code::dropped);
  // Storage back: the rows held are written, in order.
  std::filesystem::remove(dir.path() / "csv" / "spot");
  EXPECT_TRUE(sink.close().ok());
  EXPECT_EQ(
      read_bytes(dir.path() / "csv" / "spot" / "trade_BTCUSDT_20261207.csv"),
      kTradeHeader + csv_sink_trade_row(kCsvSinkDay2Ns, 1) + csv_sink_trade_row(kCsvSinkDay2Ns, 2));
  const CsvSinkStats stats = sink.stats();
  EXPECT_EQ(stats.lines_refused, 1u);
  EXPECT_GE(stats.write_errors, 1u);
  EXPECT_EQ(stats.rows_written, 2u);
  EXPECT_EQ(stats.rows_lost, 0u);
}

}  // namespace
}  // namespace depthrec

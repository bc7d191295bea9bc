// depthrec-export's datasets read back by hyparquet and DuckDB and compared value by value with
// the recording they came from (expected rows: export_support.hpp).
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::export_readback_test {
namespace {

namespace fs = std::filesystem;

class ParquetExport : public ExportTest {
 protected:
  void expect_channel(const std::string& out, const std::string& channel,
                      const std::vector<std::string>& columns, const std::vector<Row>& expected) {
    for (const Reader reader : kReaders) {
      const Dump dump = read_channel(reader, out, channel);
      EXPECT_EQ(compare_rows(reader, dump, columns, expected, {"recv_time"}), "")
          << channel << " via " << name(reader);
    }
  }

  void export_real_capture(const std::string& file, const std::string& market,
                           const std::string& tag) {
    const std::string source = std::string(DEPTHREC_REAL_DATA_DIR) + "/" + file;
    std::string text;
    ASSERT_TRUE(gunzip_file(source, text)) << source;
    const Expected expected = expected_from(text);
    ASSERT_GT(expected.depth.size(), 1000u);
    const std::string out = dir_ + "/out";
    const ExportRun run = run_export({"-o", out, source});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("/channel=depth/market=" + market + "/symbol=BTCUSDT/date="),
              std::string::npos)
        << run.output;
    expect_channel(out, "depth", kDepthColumns, expected.depth);
    expect_channel(out, "trade", kTradeColumns, expected.trade);
    ASSERT_GT(expected.book_ticker.size(), 1000u);
    expect_channel(out, "bookTicker", kBookTickerColumns, expected.book_ticker);
    EXPECT_TRUE(part_files(out, "aggTrade").empty());

    const double parquet_bytes = static_cast<double>(bytes_under(out));
    const double events = static_cast<double>(expected.depth_events + expected.trade.size());
    report_figure(tag + "_depth_rows", static_cast<double>(expected.depth.size()));
    report_figure(tag + "_trade_rows", static_cast<double>(expected.trade.size()));
    report_figure(tag + "_parquet_bytes_per_event", parquet_bytes / events);
    report_figure(tag + "_parquet_bytes_per_depth_row",
                  static_cast<double>(bytes_under(out + "/channel=depth")) /
                      static_cast<double>(expected.depth.size()));
    // The capture's bookTicker frames are in the bookTicker dataset, not counted as events here.
    report_figure(tag + "_capture_gz_bytes", static_cast<double>(fs::file_size(source)));
    report_figure(tag + "_parquet_bytes", parquet_bytes);
  }
};

TEST_F(ParquetExport, RealUsdmCaptureEveryValueReadsBack) {
  export_real_capture("usdm_btcusdt_20240718.gz", "usdm", "usdm");
}

TEST_F(ParquetExport, RealSpotCaptureEveryValueReadsBack) {
  export_real_capture("spot_btcusdt_20240808.gz", "spot", "spot");
}

// A depthrec recording (NDJSON) with every exported record type, a gap and its resync, nulls
// (spot has no T or pu), records not exported and a bad line, in two segments, the second cut
// short by a crash.
TEST_F(ParquetExport, RecordedSegmentsWithGapsTradesAndBadInput) {
  const std::string recording = dir_ + "/recording";
  fs::create_directories(recording);
  const std::vector<std::string> first = {
      R"({"type":"snapshot","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020000000001,"lastUpdateId":100,"E":1721347020001,"T":1721347020000,"bids":[["63943.90","1.500"]],"asks":[["63944.00","0.001"],["63945.10","2.000"]]})",
      R"({"type":"resync","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020000000002,"reason":"initial","lastUpdateId":100,"first_U":99,"first_u":101,"dropped_stale":3,"duration_ms":1.5})",
      R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020100000003,"E":1721347020101,"T":1721347020100,"U":99,"u":101,"pu":98,"kind":"diff","b":[["63943.90","0"]],"a":[]})",
      R"({"type":"gap","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020200000004,"reason":"pu_mismatch","last_u":101,"expected":101,"got_U":105,"got_pu":104,"got_u":107,"dropped":0})",
      R"({"type":"trade","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@trade","recv_ns":1721347020300000005,"id":12,"E":1721347020301,"T":1721347020300,"data":{"e":"trade","E":1721347020301,"s":"ETHUSDT","t":12,"p":"3000.50000000","q":"1.25000000","T":1721347020300,"m":false,"M":true}})",
      R"({"type":"gap","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@trade","recv_ns":1721347020400000006,"reason":"id_gap","from":13,"to":14,"missing":2,"last_id":12,"got_id":15})",
      R"({"type":"aggTrade","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@aggTrade","recv_ns":1721347020500000007,"id":7,"E":1721347020501,"T":1721347020500,"data":{"e":"aggTrade","E":1721347020501,"s":"ETHUSDT","a":7,"p":"3000.49","q":"0.001","f":15,"l":17,"T":1721347020500,"m":true}})",
      R"({"type":"depth","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@depth@100ms","recv_ns":1721347020600000008,"E":1721347020601,"T":null,"U":5,"u":6,"pu":null,"kind":"diff","b":[["3000.01","10.5"]],"a":[["3000.02","0.00000001"]]})",
      R"({"type":"ticker","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@bookTicker","recv_ns":1721347020700000009,"u":101,"b":"63943.9","B":"1","a":"63944","A":"1","E":1,"T":1})",
      R"({"type":"klinez","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m","recv_ns":1721347020800000010})",
      "this line is not JSON",
      R"({"type":"connect","market":"usdm","symbol":"BTCUSDT","stream":"connections","recv_ns":1721347020900000011,"url":"wss://x"})",
  };
  {
    std::ofstream file(recording + "/a.000001.ndjson");
    for (const std::string& line : first) file << line << "\n";
  }
  // The second segment: gzip, its last member cut short (a crash mid-write).
  const std::vector<std::string> second = {
      R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721433600000000012,"E":1721433600001,"T":1721433600000,"U":105,"u":107,"pu":104,"kind":"diff","b":[["63000.15","0.010"]],"a":[["63000.20","5"]]})",
  };
  const std::string second_path = recording + "/a.000002.ndjson.gz";
  {
    gzFile gz = gzopen(second_path.c_str(), "wb");
    for (const std::string& line : second) gzwrite(gz, (line + "\n").data(), line.size() + 1);
    gzclose(gz);
    const auto whole_member = fs::file_size(second_path);
    gz = gzopen(second_path.c_str(), "ab");  // a second member, then cut in its middle
    const std::string lost = std::string(R"({"type":"depth","recv_ns":1,"lost":")") + "x\"}\n";
    gzwrite(gz, lost.data(), lost.size());
    gzclose(gz);
    fs::resize_file(second_path, whole_member + (fs::file_size(second_path) - whole_member) / 2);
  }
  // The expected rows of each market's partitions (market=spot sorts before market=usdm).
  const auto expected_of = [&](bool spot) {
    std::string text;
    for (const std::vector<std::string>* lines : {&first, &second}) {
      for (const std::string& line : *lines) {
        if ((line.find(R"("market":"spot")") != std::string::npos) == spot) text += line + "\n";
      }
    }
    return expected_from(text);
  };
  const Expected spot = expected_of(true);
  const Expected usdm = expected_of(false);
  const auto joined = [](std::vector<Row> a, const std::vector<Row>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };

  const std::string out = dir_ + "/out";
  const ExportRun run = run_export({"-o", out, recording});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Two bad lines: line 11, and the half line of the member the crash cut.
  for (const char* listed :
       {"skipped 1 connect records (not exported)",
        "skipped 1 `klinez` items (unknown or not exported)", "skipped 2 bad lines",
        "a.000001.ndjson:11: neither `<recv_time> <json>`"}) {
    EXPECT_NE(run.output.find(listed), std::string::npos) << listed << " in\n" << run.output;
  }
  EXPECT_NE(run.output.find("truncated " + second_path), std::string::npos) << run.output;
  // One file per partition: BTCUSDT (usdm) on two dates, ETHUSDT (spot) on one.
  const std::string btc_day2 =
      out + "/channel=depth/market=usdm/symbol=BTCUSDT/date=" + utc_date("1721433600000000012") +
      "/part-0.parquet";
  EXPECT_EQ(part_files(out, "depth").size(), 3u) << run.output;
  EXPECT_TRUE(fs::exists(btc_day2)) << run.output;
  expect_channel(out, "depth", kDepthColumns, joined(spot.depth, usdm.depth));
  expect_channel(out, "trade", kTradeColumns, spot.trade);
  expect_channel(out, "aggTrade", kAggTradeColumns, spot.agg_trade);
  expect_channel(out, "gaps", kGapColumns, joined(spot.gaps, usdm.gaps));
  ASSERT_EQ(usdm.book_ticker.size(), 1u);
  expect_channel(out, "bookTicker", kBookTickerColumns, usdm.book_ticker);
  ASSERT_EQ(spot.gaps.size() + usdm.gaps.size(), 3u);
  // Decimal scales per symbol: BTCUSDT prices need 2 digits, quantities 3; ETHUSDT 2 and 8.
  const Dump btc = read_parquet(Reader::duckdb, btc_day2);
  ASSERT_EQ(btc.error, "");
  EXPECT_EQ(btc.column_types[7], "DECIMAL(7,2)");
  EXPECT_EQ(btc.column_types[8], "DECIMAL(4,3)");
  EXPECT_EQ(btc.key_values.at("depthrec.symbol"), "BTCUSDT");
}

TEST_F(ParquetExport, UnwritableOutputIsAClearErrorAndNoFile) {
  const std::string source = std::string(DEPTHREC_REAL_DATA_DIR) + "/usdm_btcusdt_20240718.gz";
  const std::string out = dir_ + "/a-file";
  std::ofstream(out) << "not a directory";
  const ExportRun run = run_export({"-o", out, source});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("FAILED " + out + "/channel=depth/market=usdm/symbol=BTCUSDT/"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("cannot create"), std::string::npos) << run.output;
}

TEST_F(ParquetExport, ExistingFilesAreNeverOverwritten) {
  const std::string source = std::string(DEPTHREC_REAL_DATA_DIR) + "/usdm_btcusdt_20240718.gz";
  const std::string out = dir_ + "/out";
  ASSERT_EQ(run_export({"-o", out, source}).exit_code, 0);
  const auto files = part_files(out, "depth");
  ASSERT_EQ(files.size(), 1u);
  const auto size = fs::file_size(files[0]);
  const ExportRun again = run_export({"-o", out, source});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("exists: not overwritten"), std::string::npos) << again.output;
  EXPECT_EQ(fs::file_size(files[0]), size);
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    EXPECT_EQ(entry.path().extension(),
              entry.is_regular_file() ? ".parquet" : entry.path().extension())
        << entry.path();
  }
}

}  // namespace
}  // namespace itest::parquet_readers::export_readback_test

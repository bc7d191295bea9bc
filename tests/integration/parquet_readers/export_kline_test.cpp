// The kline dataset read back by hyparquet and DuckDB, every value compared with the recording:
// depthrec `kline` records (an open candle's update, its closing update with seed 000's ten
// columns, a candle without trades) and a raw capture's kline frame, merged by receive time.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers {
namespace {

TEST(ParquetKlines, EveryCandleUpdateReadsBackExactly) {
  ASSERT_TRUE(binary_exists("depthrec-export")) << "depthrec-export not built";
  const std::string error = ensure_readers_installed();
  ASSERT_TRUE(error.empty()) << error;
  const std::string dir = make_temp_dir("parquet-kline");
  const std::string candle =
      R"("k":{"t":1721347020000,"T":1721347079999,"s":"BTCUSDT","i":"1m","f":5001,"L":5090,"o":"63943.90","c":"63950.10","h":"63960.00","l":"63940.00","v":"12.345","n":90,"x":)";
  const std::string volumes = R"(,"q":"789456.12345","V":"6.001","Q":"383700.5","B":"0"}})";
  const std::string recording = dir + "/recording.ndjson";
  {
    std::ofstream file(recording);
    file
        << R"({"type":"kline","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m","recv_ns":1721347050000000001,"interval":"1m","open_time":1721347020000,"close_time":1721347079999,"closed":false,"E":1721347050000,"data":{"e":"kline","E":1721347050000,"s":"BTCUSDT",)"
        << candle << "false" << volumes << "}\n";
    file
        << R"({"type":"kline","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m","recv_ns":1721347080000000002,"interval":"1m","open_time":1721347020000,"close_time":1721347079999,"closed":true,"E":1721347080000,"open":"63943.9","high":"63960","low":"63940","close":"63950.1","base_volume":"12.345","quote_volume":"789456.12345","trade_count":90,"taker_buy_base_volume":"6.001","taker_buy_quote_volume":"383700.5","data":{"e":"kline","E":1721347080000,"s":"BTCUSDT",)"
        << candle << "true" << volumes << "}\n";
    // A raw capture's frame: a candle without trades (f and L are -1).
    file
        << R"(1721347140000000003 {"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1721347140000,"s":"BTCUSDT","k":{"t":1721347080000,"T":1721347139999,"s":"BTCUSDT","i":"1m","f":-1,"L":-1,"o":"63950.10","c":"63950.10","h":"63950.10","l":"63950.10","v":"0.000","n":0,"x":true,"q":"0","V":"0.000","Q":"0","B":"0"}}})"
        << "\n";
  }
  std::ifstream in(recording);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Expected expected = expected_from(text);
  ASSERT_EQ(expected.kline.size(), 3u);
  const std::string out = dir + "/out";
  const ExportRun run = run_export({"-o", out, "--market", "usdm", recording});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<std::string> files = part_files(out, "kline");
  ASSERT_EQ(files.size(), 1u) << run.output;
  EXPECT_NE(files[0].find("/channel=kline/market=usdm/symbol=BTCUSDT/date=2024-07-18/"),
            std::string::npos)
      << files[0];
  for (const Reader reader : kReaders) {
    const Dump dump = read_channel(reader, out, "kline");
    EXPECT_EQ(compare_rows(reader, dump, kKlineColumns, expected.kline, {"recv_time"}), "")
        << name(reader);
  }
  // Exact decimals at the symbol's scales: prices 1 digit (63943.90 needs one), base volumes 3,
  // quote volumes 5.
  const Dump types = read_parquet(Reader::duckdb, files[0]);
  ASSERT_EQ(types.error, "");
  EXPECT_EQ(types.column_types[3], "TIMESTAMP WITH TIME ZONE");  // open_time
  EXPECT_EQ(types.column_types[5], "DECIMAL(6,1)");
  EXPECT_EQ(types.column_types[9], "DECIMAL(5,3)");
  EXPECT_EQ(types.column_types[10], "DECIMAL(11,5)");
}

}  // namespace
}  // namespace itest::parquet_readers

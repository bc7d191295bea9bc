// The kline and markPrice datasets read back by hyparquet and DuckDB, every value compared with
// the recording: depthrec `kline` records (an open candle's update, its closing update with seed
// 000's ten columns, a candle without trades) and a raw capture's kline frame; markPrice records
// and frames (a negative funding rate, a delivery contract's empty rate and no funding time).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::export_events_test {
namespace {

class ParquetEvents : public ExportTest {
 protected:
  // Writes `lines` as one recording, exports it (--market usdm) and compares `channel`, read back
  // by both readers, with the rows expected from the lines' own text (`rows` of Expected, `count`
  // of them). Returns the channel's one part file ("" after a failure).
  std::string export_and_compare(const std::vector<std::string>& lines, const std::string& channel,
                                 const std::vector<std::string>& columns,
                                 std::vector<Row> Expected::*rows, std::size_t count) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    const std::string recording = dir_ + "/recording.ndjson";
    std::ofstream(recording) << text;
    const Expected expected = expected_from(text);
    EXPECT_EQ((expected.*rows).size(), count);
    const std::string out = dir_ + "/out";
    const ExportRun run = run_export({"-o", out, "--market", "usdm", recording});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const std::vector<std::string> files = part_files(out, channel);
    EXPECT_EQ(files.size(), 1u) << run.output;
    if (files.size() != 1) return {};
    EXPECT_NE(files[0].find("/channel=" + channel + "/market=usdm/symbol=BTCUSDT/date=2024-07-18/"),
              std::string::npos)
        << files[0];
    for (const Reader reader : kReaders) {
      const Dump dump = read_channel(reader, out, channel);
      EXPECT_EQ(compare_rows(reader, dump, columns, expected.*rows, {"recv_time"}), "")
          << channel << " via " << name(reader);
    }
    return files[0];
  }
};

TEST_F(ParquetEvents, EveryCandleUpdateReadsBackExactly) {
  const std::string candle =
      R"("k":{"t":1721347020000,"T":1721347079999,"s":"BTCUSDT","i":"1m","f":5001,"L":5090,"o":"63943.90","c":"63950.10","h":"63960.00","l":"63940.00","v":"12.345","n":90,"x":)";
  const std::string volumes = R"(,"q":"789456.12345","V":"6.001","Q":"383700.5","B":"0"}})";
  const std::string file = export_and_compare(
      {
          std::string(
              R"({"type":"kline","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m","recv_ns":1721347050000000001,"interval":"1m","open_time":1721347020000,"close_time":1721347079999,"closed":false,"E":1721347050000,"data":{"e":"kline","E":1721347050000,"s":"BTCUSDT",)") +
              candle + "false" + volumes + "}",
          std::string(
              R"({"type":"kline","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m","recv_ns":1721347080000000002,"interval":"1m","open_time":1721347020000,"close_time":1721347079999,"closed":true,"E":1721347080000,"open":"63943.9","high":"63960","low":"63940","close":"63950.1","base_volume":"12.345","quote_volume":"789456.12345","trade_count":90,"taker_buy_base_volume":"6.001","taker_buy_quote_volume":"383700.5","data":{"e":"kline","E":1721347080000,"s":"BTCUSDT",)") +
              candle + "true" + volumes + "}",
          // A raw capture's frame: a candle without trades (f and L are -1).
          R"(1721347140000000003 {"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1721347140000,"s":"BTCUSDT","k":{"t":1721347080000,"T":1721347139999,"s":"BTCUSDT","i":"1m","f":-1,"L":-1,"o":"63950.10","c":"63950.10","h":"63950.10","l":"63950.10","v":"0.000","n":0,"x":true,"q":"0","V":"0.000","Q":"0","B":"0"}}})",
      },
      "kline", kKlineColumns, &Expected::kline, 3);
  ASSERT_NE(file, "");
  // Exact decimals at the symbol's scales: prices 1 digit (63943.90 needs one), base volumes 3,
  // quote volumes 5.
  const Dump types = read_parquet(Reader::duckdb, file);
  ASSERT_EQ(types.error, "");
  EXPECT_EQ(types.column_types[3], "TIMESTAMP WITH TIME ZONE");  // open_time
  EXPECT_EQ(types.column_types[5], "DECIMAL(6,1)");
  EXPECT_EQ(types.column_types[9], "DECIMAL(5,3)");
  EXPECT_EQ(types.column_types[10], "DECIMAL(11,5)");
}

TEST_F(ParquetEvents, EveryMarkPriceReadsBackExactly) {
  const std::string file = export_and_compare(
      {
          R"({"type":"markPrice","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@markPrice@1s","recv_ns":1721347021000000001,"id":1721347021000,"E":1721347021000,"T":1721376000000,"data":{"e":"markPriceUpdate","E":1721347021000,"s":"BTCUSDT","p":"63947.12345678","i":"63950.10000000","P":"63948.20","r":"-0.00010000","T":1721376000000}})",
          R"(1721347022000000002 {"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1721347022000,"s":"BTCUSDT","p":"63947.5","i":"63951.00000000","P":"63948.2","r":"0.00012500","T":1721376000000}})",
          // A delivery contract: no funding rate, no next funding time.
          R"({"type":"markPrice","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@markPrice@1s","recv_ns":1721347023000000003,"id":1721347023000,"E":1721347023000,"T":null,"data":{"e":"markPriceUpdate","E":1721347023000,"s":"BTCUSDT","p":"63946","i":"63949.9","P":"","r":"","T":0}})",
      },
      "markPrice", kMarkPriceColumns, &Expected::mark_price, 3);
  ASSERT_NE(file, "");
  // Prices at their own scale (8 digits: the mark price's), the rate at its own (6).
  const Dump types = read_parquet(Reader::duckdb, file);
  ASSERT_EQ(types.error, "");
  EXPECT_EQ(types.column_types[2], "DECIMAL(13,8)");
  EXPECT_EQ(types.column_types[5], "DECIMAL(6,6)");
}

TEST_F(ParquetEvents, EveryForceOrderReadsBackExactly) {
  const std::string file = export_and_compare(
      {
          R"({"type":"forceOrder","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@forceOrder","recv_ns":1721347021000000001,"id":1721347021000,"E":1721347021000,"T":1721347020990,"data":{"e":"forceOrder","E":1721347021000,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"63900.10","ap":"63910.25","X":"FILLED","l":"0.014","z":"0.014","T":1721347020990}}})",
          R"(1721347022000000002 {"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1721347022000,"o":{"s":"BTCUSDT","S":"BUY","o":"LIMIT","f":"IOC","q":"1.5","p":"64000","ap":"64000.00","X":"PARTIALLY_FILLED","l":"0.5","z":"0.5","T":1721347021995}}})",
      },
      "forceOrder", kForceOrderColumns, &Expected::force_order, 2);
  ASSERT_NE(file, "");
  // The symbol's price and quantity scales (2 and 3 digits), as in its trades.
  const Dump types = read_parquet(Reader::duckdb, file);
  ASSERT_EQ(types.error, "");
  EXPECT_EQ(types.column_types[4], "DECIMAL(7,2)");
  EXPECT_EQ(types.column_types[6], "DECIMAL(4,3)");
}

}  // namespace
}  // namespace itest::parquet_readers::export_events_test

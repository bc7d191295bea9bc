// One symbol recorded on two markets (`depthrec --symbols usdm:BTCUSDT,spot:BTCUSDT`): every row
// lands in the partition of the market it was recorded on, with that market's own decimal
// scales, read back by hyparquet and DuckDB and compared with that market's lines alone; book
// states likewise, each book synced by its own market's rules even with --market (which is for
// raw captures, that do not say theirs).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "export_support.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::export_markets_test {
namespace {

using ParquetMarkets = ExportTest;

// USD-M BTCUSDT: prices need 1 fraction digit, quantities 3; spot BTCUSDT: 2 and 5.
const std::vector<std::string> kUsdmLines = {
    R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020100000001,"E":1721347020101,"T":1721347020100,"U":99,"u":101,"pu":98,"kind":"diff","b":[["63943.90","1.500"]],"a":[["63944.00","0.001"]]})",
    R"({"type":"trade","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@trade","recv_ns":1721347020300000003,"id":7,"E":1721347020301,"T":1721347020300,"data":{"e":"trade","E":1721347020301,"s":"BTCUSDT","t":7,"p":"63947.10","q":"0.123","T":1721347020300,"m":true}})",
};
const std::vector<std::string> kSpotLines = {
    R"({"type":"depth","market":"spot","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020200000002,"E":1721347020201,"T":null,"U":5,"u":6,"pu":null,"kind":"diff","b":[["63943.91","0.00100000"]],"a":[["63944.00","2.00000000"]]})",
    R"({"type":"trade","market":"spot","symbol":"BTCUSDT","stream":"btcusdt@trade","recv_ns":1721347020400000004,"id":12,"E":1721347020401,"T":1721347020400,"data":{"e":"trade","E":1721347020401,"s":"BTCUSDT","t":12,"p":"63947.12000000","q":"0.12345000","T":1721347020400,"m":false,"M":true}})",
};
// Another symbol, left out by --symbols BTCUSDT.
const std::string kOtherSymbolLine =
    R"({"type":"trade","market":"spot","symbol":"ETHUSDT","stream":"ethusdt@trade","recv_ns":1721347020500000005,"id":3,"E":1721347020501,"T":1721347020500,"data":{"e":"trade","E":1721347020501,"s":"ETHUSDT","t":3,"p":"3000.5","q":"1.25","T":1721347020500,"m":false,"M":true}})";

std::string markets_test_text(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// One market's file of a channel: where it is, what it holds, its price and quantity types.
struct MarketFile {
  std::string channel, market;
  const std::vector<std::string>* columns;
  std::vector<Row> expected;
  std::size_t price_column;  // the quantity is the next one
  std::string price_type, quantity_type;
};

std::string market_file_path(const std::string& out, const MarketFile& file) {
  return out + "/channel=" + file.channel + "/market=" + file.market +
         "/symbol=BTCUSDT/date=2024-07-18/part-0.parquet";
}

// Every file read by both readers (one run each) holds exactly its market's rows and types.
void expect_market_files(const std::string& out, const std::vector<MarketFile>& files) {
  std::vector<std::string> paths;
  for (const MarketFile& file : files) paths.push_back(market_file_path(out, file));
  for (const Reader reader : kReaders) {
    const std::vector<Dump> dumps = read_parquet_files(reader, paths);
    ASSERT_EQ(dumps.size(), files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      const MarketFile& file = files[i];
      const Dump& dump = dumps[i];
      ASSERT_EQ(dump.error, "") << paths[i] << " via " << name(reader);
      EXPECT_EQ(compare_rows(reader, dump, *file.columns, file.expected,
                             {"recv_time", "sample_time", "book_recv_time"}),
                "")
          << paths[i] << " via " << name(reader);
      if (reader != Reader::duckdb) continue;
      ASSERT_GT(dump.column_types.size(), file.price_column + 1);
      EXPECT_EQ(dump.column_types[file.price_column], file.price_type) << paths[i];
      EXPECT_EQ(dump.column_types[file.price_column + 1], file.quantity_type) << paths[i];
      EXPECT_EQ(dump.key_values.at("depthrec.market"), file.market) << paths[i];
    }
  }
}

TEST_F(ParquetMarkets, OneSymbolOnTwoMarketsGoesToEachMarketsPartitionWithItsScales) {
  // Interleaved as recorded: usdm, spot, usdm, spot, then the other symbol.
  const std::string recording = dir_ + "/recording.ndjson";
  std::ofstream(recording) << markets_test_text(
      {kUsdmLines[0], kSpotLines[0], kUsdmLines[1], kSpotLines[1], kOtherSymbolLine});
  const Expected usdm = expected_from(markets_test_text(kUsdmLines));
  const Expected spot = expected_from(markets_test_text(kSpotLines));
  ASSERT_EQ(usdm.depth.size(), 2u);
  ASSERT_EQ(spot.trade.size(), 1u);

  const std::string out = dir_ + "/out";
  const ExportRun run = run_export({"-o", out, "--symbols", "BTCUSDT", recording});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(part_files(out, "depth").size(), 2u) << run.output;
  EXPECT_EQ(part_files(out, "trade").size(), 2u) << run.output;  // no ETHUSDT file
  expect_market_files(
      out, {{"depth", "usdm", &kDepthColumns, usdm.depth, 7, "DECIMAL(6,1)", "DECIMAL(4,3)"},
            {"depth", "spot", &kDepthColumns, spot.depth, 7, "DECIMAL(7,2)", "DECIMAL(6,5)"},
            {"trade", "usdm", &kTradeColumns, usdm.trade, 4, "DECIMAL(6,1)", "DECIMAL(4,3)"},
            {"trade", "spot", &kTradeColumns, spot.trade, 4, "DECIMAL(7,2)", "DECIMAL(6,5)"}});
}

TEST_F(ParquetMarkets, BookStatesOfOneSymbolOnTwoMarketsKeepTheirMarketDespiteMarketOption) {
  const std::string recording = dir_ + "/recording.ndjson";
  std::ofstream(recording) << markets_test_text({
      R"({"type":"snapshot","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020000000001,"lastUpdateId":100,"E":1721347020001,"T":1721347020000,"bids":[["63943.90","1.500"]],"asks":[["63944.00","0.001"]]})",
      R"({"type":"snapshot","market":"spot","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020000000002,"lastUpdateId":4,"bids":[["63943.91","0.00100000"]],"asks":[["63944.00","2.00000000"]]})",
      R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020100000003,"E":1721347020101,"T":1721347020100,"U":99,"u":101,"pu":98,"kind":"diff","b":[["63943.90","0"],["63943.80","0.123"]],"a":[]})",
      R"({"type":"depth","market":"spot","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020200000004,"E":1721347020201,"T":null,"U":5,"u":6,"pu":null,"kind":"diff","b":[["63943.91","0.12345000"]],"a":[]})",
      R"({"type":"depth","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020500000005,"E":1721347020501,"T":1721347020500,"U":102,"u":103,"pu":101,"kind":"diff","b":[["63943.70","0.5"]],"a":[]})",
      R"({"type":"depth","market":"spot","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms","recv_ns":1721347020600000006,"E":1721347020601,"T":null,"U":7,"u":8,"pu":null,"kind":"diff","b":[["63943.92","0.5"]],"a":[]})",
  });
  const std::string out = dir_ + "/out";
  const ExportRun run = run_export(
      {"-o", out, "--market", "usdm", "--book-levels", "1", "--book-every", "event", recording});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(part_files(out, "book").size(), 2u) << run.output;
  const std::vector<std::string> columns = {"sample_time", "book_recv_time", "last_update_id",
                                            "bid_price_1", "bid_qty_1",      "ask_price_1",
                                            "ask_qty_1"};
  // Every change of a synced book: its time twice, its update id, its best bid and ask.
  const auto book_row = [](const char* ns, const char* id, const char* bid, const char* bid_qty,
                           const char* ask_qty) {
    return Row{ns, ns, id, bid, bid_qty, "63944", ask_qty};
  };
  expect_market_files(out, {{"book",
                             "usdm",
                             &columns,
                             {book_row("1721347020100000003", "101", "63943.8", "0.123", "0.001"),
                              book_row("1721347020500000005", "103", "63943.8", "0.123", "0.001")},
                             3,
                             "DECIMAL(6,1)",
                             "DECIMAL(4,3)"},
                            {"book",
                             "spot",
                             &columns,
                             {book_row("1721347020200000004", "6", "63943.91", "0.12345", "2"),
                              book_row("1721347020600000006", "8", "63943.92", "0.5", "2")},
                             3,
                             "DECIMAL(7,2)",
                             "DECIMAL(6,5)"}});
}

}  // namespace
}  // namespace itest::parquet_readers::export_markets_test

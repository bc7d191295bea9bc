// CSV rows of record lines (recording/csv_rows.hpp): quoting, decimals and ids exactly as the
// record holds them, each table's columns in its header's order, and what is refused.
#include "recording/csv_rows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace depthrec::recording {
namespace {

struct CsvRowsResult {
  CsvLineResult result = CsvLineResult::unreadable;
  CsvTarget target;
  std::string rows;
};

CsvRowsResult csv_rows_of(const std::string& line) {
  CsvRowFormatter formatter;
  CsvRowsResult out;
  out.result = formatter.format(line, out.target, out.rows);
  return out;
}

std::size_t csv_columns_of(std::string_view header) {
  return static_cast<std::size_t>(std::count(header.begin(), header.end(), ',')) + 1;
}

const std::string kCsvCommon =
    R"("timestamp":"2026-12-07T06:03:04.435Z","symbol":"BTCUSDT","market":"usdm",)"
    R"("conn_id":1,"recv_ns":1796623384435297167,)";

TEST(CsvRows, QuotesOnlyFieldsThatNeedIt) {
  std::string out;
  append_csv_field(out, "63943.90");
  EXPECT_EQ(out, "63943.90");
  out.clear();
  append_csv_field(out, "a,b");
  EXPECT_EQ(out, "\"a,b\"");
  out.clear();
  append_csv_field(out, "say \"hi\"");
  EXPECT_EQ(out, "\"say \"\"hi\"\"\"");
  out.clear();
  append_csv_field(out, "two\nlines\r");
  EXPECT_EQ(out, "\"two\nlines\r\"");
  out.clear();
  append_csv_field(out, " padded");
  EXPECT_EQ(out, "\" padded\"");
  out.clear();
  append_csv_field(out, "");
  EXPECT_EQ(out, "");
}

TEST(CsvRows, DepthLevelsInLongFormWithTheReceivedText) {
  const auto r = csv_rows_of(
      R"({"type":"depth",)" + kCsvCommon +
      R"("stream":"btcusdt@depth@100ms","ts_recv":1.5,"E":1796623384393,"T":1796623384393,)"
      R"("U":4984028367545,"u":4984028370730,"pu":4984028367494,"kind":"diff",)"
      R"("b":[["63943.90","46.371"],["10000000000000.12345678","0.000"]],"a":[["63947.40","0.109"]]})");
  ASSERT_EQ(r.result, CsvLineResult::rows);
  EXPECT_EQ(r.target.table, CsvTable::depth);
  EXPECT_EQ(r.target.market, "usdm");
  EXPECT_EQ(r.target.file_stem, "depth_BTCUSDT");
  EXPECT_EQ(r.target.recv_ns, 1796623384435297167);
  const std::string prefix =
      "1796623384435297167,1796623384393,1796623384393,4984028367545,4984028370730,"
      "4984028367494,diff,";
  EXPECT_EQ(r.rows, prefix + "bid,63943.90,46.371\n" + prefix +
                        "bid,10000000000000.12345678,0.000\n" + prefix + "ask,63947.40,0.109\n");
  EXPECT_EQ(csv_columns_of(csv_header(CsvTable::depth)), 10u);
}

TEST(CsvRows, SpotDepthNullsAreEmptyAndAnEventWithoutLevelsIsOneRow) {
  const auto r = csv_rows_of(R"({"type":"depth",)" + kCsvCommon +
                             R"("stream":"btcusdt@depth","E":null,"T":null,"U":5,"u":7,)"
                             R"("pu":null,"kind":"partial","b":[],"a":[]})");
  ASSERT_EQ(r.result, CsvLineResult::rows);
  EXPECT_EQ(r.rows, "1796623384435297167,,,5,7,,partial,,,\n");
}

TEST(CsvRows, SnapshotUsesSeed003sFileName) {
  const auto r = csv_rows_of(R"({"type":"snapshot",)" + kCsvCommon +
                             R"("stream":"btcusdt@depth@100ms","lastUpdateId":99,"E":1,"T":2,)"
                             R"("bids":[["1.10","2"]],"asks":[["1.20","3.000"]]})");
  ASSERT_EQ(r.result, CsvLineResult::rows);
  EXPECT_EQ(r.target.file_stem, "BTCUSDT_depth_snapshot");
  EXPECT_EQ(r.rows,
            "1796623384435297167,99,1,2,bid,1.10,2\n1796623384435297167,99,1,2,ask,1.20,3.000\n");
}

TEST(CsvRows, TradeAndAggTradeFromThePayloadWithTheirSource) {
  const auto trade = csv_rows_of(
      R"({"type":"trade",)" + kCsvCommon +
      R"("stream":"btcusdt@trade","id":1000000,"E":1796623384393,"T":1796623384392,)"
      R"("latency_event_ms":41.9,"data":{"e":"trade","E":1796623384393,"T":1796623384392,)"
      R"("s":"BTCUSDT","t":1000000,"p":"60000.00","q":"0.011","X":"MARKET","m":false,"st":1}})");
  ASSERT_EQ(trade.result, CsvLineResult::rows);
  EXPECT_EQ(trade.target.file_stem, "trade_BTCUSDT");
  EXPECT_EQ(trade.rows,
            "1796623384435297167,1796623384393,1796623384392,1000000,60000.00,0.011,false,ws\n");
  const auto rest = csv_rows_of(
      R"({"type":"aggTrade",)" + kCsvCommon +
      R"("stream":"btcusdt@aggTrade","id":12,"E":null,"T":5,"latency_event_ms":null,)"
      R"("source":"rest","data":{"a":12,"p":"0.00000100","q":"12345678901234.00","f":20,)"
      R"("l":22,"T":5,"m":true,"M":true}})");
  ASSERT_EQ(rest.result, CsvLineResult::rows);
  EXPECT_EQ(rest.target.file_stem, "aggtrade_BTCUSDT");
  EXPECT_EQ(rest.rows, "1796623384435297167,,5,12,0.00000100,12345678901234.00,20,22,true,rest\n");
  EXPECT_EQ(csv_columns_of(csv_header(CsvTable::agg_trade)), 10u);
}

TEST(CsvRows, KlineStartsWithSeed000sTenColumns) {
  const auto r = csv_rows_of(
      R"({"type":"kline",)" + kCsvCommon +
      R"("stream":"btcusdt@kline_1m","interval":"1m","open_time":1796623380000,)"
      R"("close_time":1796623439999,"closed":true,"E":1796623440001,"data":{"e":"kline",)"
      R"("k":{"t":1796623380000,"T":1796623439999,"s":"BTCUSDT","i":"1m","f":1000001,)"
      R"("L":1000003,"o":"60000.00","c":"60001.10","h":"60002.00","l":"59999.90",)"
      R"("v":"0.031","n":3,"x":true,"q":"1860.00000","V":"0.010","Q":"600.00000","B":"0"}}})");
  ASSERT_EQ(r.result, CsvLineResult::rows);
  EXPECT_EQ(r.target.file_stem, "kline_1m_BTCUSDT");
  EXPECT_EQ(r.rows,
            "1796623380000,60000.00,60002.00,59999.90,60001.10,0.031,1860.00000,3,0.010,"
            "600.00000,1796623439999,true,1000001,1000003,1796623440001,1796623384435297167\n");
  const std::string seed000_columns =
      "open_time,open,high,low,close,base_volume,quote_volume,trade_count,"
      "taker_buy_base_volume,taker_buy_quote_volume,";
  EXPECT_EQ(csv_header(CsvTable::kline).substr(0, seed000_columns.size()), seed000_columns);
}

TEST(CsvRows, BookTickerMarkPriceForceOrderAndMarkers) {
  const auto ticker = csv_rows_of(R"({"type":"ticker",)" + kCsvCommon +
                                  R"("stream":"btcusdt@bookTicker","u":7,"b":"59999.9",)"
                                  R"("B":"0.022","a":"60000","A":"0.159","E":3,"T":4})");
  ASSERT_EQ(ticker.result, CsvLineResult::rows);
  EXPECT_EQ(ticker.target.file_stem, "bookticker_BTCUSDT");
  EXPECT_EQ(ticker.rows, "1796623384435297167,7,59999.9,0.022,60000,0.159,3,4\n");
  // A record with the text as sent: the CSV takes that, not the canonical form.
  const auto sent =
      csv_rows_of(R"({"type":"ticker",)" + kCsvCommon +
                  R"("stream":"btcusdt@bookTicker","u":7,"b":"59999.9",)"
                  R"("B":"0.022","a":"60000","A":"0.159","E":3,"T":4,)"
                  R"("sent":{"b":"59999.90","B":"0.022","a":"60000.00","A":"0.1590"}})");
  ASSERT_EQ(sent.result, CsvLineResult::rows);
  EXPECT_EQ(sent.rows, "1796623384435297167,7,59999.90,0.022,60000.00,0.1590,3,4\n");

  const auto mark = csv_rows_of(
      R"({"type":"markPrice",)" + kCsvCommon +
      R"("stream":"btcusdt@markPrice@1s","id":9,"E":9,"T":null,"data":{"e":"markPriceUpdate",)"
      R"("E":9,"s":"BTCUSDT","p":"1.5","i":"1.4","P":"","r":"-0.00010000","T":0}})");
  ASSERT_EQ(mark.result, CsvLineResult::rows);
  EXPECT_EQ(mark.target.file_stem, "markprice_1s_BTCUSDT");
  EXPECT_EQ(mark.rows, "1796623384435297167,9,1.5,1.4,,-0.00010000,0\n");

  const auto force = csv_rows_of(
      R"({"type":"forceOrder",)" + kCsvCommon +
      R"("stream":"btcusdt@forceOrder","id":5,"E":5,"T":4,"data":{"e":"forceOrder","E":5,)"
      R"("o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.037","p":"59999.70",)"
      R"("ap":"59999.70","X":"FILLED","l":"0.037","z":"0.037","T":4}}})");
  ASSERT_EQ(force.result, CsvLineResult::rows);
  EXPECT_EQ(force.rows,
            "1796623384435297167,5,SELL,LIMIT,IOC,0.037,59999.70,59999.70,FILLED,0.037,0.037,4\n");

  const std::string gap = R"({"type":"gap",)" + kCsvCommon +
                          R"("stream":"btcusdt@trade","reason":"id_gap","from":3,"to":4})";
  const auto marker = csv_rows_of(gap + "\n");
  ASSERT_EQ(marker.result, CsvLineResult::rows);
  EXPECT_EQ(marker.target.file_stem, "markers_BTCUSDT");
  std::string quoted;
  append_csv_field(quoted, gap);
  EXPECT_EQ(marker.rows, "1796623384435297167,gap,btcusdt@trade,id_gap," + quoted + "\n");
}

TEST(CsvRows, ConnectionRecordsAreNotCsvAndBrokenLinesAreRefused) {
  EXPECT_EQ(csv_rows_of(R"({"type":"connect",)" + kCsvCommon + R"("stream":"connections"})").result,
            CsvLineResult::not_csv);
  EXPECT_EQ(csv_rows_of("not json").result, CsvLineResult::unreadable);
  EXPECT_EQ(csv_rows_of("[1,2]").result, CsvLineResult::unreadable);
  // A symbol that would name another path, an unknown market, a level of the wrong shape.
  const std::string trade_tail =
      R"("recv_ns":1,"stream":"x@trade","id":1,"E":1,"data":{"T":1,"p":"1","q":"1","m":true}})";
  EXPECT_EQ(
      csv_rows_of(R"({"type":"trade","symbol":"../ETC","market":"usdm",)" + trade_tail).result,
      CsvLineResult::unreadable);
  EXPECT_EQ(
      csv_rows_of(R"({"type":"trade","symbol":"BTCUSDT","market":"moon",)" + trade_tail).result,
      CsvLineResult::unreadable);
  EXPECT_EQ(csv_rows_of(R"({"type":"trade","symbol":"BTCUSD_PERP","market":"coinm",)" + trade_tail)
                .result,
            CsvLineResult::rows);
  CsvRowFormatter formatter;
  CsvTarget target;
  std::string rows = "kept\n";
  EXPECT_EQ(formatter.format(R"({"type":"depth",)" + kCsvCommon +
                                 R"("stream":"s","E":1,"b":[["1","2"],{"p":1}]})",
                             target, rows),
            CsvLineResult::unreadable);
  EXPECT_EQ(rows, "kept\n") << "a refused line leaves no partial rows";
}

}  // namespace
}  // namespace depthrec::recording

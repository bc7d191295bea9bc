// What the export tests share: the expected rows of each dataset, built from the recording's own
// text (RapidJSON over the raw frames and records, decimals as the exchange wrote them), not
// through depthrec's reader, so the comparison shares no code with the export but the gzip
// library; running depthrec-export; reading a channel's files back.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reader_support.hpp"

namespace itest::parquet_readers {

extern const std::vector<std::string> kDepthColumns;
extern const std::vector<std::string> kTradeColumns;
extern const std::vector<std::string> kAggTradeColumns;
extern const std::vector<std::string> kGapColumns;
extern const std::vector<std::string> kBookTickerColumns;
extern const std::vector<std::string> kKlineColumns;
extern const std::vector<std::string> kMarkPriceColumns;
extern const std::vector<std::string> kForceOrderColumns;

struct Expected {
  std::vector<Row> depth, trade, agg_trade, gaps, book_ticker, kline, mark_price, force_order;
  std::uint64_t depth_events = 0;
  std::int64_t last_depth_recv_ns = 0;  // of the last depth event or snapshot
};
Expected expected_from(const std::string& text);

struct ExportRun {
  int exit_code = -1;
  std::string output;
};
ExportRun run_export(const std::vector<std::string>& args);

// The part files of one channel, in partition (market, symbol, date) order.
std::vector<std::string> part_files(const std::string& out, const std::string& channel);
std::string utc_date(const std::string& recv_ns);  // "2024-07-18"
// Every file of `channel` read with `reader`, rows concatenated in partition order; each file's
// date= partition checked against its rows' first column (the receive or sample time).
Dump read_channel(Reader reader, const std::string& out, const std::string& channel);
std::uint64_t bytes_under(const std::string& dir);

// The export tests' fixture: depthrec-export built, the readers installed, a fresh directory.
class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::string dir_;
};

// The live --parquet tests' fixture: the export's, and depthrec and depthsim built.
class LiveParquetTest : public ExportTest {
 protected:
  void SetUp() override;
};

}  // namespace itest::parquet_readers

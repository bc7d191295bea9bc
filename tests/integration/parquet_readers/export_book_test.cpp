// Book states (depthrec-export --book-levels N --book-every T|event) read back by hyparquet and
// DuckDB and compared, row by row and level by level, with the book depthrec-replay rebuilds
// from the same recording (its --csv after every change, its --json valid/invalid ranges); and
// the README's DuckDB one-liner (best bid and ask per second) run on the export.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::export_book_test {
namespace {

constexpr std::size_t kLevels = 3;
constexpr std::int64_t kGridNs = 100'000'000;  // --book-every 100ms

std::vector<std::string> book_columns(std::size_t levels) {
  std::vector<std::string> columns = {"sample_time", "book_recv_time", "last_update_id"};
  for (std::size_t i = 1; i <= levels; ++i) {
    for (const char* side : {"bid", "ask"}) {
      columns.push_back(std::string(side) + "_price_" + std::to_string(i));
      columns.push_back(std::string(side) + "_qty_" + std::to_string(i));
    }
  }
  return columns;
}

// One row of depthrec-replay --csv: a valid book after a change.
struct ReplayBook {
  std::int64_t recv_ns = 0;
  std::string update_id;
  std::vector<Value> levels;  // per level: bid price, bid qty, ask price, ask qty
};

struct ReplayRun {
  std::vector<ReplayBook> books;
  std::vector<std::pair<std::int64_t, std::int64_t>> invalid;  // [begin, end) receive times
  std::int64_t last_recv_ns = 0;
  std::string error;
};

ReplayRun replay(const std::vector<std::string>& inputs, const std::string& dir) {
  ReplayRun run;
  const std::string csv = dir + "/replay.csv";
  std::vector<std::string> args = {"--csv", csv, "--levels", std::to_string(kLevels), "--json"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  ChildProcess process(binary("depthrec-replay"), args, dir + "/replay.json");
  const auto code = process.wait_exit(std::chrono::seconds(60));
  rapidjson::Document report;
  const std::string json = process.output();
  report.Parse(json.c_str(), json.size());
  if (!code || *code == 2 || report.HasParseError() || !report.IsObject()) {
    run.error = "depthrec-replay failed:\n" + json.substr(0, 2000);
    return run;
  }
  run.last_recv_ns = report["last_recv_ns"].GetInt64();
  for (const auto& range : report["invalid_ranges"].GetArray()) {
    run.invalid.emplace_back(range["begin_ns"].GetInt64(), range["end_ns"].GetInt64());
  }
  std::ifstream file(csv);
  std::string line;
  std::getline(file, line);  // the header
  while (std::getline(file, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    fields.resize(2 + 4 * kLevels);  // trailing empty fields
    ReplayBook book;
    book.recv_ns = std::stoll(fields[0]);
    book.update_id = fields[1];
    const auto value = [&](std::size_t index) -> Value {
      return fields[index].empty() ? Value() : Value(canonical_decimal(fields[index]));
    };
    for (std::size_t i = 0; i < kLevels; ++i) {
      const std::size_t bid = 2 + 2 * i, ask = 2 + 2 * kLevels + 2 * i;
      for (const std::size_t index : {bid, bid + 1, ask, ask + 1}) {
        book.levels.push_back(value(index));
      }
    }
    run.books.push_back(std::move(book));
  }
  return run;
}

Row book_row(std::int64_t sample_ns, const ReplayBook& book) {
  Row row = {std::to_string(sample_ns), std::to_string(book.recv_ns), book.update_id};
  row.insert(row.end(), book.levels.begin(), book.levels.end());
  return row;
}

// The rows --book-every `every` must give: at each multiple g of it from the first valid book to
// the stream's last item, outside the invalid ranges, the last book received at or before g.
std::vector<Row> grid_rows(const ReplayRun& run, std::int64_t every) {
  std::vector<Row> rows;
  if (run.books.empty()) return rows;
  std::size_t next = 0;
  for (std::int64_t g = (run.books.front().recv_ns + every - 1) / every * every;
       g <= run.last_recv_ns; g += every) {
    while (next < run.books.size() && run.books[next].recv_ns <= g) ++next;
    bool invalid = false;
    for (const auto& [begin, end] : run.invalid) invalid = invalid || (g >= begin && g < end);
    if (!invalid) rows.push_back(book_row(g, run.books[next - 1]));
  }
  return rows;
}

class ParquetBookStates : public ExportTest {
 protected:
  void SetUp() override {
    ExportTest::SetUp();
    ASSERT_TRUE(binary_exists("depthrec-replay")) << "depthrec-replay not built";
  }

  void expect_book(const std::string& out, const std::vector<Row>& expected) {
    for (const Reader reader : kReaders) {
      const Dump dump = read_channel(reader, out, "book");
      EXPECT_EQ(compare_rows(reader, dump, book_columns(kLevels), expected,
                             {"sample_time", "book_recv_time"}),
                "")
          << "book via " << name(reader);
    }
  }
};

const std::string kUsdmCapture = std::string(DEPTHREC_REAL_DATA_DIR) + "/usdm_btcusdt_20240718.gz";

TEST_F(ParquetBookStates, EveryEventEqualsTheReplayedBook) {
  const ReplayRun books = replay({kUsdmCapture}, dir_);
  ASSERT_EQ(books.error, "");
  ASSERT_GT(books.books.size(), 3000u);
  const std::string out = dir_ + "/out";
  const ExportRun run = run_export(
      {"-o", out, "--book-levels", std::to_string(kLevels), "--book-every", "event", kUsdmCapture});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::vector<Row> expected;
  for (const ReplayBook& book : books.books) expected.push_back(book_row(book.recv_ns, book));
  expect_book(out, expected);
}

// On a 100 ms grid, and the README's DuckDB line: best bid and ask per second for a day.
TEST_F(ParquetBookStates, GridSamplesAndBestBidAskPerSecond) {
  const ReplayRun books = replay({kUsdmCapture}, dir_);
  ASSERT_EQ(books.error, "");
  const std::string out = dir_ + "/out";
  const ExportRun run = run_export(
      {"-o", out, "--book-levels", std::to_string(kLevels), "--book-every", "100ms", kUsdmCapture});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<Row> expected = grid_rows(books, kGridNs);
  ASSERT_GT(expected.size(), 100u);
  expect_book(out, expected);
  // Before the first sync the book is not valid: listed, no rows.
  ASSERT_EQ(books.invalid.size(), 1u);
  EXPECT_NE(run.output.find("unsynced usdm BTCUSDT"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("(" + std::to_string(books.invalid[0].first) + ".." +
                            std::to_string(books.invalid[0].second) + " ns): no book rows"),
            std::string::npos)
      << run.output;

  // The documented query, verbatim but for OUT and the day (docs/parquet.md, README).
  const std::string day = utc_date(*expected.front()[0]);
  const std::string query =
      "SELECT date_trunc('second', sample_time) AS s, arg_max(bid_price_1, sample_time) AS "
      "best_bid, arg_max(ask_price_1, sample_time) AS best_ask FROM read_parquet('" +
      out + "/channel=book/**/*.parquet', hive_partitioning = true) WHERE symbol = 'BTCUSDT' " +
      "AND date = '" + day + "' GROUP BY s ORDER BY s";
  std::string error;
  const std::vector<Row> seconds = query_duckdb(
      "SELECT CAST(epoch_ms(s) AS VARCHAR), CAST(best_bid AS VARCHAR), CAST(best_ask AS "
      "VARCHAR) FROM (" +
          query + ")",
      error);
  ASSERT_EQ(error, "");
  std::vector<Row> want;  // the last sample of each second (all on `day`: the capture is short)
  for (const Row& row : expected) {
    const std::string second = std::to_string(std::stoll(*row[0]) / 1'000'000'000 * 1000);
    if (want.empty() || *want.back()[0] != second) want.push_back({second, {}, {}});
    want.back()[1] = row[3];
    want.back()[2] = row[5];
  }
  ASSERT_EQ(seconds.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(seconds[i][0], want[i][0]) << i;
    EXPECT_EQ(canonical_decimal(*seconds[i][1]), *want[i][1]) << i;
    EXPECT_EQ(canonical_decimal(*seconds[i][2]), *want[i][2]) << i;
  }
}

// A recording with a break: the grid has no rows from the gap until the resync joins, the
// interval is listed, and every row equals the replayed book.
TEST_F(ParquetBookStates, UnsyncedIntervalHasNoRowsAndIsListed) {
  const std::string common =
      R"("market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@depth@100ms",)";
  const auto depth = [&](long long recv_ms, int first, int last, int prev, const char* bids) {
    return R"({"type":"depth",)" + common + R"("recv_ns":)" + std::to_string(recv_ms) +
           "000000,\"E\":" + std::to_string(recv_ms) + ",\"T\":" + std::to_string(recv_ms) +
           ",\"U\":" + std::to_string(first) + ",\"u\":" + std::to_string(last) +
           ",\"pu\":" + std::to_string(prev) + R"(,"kind":"diff","b":)" + bids + R"(,"a":[]})";
  };
  const auto snapshot = [&](long long recv_ms, int id) {
    return R"({"type":"snapshot",)" + common + R"("recv_ns":)" + std::to_string(recv_ms) +
           "000000,\"lastUpdateId\":" + std::to_string(id) +
           R"(,"E":1,"T":1,"bids":[["100.0","1"],["99.5","2"]],"asks":[["100.5","3"]]})";
  };
  const long long t0 = 1721347020000;  // ms
  const std::vector<std::string> lines = {
      depth(t0 + 10, 9, 11, 8, R"([["100.0","1.5"]])"),
      snapshot(t0 + 120, 10),
      depth(t0 + 130, 12, 13, 11, R"([["99.0","4"]])"),
      depth(t0 + 250, 14, 15, 13, R"([["100.0","0"]])"),
      R"({"type":"gap",)" + common + R"("recv_ns":)" + std::to_string(t0 + 400) +
          R"(000000,"reason":"pu_mismatch","last_u":15,"expected":15,"got_U":20,"got_pu":19,"got_u":21,"dropped":0})",
      depth(t0 + 400, 20, 21, 19, R"([["98.0","1"]])"),
      snapshot(t0 + 720, 22),
      depth(t0 + 730, 22, 23, 21, R"([["99.0","5"]])"),
      R"({"type":"resync",)" + common + R"("recv_ns":)" + std::to_string(t0 + 731) +
          R"(000000,"reason":"gap","lastUpdateId":22,"first_U":22,"first_u":23,"dropped_stale":0})",
      depth(t0 + 1010, 24, 24, 23, R"([["99.5","0"]])"),
  };
  const std::string recording = dir_ + "/recording.ndjson";
  {
    std::ofstream file(recording);
    for (const std::string& line : lines) file << line << "\n";
  }
  const ReplayRun books = replay({recording}, dir_);
  ASSERT_EQ(books.error, "");
  ASSERT_EQ(books.invalid.size(), 2u);  // before the first sync, and the break
  const std::string out = dir_ + "/out";
  const ExportRun run = run_export(
      {"-o", out, "--book-levels", std::to_string(kLevels), "--book-every", "100ms", recording});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<Row> expected = grid_rows(books, kGridNs);
  // Grid points 200, 300 (synced), none at 400..700 (the break), 800, 900, 1000 (synced again).
  std::vector<std::string> sample_ms;
  for (const Row& row : expected) {
    sample_ms.push_back(std::to_string(std::stoll(*row[0]) / 1'000'000 - t0));
  }
  EXPECT_EQ(sample_ms, (std::vector<std::string>{"200", "300", "800", "900", "1000"}));
  expect_book(out, expected);
  for (const auto& [begin, end] : books.invalid) {
    EXPECT_NE(run.output.find("(" + std::to_string(begin) + ".." + std::to_string(end) +
                              " ns): no book rows"),
              std::string::npos)
        << run.output;
  }
  EXPECT_NE(run.output.find("unsynced usdm BTCUSDT: 2 intervals"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace itest::parquet_readers::export_book_test

// The live `book` dataset's pieces: the book line a sampled state crosses the queue as
// (live_book_line.hpp), the sampling interval's text (book_interval.hpp), and the sink that
// writes book lines as rows of the `book` table, partitioned by sample time.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "parquet_tables/book_interval.hpp"
#include "parquet_tables/live_book_line.hpp"
#include "parquet_tables/live_sink.hpp"

namespace depthrec::export_parquet {
namespace {

constexpr std::int64_t kBookTestHour = 3600 * kNanosPerSecond;
constexpr std::int64_t kBookTestJuly18 = 1'721'260'800LL * kNanosPerSecond;  // 00:00:00Z

PriceLevel book_test_level(const char* price, const char* qty) {
  PriceLevel level;
  EXPECT_TRUE(parse_decimal(price, level.price)) << price;
  EXPECT_TRUE(parse_decimal(qty, level.qty)) << qty;
  return level;
}

BookState book_test_state(std::int64_t sample_ns) {
  BookState state;
  state.market = "usdm";
  state.symbol = "BTCUSDT";
  state.sample_ns = sample_ns;
  state.book_recv_ns = sample_ns - 37;
  state.update_id = 4'567'890'123ULL;
  state.bids = {book_test_level("63943.90", "1.5"), book_test_level("63943.8", "0.001")};
  state.asks = {book_test_level("63944", "12")};  // fewer levels than the other side
  return state;
}

TEST(LiveBookLine, RoundTripsEveryFieldExactly) {
  const BookState state = book_test_state(kBookTestJuly18 + 100'000'000);
  std::string line;
  append_book_line(line, state);
  EXPECT_TRUE(is_book_line(line));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  BookState back;
  ASSERT_EQ(parse_book_line(line, back, 5), "");
  EXPECT_EQ(back.market, state.market);
  EXPECT_EQ(back.symbol, state.symbol);
  EXPECT_EQ(back.sample_ns, state.sample_ns);
  EXPECT_EQ(back.book_recv_ns, state.book_recv_ns);
  EXPECT_EQ(back.update_id, state.update_id);
  EXPECT_EQ(back.bids, state.bids);
  EXPECT_EQ(back.asks, state.asks);

  BookState empty_sides = state;
  empty_sides.bids.clear();
  empty_sides.asks.clear();
  line.clear();
  append_book_line(line, empty_sides);
  ASSERT_EQ(parse_book_line(line, back, 5), "");
  EXPECT_TRUE(back.bids.empty());
  EXPECT_TRUE(back.asks.empty());
}

TEST(LiveBookLine, MalformedLinesAreRefusedWithAReason) {
  std::string good;
  append_book_line(good, book_test_state(kBookTestJuly18));
  BookState out;
  EXPECT_NE(parse_book_line(good, out, 1), "");  // 2 bids, at most 1 level wanted
  const std::string mark(1, kBookLineMark);
  for (const std::string& bad :
       {std::string("{\"type\":\"depth\"}"), mark, mark + "book",
        mark + "trade\tusdm\tX\t1\t1\t1\t\t", mark + "book\tusdm\t\t1\t1\t1\t\t",
        mark + "book\tusdm\tX\tx\t1\t1\t\t", mark + "book\tusdm\tX\t1\t1\t-1\t\t",
        mark + "book\tusdm\tX\t1\t1\t1\t1:\t", mark + "book\tusdm\tX\t1\t1\t1\t1\t",
        mark + "book\tusdm\tX\t1\t1\t1\t\t\t", mark + "book\tusdm\tX\t1\t1\t1\t1:2,\t"}) {
    EXPECT_NE(parse_book_line(bad, out, 10), "") << bad;
  }
}

TEST(LiveBookInterval, ParsesTheExportsUnitsAndPrintsTheLargestExactOne) {
  EXPECT_EQ(parse_book_every("100ms"), 100'000'000);
  EXPECT_EQ(parse_book_every("1s"), 1'000'000'000);
  EXPECT_EQ(parse_book_every("event"), 0);
  for (const char* bad : {"", "ms", "0ms", "1h", "1.5s", "-1s", "1234567890ms"}) {
    EXPECT_FALSE(parse_book_every(bad).has_value()) << bad;
  }
  EXPECT_EQ(book_every_text(100'000'000), "100ms");
  EXPECT_EQ(book_every_text(2'000'000'000), "2s");
  EXPECT_EQ(book_every_text(120'000'000'000), "2m");
  EXPECT_EQ(book_every_text(1'500), "1500ns");
  EXPECT_EQ(book_every_text(0), "event");
}

class LiveBookSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "depthrec-live-book-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LiveParquetOptions book_options(std::size_t levels) const {
    LiveParquetOptions o;
    o.dir = dir_;
    o.rotate_ns = kBookTestHour;
    o.book_levels = levels;
    o.book_every = "100ms";
    return o;
  }
  std::vector<std::string> book_files() const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
      if (entry.is_regular_file())
        found.push_back(std::filesystem::relative(entry.path(), dir_).string());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  std::string dir_;
  std::int64_t now_ = kBookTestJuly18;
};

TEST_F(LiveBookSinkTest, BookLinesAreRowsOfTheBookTablePartitionedBySampleTime) {
  LiveParquetSink sink(book_options(5), [this] { return now_; });
  std::string lines;
  // The last state's sample is in the next hour: a file of its own period.
  for (const std::int64_t sample : {kBookTestJuly18 + 100'000'000, kBookTestJuly18 + 200'000'000,
                                    kBookTestJuly18 + kBookTestHour}) {
    append_book_line(lines, book_test_state(sample));
    lines += '\n';
  }
  ASSERT_TRUE(sink.write(lines).ok());
  sink.close();
  const ParquetSinkState figures = sink.figures();
  EXPECT_EQ(figures.rows, 3u);
  EXPECT_EQ(figures.rows_refused, 0u);
  EXPECT_EQ(figures.files_closed, 2u);
  EXPECT_EQ(
      book_files(),
      (std::vector<std::string>{
          "channel=book/market=usdm/symbol=BTCUSDT/date=2024-07-18/part-000000-000.parquet",
          "channel=book/market=usdm/symbol=BTCUSDT/date=2024-07-18/part-010000-000.parquet"}));
}

TEST_F(LiveBookSinkTest, BadOrUnexpectedBookLinesAreRefusedAndCounted) {
  LiveParquetSink without_book(book_options(0), [this] { return now_; });
  std::string line;
  append_book_line(line, book_test_state(kBookTestJuly18));
  without_book.write(line + "\n");
  without_book.close();
  EXPECT_EQ(without_book.figures().rows_refused, 1u);
  EXPECT_NE(without_book.figures().last_error.find("--parquet-book-levels"), std::string::npos);

  LiveParquetSink one_level(book_options(1), [this] { return now_; });
  one_level.write(line + "\n" + std::string(1, kBookLineMark) + "book\tbroken\n");
  one_level.close();
  EXPECT_EQ(one_level.figures().rows_refused, 2u);  // 2 bids for 1 level; a broken line
  EXPECT_EQ(one_level.figures().rows, 0u);
  EXPECT_TRUE(book_files().empty());
}

}  // namespace
}  // namespace depthrec::export_parquet

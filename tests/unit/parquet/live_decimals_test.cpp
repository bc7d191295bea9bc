// The live files' decimal types (live_decimals.hpp): DECIMAL(18, s) with s from the file's first
// rows, a wider type in the next part when a later value needs one, a value beyond 18 digits
// refused and counted; PEPE-sized quantities (1e13) kept exact.
#include "parquet_tables/live_decimals.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "parquet_tables/live_sink.hpp"

namespace depthrec::export_parquet {
namespace {

constexpr std::int64_t kDecimalsTestDay = 1'721'260'800LL * kNanosPerSecond;  // 2024-07-18

DecimalNeeds needs_of_texts(std::initializer_list<const char*> texts) {
  DecimalNeeds needs;
  for (const char* text : texts) {
    Decimal value;
    EXPECT_TRUE(parse_decimal(text, value)) << text;
    needs.add(value);
  }
  return needs;
}

TEST(LiveDecimals, ColumnsAreDecimal18AtTheValuesScale) {
  SymbolFacts needs;
  needs.price = needs_of_texts({"0.00001234", "0.00001200"});
  needs.quantity = needs_of_texts({"12345678901234.00", "100000000000.00"});
  ASSERT_TRUE(fits_int64_decimals(needs));
  const SymbolFacts columns = live_columns_for(needs);
  EXPECT_EQ(columns.price.scale, 8);
  EXPECT_EQ(columns.price.precision(), 18);
  EXPECT_EQ(columns.quantity.scale, 0);  // "…234.00" needs no fraction digit
  EXPECT_EQ(columns.quantity.precision(), 18);
  EXPECT_TRUE(fits_columns(needs, columns));
}

TEST(LiveDecimals, AValueNeedingMoreScaleOrIntegerDigitsDoesNotFit) {
  SymbolFacts first;
  first.quantity = needs_of_texts({"0.001", "12.5"});
  const SymbolFacts columns = live_columns_for(first);  // DECIMAL(18, 3): 15 integer digits
  SymbolFacts finer;
  finer.quantity = needs_of_texts({"0.0001"});
  EXPECT_FALSE(fits_columns(finer, columns));
  SymbolFacts larger;
  larger.quantity = needs_of_texts({"1234567890123456"});  // 16 integer digits
  EXPECT_FALSE(fits_columns(larger, columns));
  SymbolFacts inside;
  inside.quantity = needs_of_texts({"123456789012345.001"});
  EXPECT_TRUE(fits_columns(inside, columns));
  const SymbolFacts merged = merged_needs(first, finer);
  EXPECT_EQ(merged.quantity.scale, 4);
  EXPECT_EQ(merged.quantity.integer_digits, 2);
  SymbolFacts too_wide;
  too_wide.quantity = needs_of_texts({"12345678901234.12345678"});  // 22 digits
  EXPECT_FALSE(fits_int64_decimals(too_wide));
}

class LiveDecimalSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "depthrec-live-dec-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<LiveParquetSink> make_sink(std::size_t row_group_bytes) const {
    LiveParquetOptions options;
    options.dir = dir_;
    options.rotate_ns = 3600 * kNanosPerSecond;
    options.row_group_bytes = row_group_bytes;
    return std::make_unique<LiveParquetSink>(options, [] { return kDecimalsTestDay; });
  }
  static std::string pepe_trade(int id, const std::string& price, const std::string& qty) {
    return R"({"type":"trade","market":"spot","symbol":"PEPEUSDT","stream":"pepeusdt@trade","recv_ns":)" +
           std::to_string(kDecimalsTestDay + id) + R"(,"id":)" + std::to_string(id) +
           R"(,"E":1721347020301,"data":{"e":"trade","E":1721347020301,"s":"PEPEUSDT","t":)" +
           std::to_string(id) + R"(,"p":")" + price + R"(","q":")" + qty +
           R"(","T":1721347020300,"m":false}})"
           "\n";
  }
  std::vector<std::string> part_names() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
      if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

TEST_F(LiveDecimalSinkTest, BufferedRowsDecideAndNothingIsRefused) {
  const auto sink = make_sink(8u << 20);
  sink->write(pepe_trade(1, "0.00001234", "12345678901234.00") +
              pepe_trade(2, "0.00001235", "100000000000.00") + pepe_trade(3, "0.00001200", "5.50"));
  sink->close();
  const ParquetSinkState figures = sink->figures();
  EXPECT_EQ(figures.rows, 3u);
  EXPECT_EQ(figures.rows_refused, 0u);
  EXPECT_EQ(figures.files_closed, 1u) << "one type holds them all: one file";
  EXPECT_EQ(part_names(), std::vector<std::string>{"part-000000-000.parquet"});
}

TEST_F(LiveDecimalSinkTest, AValueNeedingAWiderTypeStartsTheNextPart) {
  const auto sink = make_sink(1);  // decided at the first line
  sink->write(pepe_trade(1, "0.00001234", "12345678901234.00") +
              pepe_trade(2, "0.00001235", "12345678901234.00"));
  sink->write(pepe_trade(3, "0.00001236", "0.5"));  // a fraction digit: DECIMAL(18, 0) cannot
  sink->write(pepe_trade(4, "0.00001237", "1.5"));  // fits the next part's DECIMAL(18, 1)
  sink->close();
  const ParquetSinkState figures = sink->figures();
  EXPECT_EQ(figures.rows, 4u);
  EXPECT_EQ(figures.rows_refused, 0u);
  EXPECT_EQ(figures.files_closed, 2u);
  EXPECT_EQ(part_names(),
            (std::vector<std::string>{"part-000000-000.parquet", "part-000000-001.parquet"}));
}

TEST_F(LiveDecimalSinkTest, AValueBeyondEighteenDigitsIsRefusedWithAReason) {
  const auto sink = make_sink(8u << 20);
  sink->write(pepe_trade(1, "0.00001234", "12345678901234.12345678") +
              pepe_trade(2, "0.00001234", "12345678901234.00"));
  sink->close();
  const ParquetSinkState figures = sink->figures();
  EXPECT_EQ(figures.rows, 1u);
  EXPECT_EQ(figures.rows_refused, 1u);
  EXPECT_NE(figures.last_error.find("more than 18 digits"), std::string::npos)
      << figures.last_error;
}

TEST_F(LiveDecimalSinkTest, BufferedRowsThatShareNoTypeArePartsOfTheirOwn) {
  const auto sink = make_sink(8u << 20);
  // 14 integer digits, then 8 fraction digits: each fits DECIMAL(18), both together do not.
  sink->write(pepe_trade(1, "0.00001234", "12345678901234.00") +
              pepe_trade(2, "0.00001234", "0.12345678"));
  sink->close();
  const ParquetSinkState figures = sink->figures();
  EXPECT_EQ(figures.rows, 2u);
  EXPECT_EQ(figures.rows_refused, 0u);
  EXPECT_EQ(figures.files_closed, 2u);
}

}  // namespace
}  // namespace depthrec::export_parquet

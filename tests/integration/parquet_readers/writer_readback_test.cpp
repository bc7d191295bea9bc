// Files made by depthrec's Parquet writer (src/parquet/) read back by two readers that share no
// code with it, hyparquet and DuckDB: every value, the logical types, nulls, dictionary-encoded
// strings (`side`: 2 values; `note`: hundreds, nullable), an empty file, a one-row file, more rows
// than a row group, both codecs, the statistics and the footer's metadata.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "harness.hpp"
#include "parquet/table_writer.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::writer_readback_test {
namespace {

using namespace depthrec::parquet;

const std::vector<ColumnSpec> kSchema = {
    timestamp_nanos_column("recv_time"),
    timestamp_millis_column("event_time", true),
    int64_column("id"),
    dictionary_string_column("side"),
    decimal_column("price", 18, 2),
    decimal_column("quantity", 18, 8, true),
    bool_column("flag"),
    dictionary_string_column("note", true),
};
const std::vector<std::string> kColumns = {"recv_time", "event_time", "id",   "side",
                                           "price",     "quantity",   "flag", "note"};

std::string decimal_text(std::int64_t unscaled, int scale) {
  const bool negative = unscaled < 0;
  std::string digits = std::to_string(negative ? -unscaled : unscaled);
  if (digits.size() <= static_cast<std::size_t>(scale)) {
    digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
  return (negative ? "-" : "") + canonical_decimal(digits);
}

// Row i of the synthetic table: signed values around zero, nulls in a pattern that gives runs and
// alternations (RLE runs and bit-packed groups), multi-byte UTF-8 and an empty string.
Row write_row(TableWriter& writer, std::int64_t i) {
  Row row;
  const std::int64_t recv = 1721347020984480942 + i * 1'000'003;
  writer.set_int64(0, recv);
  row.push_back(std::to_string(recv));
  if (i % 3 == 1 || (i / 50) % 2 == 1) {
    writer.set_null(1);
    row.push_back(std::nullopt);
  } else {
    writer.set_int64(1, 1721347022504 + i);
    row.push_back(std::to_string(1721347022504 + i));
  }
  writer.set_int64(2, i - 2500);
  row.push_back(std::to_string(i - 2500));
  writer.set_bytes(3, i % 2 ? "bid" : "ask");
  row.push_back(i % 2 ? "bid" : "ask");
  const std::int64_t price = 6394790 + (i % 997) * 13 - 400000;
  writer.set_int64(4, price);
  row.push_back(decimal_text(price, 2));
  if (i % 7 == 0) {
    writer.set_null(5);
    row.push_back(std::nullopt);
  } else {
    const std::int64_t quantity = (i % 5 == 0) ? 0 : 1'234'567'890'123'456'789 / (i + 1);
    writer.set_int64(5, quantity);
    row.push_back(decimal_text(quantity, 8));
  }
  writer.set_bool(6, i % 4 == 0);
  row.push_back(i % 4 == 0 ? "true" : "false");
  if (i % 11 == 0) {
    writer.set_null(7);
    row.push_back(std::nullopt);
  } else {
    const std::string note = i % 2 ? "" : "é \"q\" 東京 " + std::to_string(i);
    writer.set_bytes(7, note);
    row.push_back(note);
  }
  return row;
}

class ParquetReaders : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string error = ensure_readers_installed();
    ASSERT_TRUE(error.empty()) << error;
    dir_ = make_temp_dir("parquet-writer");
  }

  // Writes `rows` rows and checks both readers see exactly them.
  std::vector<Row> write_and_compare(const std::string& file, std::int64_t rows,
                                     WriterOptions options, std::uint64_t* row_groups = nullptr) {
    const std::string path = dir_ + "/" + file;
    std::string error;
    options.metadata = {{"depthrec.test", "writer readback"}};
    TableWriter writer(open_output_file(path, error), kSchema, options, error);
    std::vector<Row> expected;
    for (std::int64_t i = 0; i < rows; ++i) {
      expected.push_back(write_row(writer, i));
      EXPECT_TRUE(writer.end_row()) << writer.error();
    }
    EXPECT_TRUE(writer.close()) << writer.error();
    if (row_groups != nullptr) *row_groups = writer.row_groups();
    for (const Reader reader : kReaders) {
      const Dump dump = read_parquet(reader, path);
      EXPECT_EQ(compare_rows(reader, dump, kColumns, expected, {"recv_time"}), "");
      EXPECT_EQ(dump.row_groups, writer.row_groups()) << name(reader);
      EXPECT_EQ(dump.key_values.at("depthrec.test"), "writer readback") << name(reader);
      EXPECT_EQ(dump.created_by, "depthrec") << name(reader);
      if (reader == Reader::duckdb) {
        // The logical types as DuckDB names them.
        EXPECT_EQ(dump.column_types[0], "TIMESTAMP WITH TIME ZONE");
        EXPECT_EQ(dump.column_types[4], "DECIMAL(18,2)");
        EXPECT_EQ(dump.column_types[5], "DECIMAL(18,8)");
        EXPECT_EQ(dump.column_types[3], "VARCHAR");
        statistics_ = dump.statistics;
      }
    }
    return expected;
  }

  std::string dir_;
  std::vector<Statistic> statistics_;
};

TEST_F(ParquetReaders, EmptyFileHasTheSchemaAndNoRows) {
  write_and_compare("empty.parquet", 0, {});
}

TEST_F(ParquetReaders, OneRowFile) {
  write_and_compare("one.parquet", 1, {});
}

TEST_F(ParquetReaders, ManyRowGroupsPagesAndNullsReadBackExactly) {
  WriterOptions options;
  options.row_group_bytes = 64 * 1024;  // ~1,300 rows a group
  options.page_bytes = 4 * 1024;
  std::uint64_t row_groups = 0;
  const std::vector<Row> expected = write_and_compare("many.parquet", 5000, options, &row_groups);
  EXPECT_GE(row_groups, 3u);
  report_figure("writer_readback_rows", 5000);
  report_figure("writer_readback_row_groups", static_cast<double>(row_groups));
  // Statistics per row group, as DuckDB reads them: signed order for `id` (negative first) and
  // the null count of `quantity`, recomputed from the rows of each group.
  ASSERT_FALSE(statistics_.empty());
  std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> id_range;
  std::map<std::uint64_t, std::uint64_t> quantity_nulls, group_rows;
  for (const Statistic& statistic : statistics_) {
    if (statistic.column == "id") {
      id_range[statistic.row_group] = {std::stoll(*statistic.min), std::stoll(*statistic.max)};
    }
    if (statistic.column == "quantity") quantity_nulls[statistic.row_group] = *statistic.null_count;
    if (statistic.column == "side" || statistic.column == "note") {
      EXPECT_NE(statistic.encodings.find("RLE_DICTIONARY"), std::string::npos) << statistic.column;
    }
  }
  ASSERT_EQ(id_range.size(), row_groups);
  std::size_t row = 0;
  for (std::uint64_t group = 0; group < row_groups; ++group) {
    const std::int64_t first = std::stoll(*expected[row][2]);
    const std::int64_t rows_in_group = id_range[group].second - id_range[group].first + 1;
    EXPECT_EQ(id_range[group].first, first) << "row group " << group;
    std::uint64_t nulls = 0;
    for (std::int64_t r = 0; r < rows_in_group; ++r) nulls += expected[row + r][5] ? 0 : 1;
    EXPECT_EQ(quantity_nulls[group], nulls) << "row group " << group;
    row += static_cast<std::size_t>(rows_in_group);
  }
  EXPECT_EQ(row, expected.size());
  EXPECT_LT(id_range[0].first, 0);  // the first group's minimum is negative: signed order
}

TEST_F(ParquetReaders, UncompressedPagesReadBack) {
  WriterOptions options;
  options.codec = Codec::uncompressed;
  options.row_group_bytes = 32 * 1024;
  write_and_compare("plain.parquet", 700, options);
}

}  // namespace
}  // namespace itest::parquet_readers::writer_readback_test

// The Parquet writer's one interface: a schema of flat columns, rows appended value by value,
// close. Nothing else of the writer (Thrift, pages, codecs) is visible to its users, so this
// header is the seam where Arrow's parquet::arrow::FileWriter could replace it.
//
//   TableWriter writer(open_output_file(path, error), schema, options);
//   writer.set_int64(0, 42); writer.set_null(1); ...; writer.end_row();   // every column, per row
//   if (!writer.close()) report(writer.error());   // footer written, file renamed into place
//
// Scope (docs/parquet.md): flat schemas (no nesting, no repetition), REQUIRED or OPTIONAL
// columns of BOOLEAN, INT32, INT64 and BYTE_ARRAY; logical types STRING, DECIMAL (INT64
// physical), TIMESTAMP (MILLIS or NANOS, UTC); DataPage v1, PLAIN values (RLE_DICTIONARY for
// dictionary string columns), RLE/bit-packed definition levels; zstd or no compression;
// min/max/null_count statistics per column chunk. Rows are buffered per row group (row_group_bytes
// of uncompressed values, compressed page by page as they fill) and the group is written when full
// or at close.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parquet/output_file.hpp"
#include "parquet/page_codec.hpp"

namespace depthrec::parquet {

enum class PhysicalType : std::uint8_t { boolean, int32, int64, byte_array };

enum class LogicalKind : std::uint8_t { none, string, decimal, timestamp_millis, timestamp_nanos };

struct ColumnSpec {
  std::string name;
  PhysicalType type = PhysicalType::int64;
  LogicalKind logical = LogicalKind::none;
  bool optional = false;  // may hold nulls
  int precision = 0;      // DECIMAL: digits in all (at most 18 on INT64)
  int scale = 0;          // DECIMAL: fraction digits
  // BYTE_ARRAY: RLE_DICTIONARY data pages over one dictionary page per column chunk, for strings
  // of few distinct values (a side, a reason); the dictionary is kept whole, so not for many.
  bool dictionary = false;
};

ColumnSpec string_column(std::string name, bool optional = false);
ColumnSpec dictionary_string_column(std::string name, bool optional = false);
ColumnSpec int64_column(std::string name, bool optional = false);
ColumnSpec bool_column(std::string name, bool optional = false);
ColumnSpec decimal_column(std::string name, int precision, int scale, bool optional = false);
ColumnSpec timestamp_millis_column(std::string name, bool optional = false);
ColumnSpec timestamp_nanos_column(std::string name, bool optional = false);

struct WriterOptions {
  Codec codec = Codec::zstd;
  int zstd_level = 3;
  std::size_t row_group_bytes = 128u << 20;  // uncompressed values of one row group
  std::size_t page_bytes = 1u << 20;         // uncompressed values of one data page
  std::string created_by = "depthrec";
  std::vector<std::pair<std::string, std::string>> metadata;  // the footer's key/value pairs
};

class ColumnChunk;

class TableWriter {
 public:
  // `file` null (it could not be opened) makes a writer whose close() fails with `open_error`.
  TableWriter(std::unique_ptr<OutputFile> file, std::vector<ColumnSpec> schema,
              WriterOptions options, const std::string& open_error = {});
  ~TableWriter();  // without a successful close(): the file is discarded
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // One value of the current row per column, in any order; a column not set is null (an error
  // at end_row() for a REQUIRED one). A value of the wrong type for its column is an error.
  void set_null(std::size_t column);
  void set_bool(std::size_t column, bool value);
  void set_int32(std::size_t column, std::int32_t value);
  void set_int64(std::size_t column, std::int64_t value);
  void set_bytes(std::size_t column, std::string_view value);
  bool end_row();  // false once the writer has failed (error())

  // Writes the last row group and the footer and renames the file into place. False (and
  // error()) if anything failed, in which case no file exists under the final name.
  bool close();

  const std::string& error() const { return error_; }
  std::uint64_t rows() const { return rows_; }
  std::uint64_t row_groups() const;
  const std::vector<ColumnSpec>& schema() const { return schema_; }

  struct RowGroupRecord;  // what the footer says of one written row group

 private:
  bool fail(std::string message);
  bool claim(std::size_t column, PhysicalType type);  // checks a value may be set
  bool flush_row_group();
  std::string footer_bytes() const;  // FileMetaData of the written row groups + length + PAR1

  std::unique_ptr<OutputFile> file_;
  std::vector<ColumnSpec> schema_;
  WriterOptions options_;
  PageCodec codec_;
  std::vector<std::unique_ptr<ColumnChunk>> columns_;
  std::vector<bool> set_in_row_;
  std::vector<RowGroupRecord> row_groups_written_;
  std::uint64_t rows_ = 0;
  std::uint64_t rows_in_group_ = 0;
  bool closed_ = false;
  std::string error_;
};

}  // namespace depthrec::parquet

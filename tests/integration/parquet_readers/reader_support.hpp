// Reading a Parquet file back with the two independent readers (read_hyparquet.mjs,
// read_duckdb.mjs; installed by install.sh into <build>/npm-parquet) and comparing every value.
// Values are normalised text (see the scripts): integers and timestamps as decimal integers in
// their column's unit, decimals as exact canonical text, booleans "true"/"false", null as nullopt.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace itest::parquet_readers {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;

enum class Reader { hyparquet, duckdb };
inline constexpr Reader kReaders[] = {Reader::hyparquet, Reader::duckdb};
const char* name(Reader reader);

struct Statistic {
  std::uint64_t row_group = 0;
  std::string column;
  Value min, max;
  std::optional<std::uint64_t> null_count;
  std::string encodings;  // "PLAIN, RLE, RLE_DICTIONARY"
};

struct Dump {
  std::string error;  // non-empty: the reader failed (its output)
  std::uint64_t num_rows = 0;
  std::uint64_t row_groups = 0;
  std::string created_by;
  std::map<std::string, std::string> key_values;
  std::vector<std::string> column_names;
  std::vector<std::string> column_types;  // as the reader names them
  std::vector<Statistic> statistics;      // DuckDB only
  std::vector<Row> rows;
};

// Installs the readers when missing (install.sh, pinned); an error message when that fails.
std::string ensure_readers_installed();
// Each file read by one run of the reader (its dumps in the order of `paths`); when the reader
// fails, one Dump per file carrying its error.
std::vector<Dump> read_parquet_files(Reader reader, const std::vector<std::string>& paths);
Dump read_parquet(Reader reader, const std::string& path);

// The rows of one SQL query run by DuckDB (query_duckdb.mjs), every value as text; `error` set
// when it fails.
std::vector<Row> query_duckdb(const std::string& sql, std::string& error);

// A readable description of the first difference, or empty when `rows` equal `expected`. DuckDB
// reads TIMESTAMP(NANOS, UTC) as TIMESTAMP WITH TIME ZONE, in microseconds: the columns named in
// `nanos_columns` are compared truncated to the microsecond for it.
std::string compare_rows(Reader reader, const Dump& dump, const std::vector<std::string>& columns,
                         const std::vector<Row>& expected,
                         const std::vector<std::string>& nanos_columns);

// "63947.40" -> "63947.4", "1000.00" -> "1000", "0.000" -> "0": exact text without trailing
// fractional zeros (what the readers' dumps hold).
std::string canonical_decimal(std::string text);

}  // namespace itest::parquet_readers

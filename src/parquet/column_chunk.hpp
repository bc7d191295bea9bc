// One column's values of the row group being built: encoded into data pages (PLAIN values,
// RLE/bit-packed definition levels when the column is OPTIONAL) as they come, each page compressed
// when it reaches the page size, with the chunk's statistics kept alongside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parquet/page_codec.hpp"
#include "parquet/table_writer.hpp"

namespace depthrec::parquet {

// min/max as Parquet's statistics hold them: PLAIN-encoded values without a length prefix,
// ordered as the column's type orders them (signed for INT32/INT64 and DECIMAL on them,
// unsigned bytes for STRING, false < true).
struct ChunkStatistics {
  bool has_min_max = false;
  std::string min_value, max_value;
  std::int64_t null_count = 0;
};

// A finished column chunk of one row group: page headers and pages, as written to the file.
struct FinishedChunk {
  std::string bytes;                      // the dictionary page (if any) first, then data pages
  std::size_t dictionary_page_bytes = 0;  // header + dictionary page
  std::int64_t num_values = 0;            // nulls included
  std::int64_t uncompressed_size = 0;     // page headers + uncompressed pages
  ChunkStatistics statistics;
};

class ColumnChunk {
 public:
  ColumnChunk(const ColumnSpec& spec, std::size_t page_bytes);

  void append_null();
  void append_bool(bool value);
  void append_int32(std::int32_t value);
  void append_int64(std::int64_t value);
  void append_bytes(std::string_view value);

  // Uncompressed value bytes of this row group so far (the row group's size test).
  std::size_t buffered_bytes() const { return group_value_bytes_; }
  // Compresses a page when its values reach the page size; false on a codec failure.
  bool maybe_finish_page(PageCodec& codec, std::string& error);
  // Finishes the last page and hands over the chunk; the column starts a new row group.
  bool take(PageCodec& codec, FinishedChunk& out, std::string& error);

 private:
  bool finish_page(PageCodec& codec, std::string& error);
  bool prepend_dictionary_page(PageCodec& codec, std::string& error);
  void count_value();
  template <typename T>
  void update_min_max(T value, bool& has, T& min, T& max);

  ColumnSpec spec_;
  std::size_t page_bytes_;
  // The page being filled.
  std::string values_;
  std::vector<std::uint8_t> bools_;  // BOOLEAN values, bit-packed when the page is finished
  std::vector<std::uint8_t> levels_;
  std::vector<std::uint32_t> indices_;  // dictionary columns: the page's dictionary indices
  std::int64_t page_values_ = 0;        // nulls included
  // The row group's chunk so far.
  FinishedChunk chunk_;
  std::size_t group_value_bytes_ = 0;
  bool has_min_max_ = false;
  std::int64_t min_int_ = 0, max_int_ = 0;
  std::string min_bytes_, max_bytes_;
  std::string page_scratch_, compressed_scratch_;
  // Dictionary columns: the row group's distinct values, PLAIN-encoded in first-seen order.
  std::unordered_map<std::string, std::uint32_t> dictionary_;
  std::string dictionary_values_;
};

}  // namespace depthrec::parquet

// Parquet's Thrift structs as the writer fills them (parquet.thrift, compact protocol): the
// PageHeader before each data page and the FileMetaData footer.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parquet/column_chunk.hpp"
#include "parquet/table_writer.hpp"

namespace depthrec::parquet {

inline constexpr char kMagic[] = "PAR1";

// The PageHeader before a data page or a column chunk's dictionary page.
struct PageHeaderFields {
  bool dictionary_page = false;
  std::int64_t num_values = 0;
  std::int64_t uncompressed_size = 0;
  std::int64_t compressed_size = 0;
  bool dictionary_indices = false;  // a data page's values: RLE_DICTIONARY, else PLAIN
};
void append_page_header(const PageHeaderFields& header, std::string& out);

// One column chunk as the footer describes it.
struct ChunkRecord {
  std::int64_t dictionary_page_offset = -1;  // -1: no dictionary page
  std::int64_t data_page_offset = 0;
  std::int64_t num_values = 0;
  std::int64_t uncompressed_size = 0;
  std::int64_t compressed_size = 0;
  ChunkStatistics statistics;
};

struct TableWriter::RowGroupRecord {
  std::int64_t num_rows = 0;
  std::int64_t file_offset = 0;
  std::vector<ChunkRecord> chunks;
};

struct FooterFields {
  const std::vector<ColumnSpec>* schema = nullptr;
  const std::vector<TableWriter::RowGroupRecord>* row_groups = nullptr;
  std::int64_t num_rows = 0;
  Codec codec = Codec::zstd;
  std::string created_by;
  const std::vector<std::pair<std::string, std::string>>* metadata = nullptr;
};
void append_file_metadata(const FooterFields& footer, std::string& out);

}  // namespace depthrec::parquet

#include "parquet/file_metadata.hpp"

#include "parquet/thrift_compact.hpp"

namespace depthrec::parquet {
namespace {

// parquet.thrift's enums, as numbers.
enum ThriftType : std::int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kByteArray = 6 };
enum Repetition : std::int32_t { kRequired = 0, kOptional = 1 };
enum ConvertedType : std::int32_t { kUtf8 = 0, kDecimal = 5, kTimestampMillis = 9 };
enum Encoding : std::int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };
enum CodecId : std::int32_t { kUncompressed = 0, kZstd = 6 };
constexpr std::int32_t kDataPage = 0;
constexpr std::int32_t kDictionaryPage = 2;

std::int32_t thrift_type(PhysicalType type) {
  switch (type) {
    case PhysicalType::boolean:
      return kBoolean;
    case PhysicalType::int32:
      return kInt32;
    case PhysicalType::int64:
      return kInt64;
    case PhysicalType::byte_array:
      return kByteArray;
  }
  return kInt64;
}

void write_logical_type(CompactWriter& thrift, const ColumnSpec& column) {
  // LogicalType is a union: one field, an (often empty) struct.
  thrift.field_struct_begin(10);
  switch (column.logical) {
    case LogicalKind::string:
      thrift.field_struct_begin(1);  // StringType
      thrift.struct_end();
      break;
    case LogicalKind::decimal:
      thrift.field_struct_begin(5);  // DecimalType
      thrift.field_i32(1, column.scale);
      thrift.field_i32(2, column.precision);
      thrift.struct_end();
      break;
    case LogicalKind::timestamp_millis:
    case LogicalKind::timestamp_nanos:
      thrift.field_struct_begin(8);  // TimestampType
      thrift.field_bool(1, true);    // isAdjustedToUTC
      thrift.field_struct_begin(2);  // TimeUnit (a union)
      thrift.field_struct_begin(column.logical == LogicalKind::timestamp_millis ? 1 : 3);
      thrift.struct_end();
      thrift.struct_end();
      thrift.struct_end();
      break;
    case LogicalKind::none:
      break;
  }
  thrift.struct_end();
}

void write_schema_element(CompactWriter& thrift, const ColumnSpec& column) {
  thrift.element_struct_begin();
  thrift.field_i32(1, thrift_type(column.type));
  thrift.field_i32(3, column.optional ? kOptional : kRequired);
  thrift.field_binary(4, column.name);
  // The converted type too, for readers older than logical types (and those that read only it).
  if (column.logical == LogicalKind::string) thrift.field_i32(6, kUtf8);
  if (column.logical == LogicalKind::decimal) {
    thrift.field_i32(6, kDecimal);
    thrift.field_i32(7, column.scale);
    thrift.field_i32(8, column.precision);
  }
  if (column.logical == LogicalKind::timestamp_millis) thrift.field_i32(6, kTimestampMillis);
  if (column.logical != LogicalKind::none) write_logical_type(thrift, column);
  thrift.struct_end();
}

void write_statistics(CompactWriter& thrift, std::int16_t field, const ChunkStatistics& stats) {
  thrift.field_struct_begin(field);
  thrift.field_i64(3, stats.null_count);
  if (stats.has_min_max) {
    thrift.field_binary(5, stats.max_value);
    thrift.field_binary(6, stats.min_value);
  }
  thrift.struct_end();
}

void write_column_chunk(CompactWriter& thrift, const ColumnSpec& column, const ChunkRecord& chunk,
                        Codec codec) {
  thrift.element_struct_begin();
  // file_offset: where the chunk starts (its dictionary page, if any)
  thrift.field_i64(
      2, chunk.dictionary_page_offset >= 0 ? chunk.dictionary_page_offset : chunk.data_page_offset);
  thrift.field_struct_begin(3);  // ColumnMetaData
  thrift.field_i32(1, thrift_type(column.type));
  const bool dictionary = chunk.dictionary_page_offset >= 0;
  thrift.field_list_begin(2, CompactType::i32,
                          1 + (column.optional || dictionary ? 1 : 0) + (dictionary ? 1 : 0));
  thrift.element_i32(kPlain);  // values, or the dictionary page's
  if (column.optional || dictionary) thrift.element_i32(kRle);
  if (dictionary) thrift.element_i32(kRleDictionary);
  thrift.field_list_begin(3, CompactType::binary, 1);
  thrift.element_binary(column.name);
  thrift.field_i32(4, codec == Codec::zstd ? kZstd : kUncompressed);
  thrift.field_i64(5, chunk.num_values);
  thrift.field_i64(6, chunk.uncompressed_size);
  thrift.field_i64(7, chunk.compressed_size);
  thrift.field_i64(9, chunk.data_page_offset);
  if (dictionary) thrift.field_i64(11, chunk.dictionary_page_offset);
  write_statistics(thrift, 12, chunk.statistics);
  thrift.struct_end();
  thrift.struct_end();
}

}  // namespace

void append_page_header(const PageHeaderFields& header, std::string& out) {
  CompactWriter thrift(out);
  const bool data = !header.dictionary_page;
  thrift.field_i32(1, data ? kDataPage : kDictionaryPage);
  thrift.field_i32(2, static_cast<std::int32_t>(header.uncompressed_size));
  thrift.field_i32(3, static_cast<std::int32_t>(header.compressed_size));
  thrift.field_struct_begin(data ? 5 : 7);  // DataPageHeader or DictionaryPageHeader
  thrift.field_i32(1, static_cast<std::int32_t>(header.num_values));
  thrift.field_i32(2, data && header.dictionary_indices ? kRleDictionary : kPlain);
  if (data) {
    thrift.field_i32(3, kRle);  // definition levels
    thrift.field_i32(4, kRle);  // repetition levels (none: the schema is flat)
  }
  thrift.struct_end();
  thrift.struct_end();
}

void append_file_metadata(const FooterFields& footer, std::string& out) {
  const std::vector<ColumnSpec>& schema = *footer.schema;
  CompactWriter thrift(out);
  thrift.field_i32(1, 1);  // version
  thrift.field_list_begin(2, CompactType::structure, schema.size() + 1);
  thrift.element_struct_begin();  // the root: a group of every column
  thrift.field_binary(4, "schema");
  thrift.field_i32(5, static_cast<std::int32_t>(schema.size()));
  thrift.struct_end();
  for (const ColumnSpec& column : schema) write_schema_element(thrift, column);
  thrift.field_i64(3, footer.num_rows);
  thrift.field_list_begin(4, CompactType::structure, footer.row_groups->size());
  for (const TableWriter::RowGroupRecord& group : *footer.row_groups) {
    thrift.element_struct_begin();
    thrift.field_list_begin(1, CompactType::structure, group.chunks.size());
    std::int64_t uncompressed = 0, compressed = 0;
    for (std::size_t i = 0; i < group.chunks.size(); ++i) {
      write_column_chunk(thrift, schema[i], group.chunks[i], footer.codec);
      uncompressed += group.chunks[i].uncompressed_size;
      compressed += group.chunks[i].compressed_size;
    }
    thrift.field_i64(2, uncompressed);  // total_byte_size
    thrift.field_i64(3, group.num_rows);
    thrift.field_i64(5, group.file_offset);
    thrift.field_i64(6, compressed);
    thrift.struct_end();
  }
  if (footer.metadata != nullptr && !footer.metadata->empty()) {
    thrift.field_list_begin(5, CompactType::structure, footer.metadata->size());
    for (const auto& [key, value] : *footer.metadata) {
      thrift.element_struct_begin();
      thrift.field_binary(1, key);
      thrift.field_binary(2, value);
      thrift.struct_end();
    }
  }
  thrift.field_binary(6, footer.created_by);
  // column_orders: TYPE_DEFINED_ORDER for every column, which tells readers that min_value and
  // max_value follow the column's own order (signed integers, unsigned bytes).
  thrift.field_list_begin(7, CompactType::structure, schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i) {
    thrift.element_struct_begin();
    thrift.field_struct_begin(1);
    thrift.struct_end();
    thrift.struct_end();
  }
  thrift.struct_end();
}

}  // namespace depthrec::parquet

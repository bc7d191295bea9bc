#include "parquet/table_writer.hpp"

#include <cstring>

#include "parquet/column_chunk.hpp"
#include "parquet/file_metadata.hpp"

namespace depthrec::parquet {
namespace {

ColumnSpec column(std::string name, PhysicalType type, LogicalKind logical, bool optional) {
  ColumnSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.logical = logical;
  spec.optional = optional;
  return spec;
}

const char* type_name(PhysicalType type) {
  switch (type) {
    case PhysicalType::boolean:
      return "BOOLEAN";
    case PhysicalType::int32:
      return "INT32";
    case PhysicalType::int64:
      return "INT64";
    case PhysicalType::byte_array:
      return "BYTE_ARRAY";
  }
  return "?";
}

}  // namespace

ColumnSpec string_column(std::string name, bool optional) {
  return column(std::move(name), PhysicalType::byte_array, LogicalKind::string, optional);
}
ColumnSpec dictionary_string_column(std::string name, bool optional) {
  ColumnSpec spec = string_column(std::move(name), optional);
  spec.dictionary = true;
  return spec;
}
ColumnSpec int64_column(std::string name, bool optional) {
  return column(std::move(name), PhysicalType::int64, LogicalKind::none, optional);
}
ColumnSpec bool_column(std::string name, bool optional) {
  return column(std::move(name), PhysicalType::boolean, LogicalKind::none, optional);
}
ColumnSpec decimal_column(std::string name, int precision, int scale, bool optional) {
  ColumnSpec spec = column(std::move(name), PhysicalType::int64, LogicalKind::decimal, optional);
  spec.precision = precision;
  spec.scale = scale;
  return spec;
}
ColumnSpec timestamp_millis_column(std::string name, bool optional) {
  return column(std::move(name), PhysicalType::int64, LogicalKind::timestamp_millis, optional);
}
ColumnSpec timestamp_nanos_column(std::string name, bool optional) {
  return column(std::move(name), PhysicalType::int64, LogicalKind::timestamp_nanos, optional);
}

TableWriter::TableWriter(std::unique_ptr<OutputFile> file, std::vector<ColumnSpec> schema,
                         WriterOptions options, const std::string& open_error)
    : file_(std::move(file)),
      schema_(std::move(schema)),
      options_(std::move(options)),
      codec_(options_.codec, options_.zstd_level),
      set_in_row_(schema_.size(), false) {
  for (const ColumnSpec& spec : schema_) {
    columns_.push_back(std::make_unique<ColumnChunk>(spec, options_.page_bytes));
    if (spec.logical == LogicalKind::decimal && (spec.precision < 1 || spec.precision > 18 ||
                                                 spec.scale < 0 || spec.scale > spec.precision)) {
      fail("column " + spec.name + ": DECIMAL(" + std::to_string(spec.precision) + "," +
           std::to_string(spec.scale) +
           ") does not fit INT64 (precision 1..18, scale 0..precision)");
    }
  }
  if (!file_) {
    fail(open_error.empty() ? "no output file" : open_error);
  } else if (error_.empty() && !file_->write(std::string_view(kMagic, 4))) {
    fail(file_->error());
  }
}

TableWriter::~TableWriter() {
  if (file_ && !closed_) file_->discard();
}

std::uint64_t TableWriter::row_groups() const {
  return row_groups_written_.size();
}

bool TableWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  if (file_) file_->discard();
  return false;
}

void TableWriter::set_null(std::size_t column) {
  if (!error_.empty()) return;
  if (column >= columns_.size() || set_in_row_[column]) {
    fail("column " + std::to_string(column) + " set twice in one row or out of range");
    return;
  }
  if (!schema_[column].optional) {
    fail("column " + schema_[column].name + " is REQUIRED: null refused");
    return;
  }
  set_in_row_[column] = true;
  columns_[column]->append_null();
}

bool TableWriter::claim(std::size_t column, PhysicalType type) {
  if (!error_.empty()) return false;
  if (column >= columns_.size() || set_in_row_[column]) {
    return fail("column " + std::to_string(column) + " set twice in one row or out of range");
  }
  if (schema_[column].type != type) {
    return fail("column " + schema_[column].name + " is " + type_name(schema_[column].type) +
                ", a " + type_name(type) + " value refused");
  }
  set_in_row_[column] = true;
  return true;
}

void TableWriter::set_bool(std::size_t column, bool value) {
  if (claim(column, PhysicalType::boolean)) columns_[column]->append_bool(value);
}
void TableWriter::set_int32(std::size_t column, std::int32_t value) {
  if (claim(column, PhysicalType::int32)) columns_[column]->append_int32(value);
}
void TableWriter::set_int64(std::size_t column, std::int64_t value) {
  if (claim(column, PhysicalType::int64)) columns_[column]->append_int64(value);
}
void TableWriter::set_bytes(std::size_t column, std::string_view value) {
  if (claim(column, PhysicalType::byte_array)) columns_[column]->append_bytes(value);
}

bool TableWriter::end_row() {
  if (!error_.empty()) return false;
  std::size_t buffered = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (!set_in_row_[i]) {
      if (!schema_[i].optional) return fail("column " + schema_[i].name + " not set in a row");
      columns_[i]->append_null();
    }
    set_in_row_[i] = false;
    if (!columns_[i]->maybe_finish_page(codec_, error_)) return fail(error_);
    buffered += columns_[i]->buffered_bytes();
  }
  ++rows_;
  ++rows_in_group_;
  if (buffered < options_.row_group_bytes) return true;
  // Each full row group is made recoverable on its own (a crash loses at most the open one).
  if (!flush_row_group()) return false;
  if (!file_->checkpoint(footer_bytes())) return fail(file_->error());
  return true;
}

std::string TableWriter::footer_bytes() const {
  FooterFields footer;
  footer.schema = &schema_;
  footer.row_groups = &row_groups_written_;
  footer.num_rows = static_cast<std::int64_t>(rows_ - rows_in_group_);
  footer.codec = options_.codec;
  footer.created_by = options_.created_by;
  footer.metadata = &options_.metadata;
  std::string tail;
  append_file_metadata(footer, tail);
  const auto footer_size = static_cast<std::uint32_t>(tail.size());
  char length[4];
  std::memcpy(length, &footer_size, 4);  // little endian
  tail.append(length, 4);
  tail.append(kMagic, 4);
  return tail;
}

bool TableWriter::flush_row_group() {
  if (rows_in_group_ == 0) return true;
  RowGroupRecord group;
  group.num_rows = static_cast<std::int64_t>(rows_in_group_);
  group.file_offset = static_cast<std::int64_t>(file_->position());
  FinishedChunk chunk;
  for (auto& column : columns_) {
    if (!column->take(codec_, chunk, error_)) return fail(error_);
    ChunkRecord record;
    record.dictionary_page_offset =
        chunk.dictionary_page_bytes > 0 ? static_cast<std::int64_t>(file_->position()) : -1;
    record.data_page_offset =
        static_cast<std::int64_t>(file_->position() + chunk.dictionary_page_bytes);
    record.num_values = chunk.num_values;
    record.uncompressed_size = chunk.uncompressed_size;
    record.compressed_size = static_cast<std::int64_t>(chunk.bytes.size());
    record.statistics = std::move(chunk.statistics);
    if (!file_->write(chunk.bytes)) return fail(file_->error());
    group.chunks.push_back(std::move(record));
  }
  row_groups_written_.push_back(std::move(group));
  rows_in_group_ = 0;
  return true;
}

bool TableWriter::close() {
  if (closed_) return error_.empty();
  if (!error_.empty()) return false;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (set_in_row_[i]) return fail("close() inside a row: end_row() not called");
  }
  if (!flush_row_group()) return false;
  if (!file_->write(footer_bytes()) || !file_->commit()) return fail(file_->error());
  closed_ = true;
  return true;
}

}  // namespace depthrec::parquet

#include "parquet/column_chunk.hpp"

#include <algorithm>
#include <cstring>

#include "parquet/file_metadata.hpp"
#include "parquet/rle_hybrid.hpp"

namespace depthrec::parquet {
namespace {

template <typename T>
void append_little_endian(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // x86-64 and aarch64 are little endian, as Parquet
  out.append(bytes, sizeof(T));
}

}  // namespace

ColumnChunk::ColumnChunk(const ColumnSpec& spec, std::size_t page_bytes)
    : spec_(spec), page_bytes_(page_bytes) {}

void ColumnChunk::count_value() {
  ++page_values_;
  ++chunk_.num_values;
  if (spec_.optional) levels_.push_back(1);
}

void ColumnChunk::append_null() {
  ++page_values_;
  ++chunk_.num_values;
  ++chunk_.statistics.null_count;
  levels_.push_back(0);
}

void ColumnChunk::append_bool(bool value) {
  count_value();
  bools_.push_back(value ? 1 : 0);
  group_value_bytes_ += 1;
  if (!has_min_max_) {
    has_min_max_ = true;
    min_int_ = max_int_ = value;
  } else {
    min_int_ = std::min<std::int64_t>(min_int_, value);
    max_int_ = std::max<std::int64_t>(max_int_, value);
  }
}

void ColumnChunk::append_int32(std::int32_t value) {
  count_value();
  append_little_endian(values_, value);
  group_value_bytes_ += sizeof(value);
  update_min_max<std::int64_t>(value, has_min_max_, min_int_, max_int_);
}

void ColumnChunk::append_int64(std::int64_t value) {
  count_value();
  append_little_endian(values_, value);
  group_value_bytes_ += sizeof(value);
  update_min_max<std::int64_t>(value, has_min_max_, min_int_, max_int_);
}

void ColumnChunk::append_bytes(std::string_view value) {
  count_value();
  group_value_bytes_ += 4 + value.size();
  if (spec_.dictionary) {
    const auto [entry, added] =
        dictionary_.try_emplace(std::string(value), static_cast<std::uint32_t>(dictionary_.size()));
    if (added) {
      append_little_endian(dictionary_values_, static_cast<std::uint32_t>(value.size()));
      dictionary_values_.append(value);
    }
    indices_.push_back(entry->second);
  } else {
    append_little_endian(values_, static_cast<std::uint32_t>(value.size()));
    values_.append(value);
  }
  if (!has_min_max_) {
    has_min_max_ = true;
    min_bytes_.assign(value);
    max_bytes_.assign(value);
  } else {
    // std::string compares as unsigned char: Parquet's order for STRING statistics.
    if (value < std::string_view(min_bytes_)) min_bytes_.assign(value);
    if (value > std::string_view(max_bytes_)) max_bytes_.assign(value);
  }
}

template <typename T>
void ColumnChunk::update_min_max(T value, bool& has, T& min, T& max) {
  if (!has) {
    has = true;
    min = max = value;
    return;
  }
  if (value < min) min = value;
  if (value > max) max = value;
}

bool ColumnChunk::maybe_finish_page(PageCodec& codec, std::string& error) {
  if (values_.size() + bools_.size() / 8 + indices_.size() * 4 < page_bytes_) return true;
  return finish_page(codec, error);
}

bool ColumnChunk::finish_page(PageCodec& codec, std::string& error) {
  if (page_values_ == 0) return true;
  page_scratch_.clear();
  if (spec_.optional) {
    std::string levels;
    append_rle_hybrid(levels_, 1, levels);
    append_little_endian(page_scratch_, static_cast<std::uint32_t>(levels.size()));
    page_scratch_.append(levels);
  }
  if (spec_.type == PhysicalType::boolean) {
    // PLAIN booleans: bit-packed, least significant bit first.
    std::size_t first = page_scratch_.size();
    page_scratch_.append((bools_.size() + 7) / 8, '\0');
    for (std::size_t i = 0; i < bools_.size(); ++i) {
      if (!bools_[i]) continue;
      char& byte = page_scratch_[first + i / 8];
      byte = static_cast<char>(static_cast<unsigned char>(byte) | (1u << (i % 8)));
    }
  } else if (spec_.dictionary && !indices_.empty()) {
    // (A page of nulls only is PLAIN with no values: a chunk of nulls only has no dictionary.)
    // RLE_DICTIONARY: the indices' bit width in one byte, then the indices as an RLE hybrid.
    int bit_width = 1;
    while (bit_width < 32 && (std::size_t{1} << bit_width) < dictionary_.size()) ++bit_width;
    page_scratch_.push_back(static_cast<char>(bit_width));
    append_rle_hybrid(indices_, bit_width, page_scratch_);
  } else {
    page_scratch_.append(values_);
  }
  if (!codec.compress(page_scratch_, compressed_scratch_, error)) return false;

  PageHeaderFields header;
  header.dictionary_indices = spec_.dictionary && !indices_.empty();
  header.num_values = page_values_;
  header.uncompressed_size = static_cast<std::int64_t>(page_scratch_.size());
  header.compressed_size = static_cast<std::int64_t>(compressed_scratch_.size());
  const std::size_t header_start = chunk_.bytes.size();
  append_page_header(header, chunk_.bytes);
  const auto header_size = static_cast<std::int64_t>(chunk_.bytes.size() - header_start);
  chunk_.bytes.append(compressed_scratch_);
  chunk_.uncompressed_size += header_size + header.uncompressed_size;

  values_.clear();
  bools_.clear();
  levels_.clear();
  indices_.clear();
  page_values_ = 0;
  return true;
}

bool ColumnChunk::prepend_dictionary_page(PageCodec& codec, std::string& error) {
  if (!spec_.dictionary || dictionary_.empty()) return true;
  if (!codec.compress(dictionary_values_, compressed_scratch_, error)) return false;
  PageHeaderFields header;
  header.dictionary_page = true;
  header.num_values = static_cast<std::int64_t>(dictionary_.size());
  header.uncompressed_size = static_cast<std::int64_t>(dictionary_values_.size());
  header.compressed_size = static_cast<std::int64_t>(compressed_scratch_.size());
  std::string page;
  append_page_header(header, page);
  chunk_.uncompressed_size += static_cast<std::int64_t>(page.size()) + header.uncompressed_size;
  page.append(compressed_scratch_);
  chunk_.dictionary_page_bytes = page.size();
  chunk_.bytes.insert(0, page);
  dictionary_.clear();
  dictionary_values_.clear();
  return true;
}

bool ColumnChunk::take(PageCodec& codec, FinishedChunk& out, std::string& error) {
  if (!finish_page(codec, error) || !prepend_dictionary_page(codec, error)) return false;
  ChunkStatistics& statistics = chunk_.statistics;
  statistics.has_min_max = has_min_max_;
  if (has_min_max_) {
    statistics.min_value.clear();
    statistics.max_value.clear();
    switch (spec_.type) {
      case PhysicalType::boolean:
        statistics.min_value.push_back(static_cast<char>(min_int_));
        statistics.max_value.push_back(static_cast<char>(max_int_));
        break;
      case PhysicalType::int32:
        append_little_endian(statistics.min_value, static_cast<std::int32_t>(min_int_));
        append_little_endian(statistics.max_value, static_cast<std::int32_t>(max_int_));
        break;
      case PhysicalType::int64:
        append_little_endian(statistics.min_value, min_int_);
        append_little_endian(statistics.max_value, max_int_);
        break;
      case PhysicalType::byte_array:
        statistics.min_value = min_bytes_;
        statistics.max_value = max_bytes_;
        break;
    }
  }
  out = std::move(chunk_);
  chunk_ = FinishedChunk{};
  group_value_bytes_ = 0;
  has_min_max_ = false;
  return true;
}

}  // namespace depthrec::parquet

#include "parquet/thrift_compact.hpp"

namespace depthrec::parquet {

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

std::uint64_t zigzag(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

void CompactWriter::field_header(std::int16_t id, CompactType type) {
  const int delta = id - last_field_.back();
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    append_varint(out_, zigzag(id));
  }
  last_field_.back() = id;
}

void CompactWriter::field_i32(std::int16_t id, std::int32_t value) {
  field_header(id, CompactType::i32);
  append_varint(out_, zigzag(value));
}

void CompactWriter::field_i64(std::int16_t id, std::int64_t value) {
  field_header(id, CompactType::i64);
  append_varint(out_, zigzag(value));
}

void CompactWriter::field_binary(std::int16_t id, std::string_view value) {
  field_header(id, CompactType::binary);
  append_varint(out_, value.size());
  out_.append(value);
}

void CompactWriter::field_bool(std::int16_t id, bool value) {
  // A bool field carries its value in the header's type.
  field_header(id, value ? CompactType::boolean_true : CompactType::boolean_false);
}

void CompactWriter::field_struct_begin(std::int16_t id) {
  field_header(id, CompactType::structure);
  last_field_.push_back(0);
}

void CompactWriter::struct_end() {
  out_.push_back(static_cast<char>(CompactType::stop));
  if (last_field_.size() > 1) last_field_.pop_back();
}

void CompactWriter::field_list_begin(std::int16_t id, CompactType element_type, std::size_t size) {
  field_header(id, CompactType::list);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<std::size_t>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | static_cast<int>(element_type)));
    append_varint(out_, size);
  }
}

void CompactWriter::element_i32(std::int32_t value) {
  append_varint(out_, zigzag(value));
}

void CompactWriter::element_binary(std::string_view value) {
  append_varint(out_, value.size());
  out_.append(value);
}

void CompactWriter::element_struct_begin() {
  last_field_.push_back(0);
}

}  // namespace depthrec::parquet

// Thrift's compact protocol, the encoding of Parquet's metadata (FileMetaData, PageHeader), write
// side only and only what those structs use: structs, i32/i64 (zigzag varints), binary, bool and
// lists. Field ids are written as deltas from the previous field of the same struct (one byte
// while the delta is 1..15), so the writer keeps one "last field id" per open struct.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec::parquet {

// The compact protocol's type codes (field headers and list headers).
enum class CompactType : std::uint8_t {
  stop = 0,
  boolean_true = 1,
  boolean_false = 2,
  byte = 3,
  i16 = 4,
  i32 = 5,
  i64 = 6,
  binary = 8,
  list = 9,
  structure = 12,
};

void append_varint(std::string& out, std::uint64_t value);
std::uint64_t zigzag(std::int64_t value);

class CompactWriter {
 public:
  explicit CompactWriter(std::string& out) : out_(out) { last_field_.push_back(0); }

  void field_i32(std::int16_t id, std::int32_t value);
  void field_i64(std::int16_t id, std::int64_t value);
  void field_binary(std::int16_t id, std::string_view value);
  void field_bool(std::int16_t id, bool value);
  // A nested struct: field_struct_begin, its fields, struct_end.
  void field_struct_begin(std::int16_t id);
  void struct_end();  // writes the stop byte and returns to the enclosing struct
  // A list field: its header, then `size` elements written with the element_* calls (a struct
  // element: element_struct_begin, its fields, struct_end).
  void field_list_begin(std::int16_t id, CompactType element_type, std::size_t size);
  void element_i32(std::int32_t value);
  void element_binary(std::string_view value);
  void element_struct_begin();

 private:
  void field_header(std::int16_t id, CompactType type);

  std::string& out_;
  std::vector<std::int16_t> last_field_;  // one per open struct, the outermost first
};

}  // namespace depthrec::parquet

// Reading the fields a FrameHandler collected, with the error each wrong shape maps to, and the
// walk itself (RapidJSON result -> ParseError). Shared by FrameParser and parse_snapshot.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "protocol/json_frame_handler.hpp"

namespace depthrec::json {

// Runs the SAX walk over `text` and maps RapidJSON's outcome onto ParseError. The handler must
// have been begun on `cursor`.
inline ParseError walk(rapidjson::Reader& reader, TextCursor& cursor, FrameHandler& handler,
                       std::string_view text) {
  const rapidjson::ParseResult result = cursor.ascii()
                                            ? reader.Parse<kAsciiParseFlags>(cursor, handler)
                                            : reader.Parse<kUtf8ParseFlags>(cursor, handler);
  if (result.IsError()) {
    return handler.too_deep() ? ParseError::too_large : ParseError::malformed_json;
  }
  // RapidJSON treats a NUL byte as the end of input: anything after one is not JSON.
  if (cursor.Tell() != text.size()) return ParseError::malformed_json;
  if (!handler.root_is_object()) return ParseError::not_an_object;
  if (handler.duplicate_key()) return ParseError::duplicate_key;
  return ParseError::none;
}

// Keeps the first error of a sequence of checks.
class FirstError {
 public:
  void operator()(ParseError error) {
    if (error_ == ParseError::none) error_ = error;
  }
  ParseError get() const { return error_; }

 private:
  ParseError error_ = ParseError::none;
};

// An id: an unsigned JSON integer. Negative, fractional or beyond 64 bits is bad_number.
inline ParseError read_id(const FieldValue& field, std::uint64_t& out) {
  switch (field.kind) {
    case JsonKind::absent:
      return ParseError::missing_field;
    case JsonKind::unsigned_int:
      out = field.number;
      return ParseError::none;
    case JsonKind::negative_int:
    case JsonKind::real:
      return ParseError::bad_number;
    default:
      return ParseError::wrong_type;
  }
}

// Absent is fine; `present` says whether it was there.
inline ParseError read_optional_id(const FieldValue& field, std::uint64_t& out, bool& present) {
  present = field.kind != JsonKind::absent;
  return present ? read_id(field, out) : ParseError::none;
}

// A time in ms: an unsigned integer that fits int64.
inline ParseError read_time(const FieldValue& field, std::int64_t& out) {
  std::uint64_t value = 0;
  const ParseError error = read_id(field, value);
  if (error != ParseError::none) return error;
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return ParseError::bad_number;
  }
  out = static_cast<std::int64_t>(value);
  return ParseError::none;
}

inline ParseError read_optional_time(const FieldValue& field, std::int64_t& out) {
  return field.kind == JsonKind::absent ? ParseError::none : read_time(field, out);
}

// "e" or "s" (the handler keeps a view only for those).
inline ParseError read_text(const FieldValue& field, std::string_view& out) {
  if (field.kind == JsonKind::absent) return ParseError::missing_field;
  if (field.kind != JsonKind::string) return ParseError::wrong_type;
  out = field.text;
  return ParseError::none;
}

// "s": a symbol must name one; an empty one would slip past the recorder's symbol check.
inline ParseError read_symbol(const FieldValue& field, std::string_view& out) {
  const ParseError error = read_text(field, out);
  if (error == ParseError::none && out.empty()) return ParseError::missing_field;
  return error;
}

// "b", "a", "B" or "A" as a decimal string (bookTicker).
inline ParseError read_decimal(const FieldValue& field, Decimal& out) {
  if (field.kind == JsonKind::absent) return ParseError::missing_field;
  if (field.kind != JsonKind::string) return ParseError::wrong_type;
  if (!field.decimal_ok) return ParseError::bad_decimal;
  out = field.decimal;
  return ParseError::none;
}

// "b", "a", "bids" or "asks" as an array of levels (their content errors are level_error()).
inline ParseError check_levels(const FieldValue& field) {
  if (field.kind == JsonKind::absent) return ParseError::missing_field;
  if (field.kind != JsonKind::levels) return ParseError::wrong_type;
  return ParseError::none;
}

}  // namespace depthrec::json

// Why a frame or a snapshot body was refused. Each value is counted in metrics by name.
#pragma once

#include <cstdint>
#include <string_view>

namespace depthrec {

enum class ParseError : std::uint8_t {
  none = 0,
  malformed_json,  // not valid JSON (or invalid UTF-8 in a string)
  not_an_object,   // valid JSON but not an object at the top level
  missing_field,   // a required field is absent (or an empty "s" or "stream")
  wrong_type,      // a field has the wrong JSON type
  bad_number,      // an id or time is negative, fractional or out of range
  bad_decimal,     // a price or quantity string is not an unsigned decimal of <= 20 integer and
                   // <= 8 fraction digits, or a book level price above 92233720368.54775807
  bad_level,       // a level is not a ["price","qty"] pair
  too_large,       // frame over the configured maximum size or too many levels
                   // (or JSON nested more than 32 deep)
  not_text,        // a binary WebSocket frame: market streams send JSON text
  duplicate_key,   // a field the frame or snapshot is read by appears twice ("u" twice...)
};
inline constexpr int kParseErrorCount = 11;

std::string_view to_string(ParseError error);

}  // namespace depthrec

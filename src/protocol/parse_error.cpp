#include "depthrec/parse_error.hpp"

namespace depthrec {

std::string_view to_string(ParseError error) {
  switch (error) {
    case ParseError::none:
      return "none";
    case ParseError::malformed_json:
      return "malformed_json";
    case ParseError::not_an_object:
      return "not_an_object";
    case ParseError::missing_field:
      return "missing_field";
    case ParseError::wrong_type:
      return "wrong_type";
    case ParseError::bad_number:
      return "bad_number";
    case ParseError::bad_decimal:
      return "bad_decimal";
    case ParseError::bad_level:
      return "bad_level";
    case ParseError::too_large:
      return "too_large";
    case ParseError::not_text:
      return "not_text";
    case ParseError::duplicate_key:
      return "duplicate_key";
  }
  return "unknown";
}

}  // namespace depthrec

// The pieces every event-channel parser shares (trade, aggTrade, kline, markPrice, forceOrder):
// where a frame's payload object lies (a combined frame's "data", else the root) with the
// wrapper's "stream", and a reader of the payload's fields that notes the first problem as a
// ParseError. Event channels come at a small fraction of the depth rate, so they read the payload
// as a document; the depth path has its own scanner.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec::protocol {

// Checks `text` is one JSON value and finds the payload: `payload` and `stream` are views of
// `text` (stream empty for a raw payload). `scratch` is the walk's reusable copy of the text.
ParseError locate_event_payload(std::string_view text, std::string& scratch,
                                std::string_view& payload, std::string_view& stream);

using JsonObject = rapidjson::GenericValue<rapidjson::UTF8<>>::ConstObject;

// A frame's payload read as a document whose "e" names the expected event.
struct EventDocument {
  rapidjson::Document document;
  JsonObject object() const { return document.GetObject(); }
};

// locate_event_payload (`payload`, `stream`: views of the frame, set even when the rest fails),
// then the payload parsed as an object whose "e" is `event_type` (another event: wrong_type; "e"
// missing, twice or not a string: its own error).
ParseError read_event_document(std::string_view text, std::string& scratch,
                               std::string_view event_type, EventDocument& out,
                               std::string_view& payload, std::string_view& stream);

// Reads fields of one object; each method leaves `out` alone and notes missing_field,
// wrong_type, bad_number, bad_decimal or duplicate_key when the field is not what it must be.
class FieldReader {
 public:
  explicit FieldReader(const JsonObject& object) : object_(object) {}

  void id(const char* name, std::uint64_t& out);
  // An id that Binance writes as -1 when there is none (a kline's "f"/"L" without trades).
  void signed_id(const char* name, std::int64_t& out);
  void time(const char* name, std::int64_t& out);      // non-negative int64 ms
  void decimal(const char* name, Decimal& out);        // an exact decimal string
  void text(const char* name, std::string_view& out);  // a non-empty string (view of the document)
  void flag(const char* name, bool& out);
  // The nested object `name` (kline "k", forceOrder "o"): nullptr and noted when it is not one.
  const rapidjson::Value* object(const char* name);
  ParseError error() const { return error_; }
  void note(ParseError error) {
    if (error_ == ParseError::none) error_ = error;
  }

 private:
  const rapidjson::Value* find(const char* name);

  const JsonObject& object_;
  ParseError error_ = ParseError::none;
};

// `value` (a string the document holds, equal to text inside `payload`) as a view of `payload`:
// its first occurrence as a quoted JSON string; empty when it appears only escaped.
std::string_view view_in_payload(std::string_view payload, std::string_view value);

}  // namespace depthrec::protocol

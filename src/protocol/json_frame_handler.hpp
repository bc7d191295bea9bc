// The RapidJSON SAX handler behind FrameParser and parse_snapshot. It walks one JSON text once and
// collects the payload fields the frame types need, without deciding the frame type: Binance puts
// fields in any order ("e" may come after "b"), so classification and validation happen afterwards
// (json_field_checks.hpp, frame_parser.cpp, snapshot_parser.cpp). Levels are parsed straight into
// the caller's vectors; the raw text of each level array is recorded from the stream position, so
// views point into the caller's text.
//
// Must run with rapidjson::kParseIterativeFlag: no recursion (deep nesting cannot overflow the
// stack), and StartArray/EndArray then see the stream positioned on '[' / ']', which the raw
// spans rely on.
#pragma once

#include <rapidjson/reader.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/parse_error.hpp"
#include "protocol/json_text_cursor.hpp"

namespace depthrec::json {

// In situ over TextCursor's copy. Text with a byte >= 0x80 is also checked as UTF-8 (invalid text
// is malformed JSON); plain ASCII, every Binance frame in practice, is valid as it is.
inline constexpr unsigned kAsciiParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag;
inline constexpr unsigned kUtf8ParseFlags =
    kAsciiParseFlags | rapidjson::kParseValidateEncodingFlag;

// Deeper JSON is refused (ParseError::too_large): Binance payloads nest at most 4 levels.
inline constexpr int kMaxNesting = 32;

// The payload fields depthrec reads. Everything else is skipped.
enum class FieldId : std::uint8_t {
  e,
  E,
  T,
  s,
  U,
  u,
  pu,
  b,
  a,
  B,
  A,
  bids,
  asks,
  last_update_id,
  result,
  id,
  code,
  msg,
  error,  // {"error":{"code":..,"msg":..},"id":..}: a refused request
  unknown,
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(FieldId::unknown);

enum class JsonKind : std::uint8_t {
  absent,
  unsigned_int,
  negative_int,
  real,
  string,
  levels,
  array,
  object,
  boolean,
  null,
};

struct FieldValue {
  JsonKind kind = JsonKind::absent;
  std::uint64_t number = 0;  // unsigned_int
  std::string_view text;     // string, for "e", "s" and the decimals "b", "a", "B", "A"
  Decimal decimal;           // string, for "b", "a", "B", "A": parsed on the fly
  bool decimal_ok = false;
};

struct LevelSide {
  std::vector<PriceLevel>* levels = nullptr;  // the caller's vector, filled in place
  std::string_view raw;                       // the array's text, e.g. [["1.0","2"]]
};

class FrameHandler {
 public:
  FrameHandler();

  // Prepares a walk over `text` read through `cursor` (a copy of it). `accept_wrapper` lets a
  // top-level
  // {"stream":..,"data":{..}} wrap the payload (frames yes, REST bodies no).
  void begin(std::string_view text, const TextCursor& cursor, std::vector<PriceLevel>& bids,
             std::vector<PriceLevel>& asks, std::size_t max_levels_per_side, bool accept_wrapper);

  // Results of the walk.
  const FieldValue& field(FieldId id) const { return fields_[static_cast<std::size_t>(id)]; }
  const LevelSide& side(Side s) const { return s == Side::bid ? bids_ : asks_; }
  bool root_is_object() const { return root_is_object_; }
  bool too_deep() const { return too_deep_; }
  JsonKind stream_kind() const { return stream_kind_; }
  JsonKind data_kind() const { return data_kind_; }
  std::string_view stream() const { return stream_; }
  ParseError level_error() const { return level_error_; }
  // A payload field (or the wrapper's "stream"/"data") appeared twice: which value counts would
  // be a guess (a second "u" could leap the book ahead), so the frame is refused.
  bool duplicate_key() const { return duplicate_key_; }

  // RapidJSON SAX interface.
  bool Null();
  bool Bool(bool value);
  bool Int(int value);
  bool Uint(unsigned value);
  bool Int64(std::int64_t value);
  bool Uint64(std::uint64_t value);
  bool Double(double value);
  bool RawNumber(const char* str, rapidjson::SizeType length, bool copy);
  bool String(const char* str, rapidjson::SizeType length, bool copy);
  bool StartObject();
  bool Key(const char* str, rapidjson::SizeType length, bool copy);
  bool EndObject(rapidjson::SizeType member_count);
  bool StartArray();
  bool EndArray(rapidjson::SizeType element_count);

 private:
  enum class Slot : std::uint8_t {
    root,
    stream_member,
    data_member,
    payload_member,
    level,
    level_item,
    ignored
  };
  enum class TopKey : std::uint8_t { stream, data, payload };

  Slot slot() const;
  void reset_payload();
  void scalar(JsonKind kind, std::uint64_t number = 0);
  bool open(bool is_array);
  void fail_level(ParseError error);
  void note_payload_key(FieldId id);
  std::string_view keep(const char* str, std::size_t length, std::string& storage) const;

  std::string_view text_;
  const TextCursor* cursor_ = nullptr;
  std::size_t max_levels_ = 0;
  bool accept_wrapper_ = true;

  int depth_ = 0;  // open containers
  bool root_is_object_ = false;
  bool too_deep_ = false;
  bool in_data_ = false;  // inside the wrapper's "data" object
  bool wrapped_ = false;  // a "data" object was seen: top-level fields are no longer payload
  TopKey top_key_ = TopKey::payload;
  FieldId field_ = FieldId::unknown;  // the payload key whose value comes next

  bool duplicate_key_ = false;
  std::uint32_t seen_fields_ = 0;   // payload fields seen, one bit per FieldId
  std::uint8_t seen_top_keys_ = 0;  // wrapper keys seen, one bit per TopKey

  JsonKind stream_kind_ = JsonKind::absent;
  JsonKind data_kind_ = JsonKind::absent;
  std::string_view stream_;

  FieldValue fields_[kFieldCount];
  LevelSide bids_;
  LevelSide asks_;
  LevelSide* levels_ = nullptr;  // the level array being read, if any
  int levels_depth_ = 0;         // depth_ inside that array
  std::size_t levels_start_ = 0;
  bool level_open_ = false;  // inside one ["price","qty"]
  int level_items_ = 0;
  PriceLevel level_;
  ParseError level_error_ = ParseError::none;

  // Unescaped strings are viewed in the text; escaped ones are decoded into these.
  std::string stream_storage_;
  std::string event_storage_;
  std::string symbol_storage_;
  std::array<std::string, 4> decimal_storage_;  // b, a, B, A: escaped text only (keep())
};

}  // namespace depthrec::json

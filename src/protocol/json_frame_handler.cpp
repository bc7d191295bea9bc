#include "protocol/json_frame_handler.hpp"

#include <cstring>

namespace depthrec::json {
namespace {

FieldId field_id(std::string_view key) {
  switch (key.size()) {
    case 1:
      switch (key[0]) {
        case 'e':
          return FieldId::e;
        case 'E':
          return FieldId::E;
        case 'T':
          return FieldId::T;
        case 's':
          return FieldId::s;
        case 'U':
          return FieldId::U;
        case 'u':
          return FieldId::u;
        case 'b':
          return FieldId::b;
        case 'a':
          return FieldId::a;
        case 'B':
          return FieldId::B;
        case 'A':
          return FieldId::A;
        default:
          return FieldId::unknown;
      }
    case 2:
      if (key == "pu") return FieldId::pu;
      if (key == "id") return FieldId::id;
      return FieldId::unknown;
    default:
      if (key == "bids") return FieldId::bids;
      if (key == "asks") return FieldId::asks;
      if (key == "lastUpdateId") return FieldId::last_update_id;
      if (key == "result") return FieldId::result;
      if (key == "code") return FieldId::code;
      if (key == "msg") return FieldId::msg;
      if (key == "error") return FieldId::error;
      return FieldId::unknown;
  }
}

bool is_level_list(FieldId id) {
  return id == FieldId::b || id == FieldId::a || id == FieldId::bids || id == FieldId::asks;
}

bool is_bid_list(FieldId id) {
  return id == FieldId::b || id == FieldId::bids;
}

bool is_decimal_field(FieldId id) {
  return id == FieldId::b || id == FieldId::a || id == FieldId::B || id == FieldId::A;
}

// Its slot in FrameHandler::decimal_storage_.
std::size_t decimal_slot(FieldId id) {
  return id == FieldId::b ? 0 : id == FieldId::a ? 1 : id == FieldId::B ? 2 : 3;
}

}  // namespace

FrameHandler::FrameHandler() = default;

void FrameHandler::begin(std::string_view text, const TextCursor& cursor,
                         std::vector<PriceLevel>& bids, std::vector<PriceLevel>& asks,
                         std::size_t max_levels_per_side, bool accept_wrapper) {
  text_ = text;
  cursor_ = &cursor;
  max_levels_ = max_levels_per_side;
  accept_wrapper_ = accept_wrapper;
  depth_ = 0;
  root_is_object_ = false;
  too_deep_ = false;
  in_data_ = false;
  wrapped_ = false;
  top_key_ = TopKey::payload;
  stream_kind_ = JsonKind::absent;
  data_kind_ = JsonKind::absent;
  stream_ = {};
  duplicate_key_ = false;
  seen_top_keys_ = 0;
  bids_.levels = &bids;
  asks_.levels = &asks;
  reset_payload();
}

void FrameHandler::reset_payload() {
  for (FieldValue& field : fields_) field = FieldValue{};
  bids_.levels->clear();
  bids_.raw = {};
  asks_.levels->clear();
  asks_.raw = {};
  levels_ = nullptr;
  levels_depth_ = 0;
  level_open_ = false;
  level_error_ = ParseError::none;
  field_ = FieldId::unknown;
  seen_fields_ = 0;
}

void FrameHandler::note_payload_key(FieldId id) {
  field_ = id;
  if (id == FieldId::unknown) return;
  const std::uint32_t bit = 1U << static_cast<unsigned>(id);
  if ((seen_fields_ & bit) != 0) duplicate_key_ = true;
  seen_fields_ |= bit;
}

FrameHandler::Slot FrameHandler::slot() const {
  if (depth_ == 0) return Slot::root;
  if (levels_ != nullptr) {
    if (depth_ == levels_depth_) return Slot::level;
    if (depth_ == levels_depth_ + 1 && level_open_) return Slot::level_item;
    return Slot::ignored;
  }
  if (in_data_) return depth_ == 2 ? Slot::payload_member : Slot::ignored;
  if (depth_ != 1) return Slot::ignored;
  switch (top_key_) {
    case TopKey::stream:
      return Slot::stream_member;
    case TopKey::data:
      return Slot::data_member;
    case TopKey::payload:
      break;
  }
  return wrapped_ ? Slot::ignored : Slot::payload_member;
}

void FrameHandler::fail_level(ParseError error) {
  if (level_error_ == ParseError::none) level_error_ = error;
}

// The stream stands just past the closing quote. If the characters before it are exactly the
// string between an unescaped opening quote, the text itself can be viewed; otherwise (escapes)
// the decoded string (written over the scratch copy of the text by in-situ parsing) is kept.
std::string_view FrameHandler::keep(const char* str, std::size_t length,
                                    std::string& storage) const {
  const std::size_t end = cursor_->Tell();
  if (end >= length + 2) {
    const std::size_t open = end - length - 2;
    const bool opening_quote = text_[open] == '"' && (open == 0 || text_[open - 1] != '\\');
    if (opening_quote && std::memcmp(text_.data() + open + 1, str, length) == 0) {
      return text_.substr(open + 1, length);
    }
  }
  storage.assign(str, length);
  return storage;
}

void FrameHandler::scalar(JsonKind kind, std::uint64_t number) {
  switch (slot()) {
    case Slot::root:
      break;
    case Slot::stream_member:
      stream_kind_ = kind;
      break;
    case Slot::data_member:
      data_kind_ = kind;
      break;
    case Slot::payload_member:
      if (field_ != FieldId::unknown) {
        FieldValue& field = fields_[static_cast<std::size_t>(field_)];
        field = FieldValue{};
        field.kind = kind;
        field.number = number;
      }
      break;
    case Slot::level:
      fail_level(ParseError::bad_level);
      break;
    case Slot::level_item:
      fail_level(ParseError::bad_level);
      ++level_items_;
      break;
    case Slot::ignored:
      break;
  }
}

bool FrameHandler::Null() {
  scalar(JsonKind::null);
  return true;
}

bool FrameHandler::Bool(bool) {
  scalar(JsonKind::boolean);
  return true;
}

bool FrameHandler::Int(int value) {
  return Int64(value);
}

bool FrameHandler::Uint(unsigned value) {
  return Uint64(value);
}

bool FrameHandler::Int64(std::int64_t value) {
  if (value < 0) {
    scalar(JsonKind::negative_int);
  } else {
    scalar(JsonKind::unsigned_int, static_cast<std::uint64_t>(value));
  }
  return true;
}

bool FrameHandler::Uint64(std::uint64_t value) {
  scalar(JsonKind::unsigned_int, value);
  return true;
}

// RapidJSON reports fractions, exponents and integers beyond 64 bits as doubles.
bool FrameHandler::Double(double) {
  scalar(JsonKind::real);
  return true;
}

bool FrameHandler::RawNumber(const char*, rapidjson::SizeType, bool) {
  scalar(JsonKind::real);  // only with kParseNumbersAsStringsFlag, which is not used
  return true;
}

bool FrameHandler::String(const char* str, rapidjson::SizeType length, bool) {
  switch (slot()) {
    case Slot::root:
      break;
    case Slot::stream_member:
      stream_kind_ = JsonKind::string;
      stream_ = keep(str, length, stream_storage_);
      break;
    case Slot::data_member:
      data_kind_ = JsonKind::string;
      break;
    case Slot::payload_member: {
      if (field_ == FieldId::unknown) break;
      FieldValue& field = fields_[static_cast<std::size_t>(field_)];
      field = FieldValue{};
      field.kind = JsonKind::string;
      if (field_ == FieldId::e) {
        field.text = keep(str, length, event_storage_);
      } else if (field_ == FieldId::s) {
        field.text = keep(str, length, symbol_storage_);
      } else if (is_decimal_field(field_)) {
        field.decimal_ok = parse_decimal(std::string_view(str, length), field.decimal);
        if (field.decimal_ok)
          field.text = keep(str, length, decimal_storage_[decimal_slot(field_)]);
      }
      break;
    }
    case Slot::level:
      fail_level(ParseError::bad_level);
      break;
    case Slot::level_item:
      if (level_items_ < 2) {
        const bool is_price = level_items_ == 0;
        Decimal& target = is_price ? level_.price : level_.qty;
        // A book keeps prices as 64-bit ranks: a level price beyond them is refused here.
        if (!parse_decimal(std::string_view(str, length), target) ||
            (is_price && !fits_book_price(target))) {
          fail_level(ParseError::bad_decimal);
        }
      }
      ++level_items_;
      break;
    case Slot::ignored:
      break;
  }
  return true;
}

bool FrameHandler::Key(const char* str, rapidjson::SizeType length, bool) {
  const std::string_view key(str, length);
  if (in_data_) {
    if (depth_ == 2) note_payload_key(field_id(key));
    return true;
  }
  if (depth_ != 1) return true;
  if (accept_wrapper_ && (key == "stream" || key == "data")) {
    top_key_ = key == "stream" ? TopKey::stream : TopKey::data;
    const auto bit = static_cast<std::uint8_t>(1U << static_cast<unsigned>(top_key_));
    if ((seen_top_keys_ & bit) != 0) duplicate_key_ = true;
    seen_top_keys_ |= bit;
  } else {
    top_key_ = TopKey::payload;
    // Top-level fields beside a "data" object are not the payload: only field_ matters there.
    if (wrapped_) {
      field_ = field_id(key);
    } else {
      note_payload_key(field_id(key));
    }
  }
  return true;
}

bool FrameHandler::StartObject() {
  return open(false);
}

bool FrameHandler::StartArray() {
  return open(true);
}

bool FrameHandler::open(bool is_array) {
  if (depth_ >= kMaxNesting) {
    too_deep_ = true;
    return false;  // RapidJSON stops with kParseErrorTermination
  }
  const JsonKind kind = is_array ? JsonKind::array : JsonKind::object;
  switch (slot()) {
    case Slot::root:
      root_is_object_ = !is_array;
      break;
    case Slot::stream_member:
      stream_kind_ = kind;
      break;
    case Slot::data_member:
      data_kind_ = kind;
      if (!is_array) {
        in_data_ = true;
        wrapped_ = true;
        reset_payload();
      }
      break;
    case Slot::payload_member: {
      if (field_ == FieldId::unknown) break;
      FieldValue& field = fields_[static_cast<std::size_t>(field_)];
      field = FieldValue{};
      field.kind = kind;
      if (is_array && is_level_list(field_)) {
        field.kind = JsonKind::levels;
        levels_ = is_bid_list(field_) ? &bids_ : &asks_;
        levels_->levels->clear();
        levels_->raw = {};
        levels_depth_ = depth_ + 1;
        levels_start_ = cursor_->Tell();  // on the '[' (iterative parsing)
      }
      break;
    }
    case Slot::level:
      if (is_array) {
        level_open_ = true;
        level_items_ = 0;
      } else {
        fail_level(ParseError::bad_level);
      }
      break;
    case Slot::level_item:
      fail_level(ParseError::bad_level);
      ++level_items_;
      break;
    case Slot::ignored:
      break;
  }
  ++depth_;
  return true;
}

bool FrameHandler::EndObject(rapidjson::SizeType) {
  --depth_;
  if (in_data_ && depth_ == 1) in_data_ = false;
  return true;
}

bool FrameHandler::EndArray(rapidjson::SizeType) {
  if (levels_ != nullptr) {
    if (level_open_ && depth_ == levels_depth_ + 1) {
      level_open_ = false;
      if (level_items_ != 2) {
        fail_level(ParseError::bad_level);
      } else if (level_error_ == ParseError::none) {
        if (levels_->levels->size() >= max_levels_) {
          fail_level(ParseError::too_large);
        } else {
          levels_->levels->push_back(level_);
        }
      }
    } else if (depth_ == levels_depth_) {
      const std::size_t end = cursor_->Tell() + 1;  // just past the ']' (iterative parsing)
      levels_->raw = text_.substr(levels_start_, end - levels_start_);
      levels_ = nullptr;
      levels_depth_ = 0;
    }
  }
  --depth_;
  return true;
}

}  // namespace depthrec::json

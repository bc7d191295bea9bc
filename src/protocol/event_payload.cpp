#include "protocol/event_payload.hpp"

#include <rapidjson/reader.h>

#include <cstring>

#include "protocol/json_text_cursor.hpp"

namespace depthrec::protocol {
namespace {

// Nesting past this is refused as too_large (as the depth frames' walk does).
constexpr int kMaxDepth = 32;

// The wrapper's "stream" and the payload object's bounds, from one walk of the frame.
class PayloadLocator : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PayloadLocator> {
 public:
  PayloadLocator(std::string_view text, const json::TextCursor& cursor)
      : text_(text), cursor_(cursor) {}

  bool Default() { return value_done(); }
  bool String(const char* chars, rapidjson::SizeType size, bool) {
    if (depth_ == 1 && key_ == TopKey::stream) {
      stream_.assign(chars, size);
      stream_is_string_ = true;
    }
    return value_done();
  }
  bool Key(const char* chars, rapidjson::SizeType size, bool) {
    key_ = TopKey::other;
    if (depth_ != 1) return true;
    const std::string_view key(chars, size);
    if (key == "stream") key_ = TopKey::stream;
    if (key == "data") key_ = TopKey::data;
    if (key_ != TopKey::other) {
      std::size_t& seen = key_ == TopKey::stream ? stream_keys_ : data_keys_;
      ++seen;
    }
    return true;
  }
  bool StartObject() {
    if (++depth_ > kMaxDepth) {
      too_deep_ = true;
      return false;
    }
    if (depth_ == 1) root_begin_ = brace_at(cursor_.Tell(), '{');
    if (depth_ == 2 && key_ == TopKey::data) data_begin_ = brace_at(cursor_.Tell(), '{');
    key_ = TopKey::other;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 2 && data_begin_ != kNone && data_end_ == kNone)
      data_end_ = brace_at(cursor_.Tell(), '}') + 1;
    if (depth_ == 1) root_end_ = brace_at(cursor_.Tell(), '}') + 1;
    --depth_;
    return value_done();
  }
  bool StartArray() {
    if (++depth_ > kMaxDepth) {
      too_deep_ = true;
      return false;
    }
    if (depth_ == 2 && key_ == TopKey::data) data_not_object_ = true;
    key_ = TopKey::other;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return value_done();
  }

  bool too_deep() const { return too_deep_; }
  // The payload's text (empty: none, `error` says why) and the wrapper's stream.
  ParseError payload(std::string_view& out, std::string_view& stream) const {
    if (root_begin_ == kNone) return ParseError::not_an_object;
    if (stream_keys_ > 1 || data_keys_ > 1) return ParseError::duplicate_key;
    if (stream_keys_ == 0 && data_keys_ == 0) {
      out = text_.substr(root_begin_, root_end_ - root_begin_);
      return ParseError::none;
    }
    if (stream_keys_ == 0 || data_keys_ == 0) return ParseError::missing_field;
    if (!stream_is_string_ || data_not_object_ || data_begin_ == kNone)
      return ParseError::wrong_type;
    if (stream_.empty()) return ParseError::missing_field;
    out = text_.substr(data_begin_, data_end_ - data_begin_);
    stream = stream_;
    return ParseError::none;
  }

 private:
  enum class TopKey : std::uint8_t { other, stream, data };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // Where the reader stands when it reports a brace: on it (iterative parsing) or just past it.
  std::size_t brace_at(std::size_t at, char brace) const {
    if (at < text_.size() && text_[at] == brace) return at;
    return at > 0 ? at - 1 : 0;
  }
  bool value_done() {
    key_ = TopKey::other;
    return true;
  }

  std::string_view text_;
  const json::TextCursor& cursor_;
  int depth_ = 0;
  TopKey key_ = TopKey::other;
  bool too_deep_ = false;
  bool stream_is_string_ = false;
  bool data_not_object_ = false;
  std::size_t stream_keys_ = 0, data_keys_ = 0;
  std::string stream_;
  std::size_t root_begin_ = kNone, root_end_ = kNone;
  std::size_t data_begin_ = kNone, data_end_ = kNone;

 public:
  std::string_view stream_text() const { return stream_; }
};

// The one member named `name`: nullptr when absent; `twice` set when it appears more than once.
const rapidjson::Value* member(const JsonObject& object, const char* name, bool& twice) {
  const rapidjson::Value* found = nullptr;
  for (const auto& m : object) {
    if (std::strcmp(m.name.GetString(), name) != 0) continue;
    if (found != nullptr) twice = true;
    found = &m.value;
  }
  return found;
}

}  // namespace

ParseError locate_event_payload(std::string_view text, std::string& scratch,
                                std::string_view& payload, std::string_view& stream) {
  payload = {};
  stream = {};
  json::TextCursor cursor(text, scratch);
  PayloadLocator locator(text, cursor);
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  if (reader.Parse<kFlags>(cursor, locator).IsError())
    return locator.too_deep() ? ParseError::too_large : ParseError::malformed_json;
  if (cursor.Tell() != text.size()) return ParseError::malformed_json;  // a NUL inside
  std::string_view located_stream;
  if (const ParseError error = locator.payload(payload, located_stream); error != ParseError::none)
    return error;
  if (!located_stream.empty()) {
    // A view of the frame, not of the locator: the stream name is the first "stream" value's
    // text; find it in the frame (the wrapper Binance sends has no escapes in it).
    const std::size_t at = text.find(located_stream);
    if (at == std::string_view::npos) return ParseError::wrong_type;  // escaped: not a name
    stream = text.substr(at, located_stream.size());
  }
  return ParseError::none;
}

ParseError read_event_document(std::string_view text, std::string& scratch,
                               std::string_view event_type, EventDocument& out,
                               std::string_view& payload, std::string_view& stream) {
  if (const ParseError error = locate_event_payload(text, scratch, payload, stream);
      error != ParseError::none)
    return error;
  out.document.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
  if (out.document.HasParseError() || !out.document.IsObject()) return ParseError::malformed_json;
  const JsonObject object = out.object();
  FieldReader read(object);
  std::string_view type;
  read.text("e", type);
  if (read.error() != ParseError::none) return read.error();
  return type == event_type ? ParseError::none : ParseError::wrong_type;  // another event
}

void FieldReader::id(const char* name, std::uint64_t& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (v->IsUint64()) {
    out = v->GetUint64();
  } else {
    note(v->IsNumber() ? ParseError::bad_number : ParseError::wrong_type);
  }
}

void FieldReader::signed_id(const char* name, std::int64_t& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (v->IsInt64() && v->GetInt64() >= -1) {
    out = v->GetInt64();
  } else {
    note(v->IsNumber() ? ParseError::bad_number : ParseError::wrong_type);
  }
}

void FieldReader::time(const char* name, std::int64_t& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (v->IsInt64() && v->GetInt64() >= 0) {
    out = v->GetInt64();
  } else {
    note(v->IsNumber() ? ParseError::bad_number : ParseError::wrong_type);
  }
}

void FieldReader::decimal(const char* name, Decimal& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (!v->IsString()) return note(ParseError::wrong_type);
  if (!parse_decimal(std::string_view(v->GetString(), v->GetStringLength()), out))
    note(ParseError::bad_decimal);
}

void FieldReader::text(const char* name, std::string_view& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (!v->IsString()) return note(ParseError::wrong_type);
  out = std::string_view(v->GetString(), v->GetStringLength());
  if (out.empty()) note(ParseError::missing_field);
}

void FieldReader::flag(const char* name, bool& out) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return;
  if (!v->IsBool()) return note(ParseError::wrong_type);
  out = v->GetBool();
}

const rapidjson::Value* FieldReader::object(const char* name) {
  const rapidjson::Value* v = find(name);
  if (v == nullptr) return nullptr;
  if (!v->IsObject()) {
    note(ParseError::wrong_type);
    return nullptr;
  }
  return v;
}

const rapidjson::Value* FieldReader::find(const char* name) {
  bool twice = false;
  const rapidjson::Value* v = member(object_, name, twice);
  if (twice) note(ParseError::duplicate_key);
  if (v == nullptr) note(ParseError::missing_field);
  return twice ? nullptr : v;
}

std::string_view view_in_payload(std::string_view payload, std::string_view value) {
  const std::string quoted = "\"" + std::string(value) + "\"";
  const std::size_t at = payload.find(quoted);
  if (at == std::string_view::npos) return {};
  return payload.substr(at + 1, value.size());
}

}  // namespace depthrec::protocol

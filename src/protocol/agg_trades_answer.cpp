#include "protocol/agg_trades_answer.hpp"

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include "protocol/event_payload.hpp"
#include "protocol/json_text_cursor.hpp"

namespace depthrec {
namespace {

constexpr int kMaxDepth = 32;  // as the frames' walk: deeper is too_large

// The bounds of each element of the top-level array, from one walk of the body.
class ElementLocator : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ElementLocator> {
 public:
  struct Bounds {
    std::size_t begin = 0, end = 0;
  };

  ElementLocator(std::string_view text, const json::TextCursor& cursor)
      : text_(text), cursor_(cursor) {}

  bool Default() {
    if (depth_ == 0) not_array_ = true;  // a scalar answer
    if (depth_ == 1) not_object_ = true;
    return depth_ > 0;
  }
  bool String(const char*, rapidjson::SizeType, bool) { return Default(); }
  bool Key(const char*, rapidjson::SizeType, bool) { return true; }
  bool StartObject() {
    if (depth_ == 0) not_array_ = true;
    if (++depth_ > kMaxDepth) return too_deep();
    if (depth_ == 2) {
      if (elements_.size() >= kMaxAggTradesPerAnswer) {
        too_many_ = true;
        return false;
      }
      elements_.push_back({brace_at(cursor_.Tell(), '{'), 0});
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 2) elements_.back().end = brace_at(cursor_.Tell(), '}') + 1;
    --depth_;
    return true;
  }
  bool StartArray() {
    if (depth_ == 1) not_object_ = true;
    if (++depth_ > kMaxDepth) return too_deep();
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

  bool too_many_ = false, deep_ = false, not_array_ = false, not_object_ = false;
  std::vector<Bounds> elements_;

 private:
  bool too_deep() {
    deep_ = true;
    return false;
  }
  // Where the reader stands when it reports a brace: on it (iterative parsing) or just past it.
  std::size_t brace_at(std::size_t at, char brace) const {
    if (at < text_.size() && text_[at] == brace) return at;
    return at > 0 ? at - 1 : 0;
  }

  std::string_view text_;
  const json::TextCursor& cursor_;
  int depth_ = 0;
};

ParseError read_trade(std::string_view object_text, rapidjson::Document& document,
                      RestAggTrade& out) {
  document.Parse<rapidjson::kParseIterativeFlag>(object_text.data(), object_text.size());
  if (document.HasParseError() || !document.IsObject()) return ParseError::malformed_json;
  const rapidjson::Document& doc = document;
  const protocol::JsonObject object = doc.GetObject();
  protocol::FieldReader read(object);
  read.id("a", out.id);
  read.id("f", out.first_trade_id);
  read.id("l", out.last_trade_id);
  read.decimal("p", out.price);
  read.decimal("q", out.quantity);
  read.time("T", out.trade_time_ms);
  read.flag("m", out.buyer_is_maker);
  if (read.error() != ParseError::none) return read.error();
  if (out.last_trade_id < out.first_trade_id) return ParseError::bad_number;
  out.object = object_text;
  return ParseError::none;
}

}  // namespace

std::string AggTradesAnswer::error_text() const {
  if (error == ParseError::none) return {};
  const bool of_element = error != ParseError::malformed_json &&
                          error != ParseError::not_an_object && error != ParseError::too_large;
  return of_element
             ? "element " + std::to_string(error_index) + ": " + std::string(to_string(error))
             : std::string(to_string(error));
}

AggTradesAnswer parse_agg_trades_answer(std::string_view body, std::string& scratch) {
  AggTradesAnswer answer;
  json::TextCursor cursor(body, scratch);
  ElementLocator locator(body, cursor);
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  const bool parsed = !reader.Parse<kFlags>(cursor, locator).IsError();
  if (locator.deep_ || locator.too_many_) {
    answer.error = ParseError::too_large;
    return answer;
  }
  if (!parsed || cursor.Tell() != body.size()) {
    // A scalar answer stops the walk at once: not an array, rather than malformed.
    answer.error = locator.not_array_ ? ParseError::not_an_object : ParseError::malformed_json;
    return answer;
  }
  if (locator.not_array_) {
    answer.error = ParseError::not_an_object;
    return answer;
  }
  if (locator.not_object_) {
    answer.error = ParseError::wrong_type;  // an element that is not an object
    return answer;
  }
  rapidjson::Document document;
  answer.trades.resize(locator.elements_.size());
  for (std::size_t i = 0; i < locator.elements_.size(); ++i) {
    const ElementLocator::Bounds& b = locator.elements_[i];
    const ParseError error =
        read_trade(body.substr(b.begin, b.end - b.begin), document, answer.trades[i]);
    if (error != ParseError::none) {
      answer.trades.clear();
      answer.error = error;
      answer.error_index = i;
      return answer;
    }
  }
  return answer;
}

}  // namespace depthrec

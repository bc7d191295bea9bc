// One SAX walk over the answer (RapidJSON, iterative: deep nesting cannot overflow the stack).
// Only root.symbols[].{symbol,status,contractStatus,baseAsset,quoteAsset,contractType} and
// root.symbols[].filters[].{filterType,tickSize,stepSize} are kept; every other value is skipped by
// counting its depth. Filters' keys come in any order, so a filter is judged at its closing brace.
#include "venues/binance/exchange_info.hpp"

// reader.h first: it includes internal/stack.h by the path tests/fuzz/ubsan.supp names (through
// error/en.h it would be error/../internal/stack.h, and the suppression would not match).
#include <rapidjson/reader.h>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/peer_text.hpp"

namespace depthrec::binance {
namespace {

enum class Scope : std::uint8_t { root, symbols, symbol, filters, filter };

// What the next value belongs to, set by the key before it.
enum class Field : std::uint8_t {
  other,
  symbols,
  code,
  msg,
  symbol,
  status,
  contract_status,
  base_asset,
  quote_asset,
  contract_type,
  filters,
  filter_type,
  tick_size,
  step_size,
};

const char* key_of(Field field) {
  switch (field) {
    case Field::symbols:
      return "symbols";
    case Field::code:
      return "code";
    case Field::msg:
      return "msg";
    case Field::symbol:
      return "symbol";
    case Field::status:
      return "status";
    case Field::contract_status:
      return "contractStatus";
    case Field::base_asset:
      return "baseAsset";
    case Field::quote_asset:
      return "quoteAsset";
    case Field::contract_type:
      return "contractType";
    case Field::filters:
      return "filters";
    case Field::filter_type:
      return "filterType";
    case Field::tick_size:
      return "tickSize";
    case Field::step_size:
      return "stepSize";
    case Field::other:
      break;
  }
  return "?";
}

Field field_of(Scope scope, std::string_view key) {
  switch (scope) {
    case Scope::root:
      if (key == "symbols") return Field::symbols;
      if (key == "code") return Field::code;
      if (key == "msg") return Field::msg;
      break;
    case Scope::symbol:
      if (key == "symbol") return Field::symbol;
      if (key == "status") return Field::status;
      if (key == "contractStatus") return Field::contract_status;
      if (key == "baseAsset") return Field::base_asset;
      if (key == "quoteAsset") return Field::quote_asset;
      if (key == "contractType") return Field::contract_type;
      if (key == "filters") return Field::filters;
      break;
    case Scope::filter:
      if (key == "filterType") return Field::filter_type;
      if (key == "tickSize") return Field::tick_size;
      if (key == "stepSize") return Field::step_size;
      break;
    case Scope::symbols:
    case Scope::filters:
      break;
  }
  return Field::other;
}

struct PendingSymbol {
  SymbolInfo info;
  std::string contract_status;
  std::string tick_text;
  std::string step_text;
  std::uint32_t seen = 0;  // bit per Field read in this object: a field read twice is refused
  bool has_price_filter = false;
  bool has_lot_size = false;
};

struct PendingFilter {
  std::string type;
  std::string tick_text;
  std::string step_text;
  std::uint32_t seen = 0;
};

class ExchangeInfoHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ExchangeInfoHandler> {
 public:
  ExchangeInfoHandler(const ExchangeInfoLimits& limits, Market market, ExchangeInfo& out)
      : limits_(limits), market_(market), out_(out) {}

  // Scalars.
  bool Null() { return scalar("null"); }
  bool Bool(bool) { return scalar("a boolean"); }
  bool Int(int value) { return number(value); }
  bool Uint(unsigned value) { return number(value); }
  bool Int64(std::int64_t value) { return number(value); }
  bool Uint64(std::uint64_t) { return scalar("a number"); }
  bool Double(double) { return scalar("a number"); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return scalar("a number"); }
  bool String(const char* text, rapidjson::SizeType length, bool);
  bool Key(const char* text, rapidjson::SizeType length, bool);
  bool StartObject() { return open(true); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(false); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  const std::string& error() const { return error_; }
  bool saw_symbols() const { return saw_symbols_; }
  bool saw_code() const { return saw_code_; }
  std::int64_t code() const { return code_; }
  const std::string& msg() const { return msg_; }

 private:
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  // "symbols[3] (BTCUSDT)": where a symbol's problem is.
  std::string where() const {
    std::string text = "symbols[" + std::to_string(out_.symbols.size()) + "]";
    if (!symbol_.info.symbol.empty()) text += " (" + peer_text(symbol_.info.symbol, 40) + ")";
    return text;
  }
  Scope top() const { return scopes_.back(); }
  bool take(Field field, const char* kind);
  bool scalar(const char* kind);
  bool number(std::int64_t value);
  bool open(bool object);
  bool close();
  bool end_filter();
  bool end_symbol();

  const ExchangeInfoLimits& limits_;
  Market market_;
  ExchangeInfo& out_;
  std::vector<Scope> scopes_;
  std::size_t skip_depth_ = 0;  // > 0: inside a value nobody reads
  Field pending_ = Field::other;
  PendingSymbol symbol_;
  PendingFilter filter_;
  std::size_t filter_index_ = 0;
  bool saw_symbols_ = false;
  bool saw_code_ = false;
  std::int64_t code_ = 0;
  std::string msg_;
  std::string error_;
};

// A value arrives for `pending_`: is it one we read, of the kind it must be? `kind` names what
// arrived ("a string", "an object"...). Returns false (an error) on a wrong type.
bool ExchangeInfoHandler::take(Field field, const char* kind) {
  const char* expected = field == Field::symbols || field == Field::filters ? "an array"
                         : field == Field::code                             ? "an integer"
                                                                            : "a string";
  std::string place = scopes_.empty() || top() == Scope::root ? std::string("answer")
                      : top() == Scope::symbol
                          ? where()
                          : where() + " filters[" + std::to_string(filter_index_) + "]";
  return fail(place + ": \"" + key_of(field) + "\" is " + kind + ", not " + expected);
}

bool ExchangeInfoHandler::scalar(const char* kind) {
  if (skip_depth_ > 0) return true;
  if (scopes_.empty()) return fail("answer is " + std::string(kind) + ", not a JSON object");
  switch (top()) {
    case Scope::symbols:
      return fail(where() + " is " + kind + ", not an object");
    case Scope::filters:
      return fail(where() + " filters[" + std::to_string(filter_index_) + "] is " + kind +
                  ", not an object");
    default:
      break;
  }
  const Field field = pending_;
  pending_ = Field::other;
  return field == Field::other ? true : take(field, kind);
}

bool ExchangeInfoHandler::number(std::int64_t value) {
  if (skip_depth_ == 0 && !scopes_.empty() && top() == Scope::root && pending_ == Field::code) {
    pending_ = Field::other;
    code_ = value;
    saw_code_ = true;
    return true;
  }
  return scalar("a number");
}

bool ExchangeInfoHandler::String(const char* text, rapidjson::SizeType length, bool) {
  if (length > limits_.max_string_bytes)
    return fail("a string of " + std::to_string(length) + " bytes, more than the limit of " +
                std::to_string(limits_.max_string_bytes));
  if (skip_depth_ > 0 || scopes_.empty() || top() == Scope::symbols || top() == Scope::filters)
    return scalar("a string");
  const Field field = pending_;
  pending_ = Field::other;
  const std::string_view value(text, length);
  switch (field) {
    case Field::msg:
      msg_.assign(value);
      return true;
    case Field::symbol:
      symbol_.info.symbol.assign(value);
      return true;
    case Field::status:
      symbol_.info.status.assign(value);
      return true;
    case Field::contract_status:
      symbol_.contract_status.assign(value);
      return true;
    case Field::base_asset:
      symbol_.info.base_asset.assign(value);
      return true;
    case Field::quote_asset:
      symbol_.info.quote_asset.assign(value);
      return true;
    case Field::contract_type:
      symbol_.info.contract_type.assign(value);
      return true;
    case Field::filter_type:
      filter_.type.assign(value);
      return true;
    case Field::tick_size:
      filter_.tick_text.assign(value);
      return true;
    case Field::step_size:
      filter_.step_text.assign(value);
      return true;
    case Field::other:
      return true;
    case Field::symbols:
    case Field::code:
    case Field::filters:
      break;
  }
  return take(field, "a string");
}

bool ExchangeInfoHandler::Key(const char* text, rapidjson::SizeType length, bool) {
  if (length > limits_.max_string_bytes)
    return fail("a key of " + std::to_string(length) + " bytes, more than the limit of " +
                std::to_string(limits_.max_string_bytes));
  if (skip_depth_ > 0) return true;
  const Scope scope = top();
  pending_ = field_of(scope, std::string_view(text, length));
  if (pending_ == Field::other) return true;
  if (scope == Scope::root) {
    if (pending_ == Field::symbols && saw_symbols_)
      return fail("answer: \"symbols\" appears twice");
    return true;
  }
  const std::uint32_t bit = 1u << static_cast<unsigned>(pending_);
  std::uint32_t& seen = scope == Scope::filter ? filter_.seen : symbol_.seen;
  if (seen & bit) {
    std::string place = where();
    if (scope == Scope::filter) place += " filters[" + std::to_string(filter_index_) + "]";
    return fail(place + ": \"" + key_of(pending_) + "\" appears twice");
  }
  seen |= bit;
  return true;
}

bool ExchangeInfoHandler::open(bool object) {
  if (scopes_.size() + skip_depth_ >= limits_.max_nesting)
    return fail("nested deeper than " + std::to_string(limits_.max_nesting) + " levels");
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return true;
  }
  const char* kind = object ? "an object" : "an array";
  if (scopes_.empty()) {
    if (!object) return fail("answer is an array, not a JSON object");
    scopes_.push_back(Scope::root);
    return true;
  }
  switch (top()) {
    case Scope::symbols:
      if (!object) return fail(where() + " is an array, not an object");
      if (out_.symbols.size() >= limits_.max_symbols)
        return fail("more than " + std::to_string(limits_.max_symbols) + " symbols (the limit)");
      symbol_ = PendingSymbol{};
      filter_index_ = 0;
      scopes_.push_back(Scope::symbol);
      return true;
    case Scope::filters:
      if (!object)
        return fail(where() + " filters[" + std::to_string(filter_index_) +
                    "] is an array, not an object");
      filter_ = PendingFilter{};
      scopes_.push_back(Scope::filter);
      return true;
    default:
      break;
  }
  const Field field = pending_;
  pending_ = Field::other;
  if (field == Field::symbols && !object) {
    saw_symbols_ = true;
    scopes_.push_back(Scope::symbols);
    return true;
  }
  if (field == Field::filters && !object) {
    scopes_.push_back(Scope::filters);
    return true;
  }
  if (field != Field::other) return take(field, kind);
  skip_depth_ = 1;
  return true;
}

bool ExchangeInfoHandler::close() {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return true;
  }
  const Scope scope = top();
  scopes_.pop_back();
  pending_ = Field::other;
  if (scope == Scope::filter) return end_filter();
  if (scope == Scope::symbol) return end_symbol();
  return true;
}

bool ExchangeInfoHandler::end_filter() {
  const std::string place = where() + " filters[" + std::to_string(filter_index_) + "]";
  ++filter_index_;
  if (filter_.type == "PRICE_FILTER") {
    if (symbol_.has_price_filter) return fail(where() + ": two PRICE_FILTER filters");
    if (filter_.tick_text.empty()) return fail(place + ": PRICE_FILTER without \"tickSize\"");
    symbol_.has_price_filter = true;
    symbol_.tick_text = filter_.tick_text;
  } else if (filter_.type == "LOT_SIZE") {
    if (symbol_.has_lot_size) return fail(where() + ": two LOT_SIZE filters");
    if (filter_.step_text.empty()) return fail(place + ": LOT_SIZE without \"stepSize\"");
    symbol_.has_lot_size = true;
    symbol_.step_text = filter_.step_text;
  }
  return true;
}

bool ExchangeInfoHandler::end_symbol() {
  SymbolInfo& info = symbol_.info;
  // COIN-M names the status contractStatus; prefer the market's own key when both are there.
  const bool prefer_contract_status = info.status.empty() || market_ == Market::coinm;
  if (prefer_contract_status && !symbol_.contract_status.empty())
    info.status = symbol_.contract_status;
  if (info.symbol.empty()) return fail(where() + ": no \"symbol\"");
  if (info.status.empty()) return fail(where() + ": no \"status\" (or \"contractStatus\")");
  if (info.base_asset.empty()) return fail(where() + ": no \"baseAsset\"");
  if (info.quote_asset.empty()) return fail(where() + ": no \"quoteAsset\"");
  if (info.is_trading() && !symbol_.has_price_filter)
    return fail(where() + ": TRADING without a PRICE_FILTER tickSize (its price precision)");
  if (info.is_trading() && !symbol_.has_lot_size)
    return fail(where() + ": TRADING without a LOT_SIZE stepSize (its quantity precision)");
  if (symbol_.has_price_filter && !parse_decimal(symbol_.tick_text, info.tick_size))
    return fail(where() + ": tickSize \"" + peer_text(symbol_.tick_text, 40) +
                "\" is not a decimal depthrec can hold");
  if (symbol_.has_lot_size && !parse_decimal(symbol_.step_text, info.step_size))
    return fail(where() + ": stepSize \"" + peer_text(symbol_.step_text, 40) +
                "\" is not a decimal depthrec can hold");
  if (info.is_trading() && info.step_size.is_zero())
    return fail(where() + ": TRADING with a LOT_SIZE stepSize of 0");
  out_.symbols.push_back(std::move(info));
  symbol_ = PendingSymbol{};
  return true;
}

std::string first_duplicate(const std::vector<SymbolInfo>& symbols) {
  std::vector<std::string_view> names;
  names.reserve(symbols.size());
  for (const SymbolInfo& info : symbols) names.push_back(info.symbol);
  std::sort(names.begin(), names.end());
  const auto twice = std::adjacent_find(names.begin(), names.end());
  return twice == names.end() ? std::string() : std::string(*twice);
}

}  // namespace

int SymbolInfo::scale_of(Decimal size) {
  if (size.units <= 0) return -1;
  int scale = Decimal::kScale;
  for (std::int64_t units = size.units; scale > 0 && units % 10 == 0; units /= 10) --scale;
  return scale;
}

const SymbolInfo* ExchangeInfo::find(std::string_view symbol) const {
  for (const SymbolInfo& info : symbols) {
    if (info.symbol == symbol) return &info;
  }
  return nullptr;
}

std::string parse_exchange_info(std::string_view body, Market market, ExchangeInfo& out,
                                const ExchangeInfoLimits& limits) {
  out.market = market;
  out.symbols.clear();
  const std::string prefix = "exchangeInfo (" + std::string(to_string(market)) + "): ";
  if (body.size() > limits.max_answer_bytes)
    return prefix + "answer of " + std::to_string(body.size()) + " bytes, more than the limit of " +
           std::to_string(limits.max_answer_bytes);

  ExchangeInfoHandler handler(limits, market, out);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);

  std::string error;
  if (handler.saw_code() && (handler.code() != 0 || !handler.saw_symbols())) {
    error = "the exchange answered an error: code " + std::to_string(handler.code()) + " \"" +
            peer_text(handler.msg()) + "\"";
  } else if (!handler.error().empty()) {
    error = handler.error();
  } else if (result.IsError()) {
    error = std::string("not valid JSON at byte ") + std::to_string(result.Offset()) + ": " +
            rapidjson::GetParseError_En(result.Code());
  } else if (!handler.saw_symbols()) {
    error = "no \"symbols\" array";
  } else if (out.symbols.empty()) {
    error = "\"symbols\" lists no symbol";  // never taken as "everything was delisted"
  } else if (std::string twice = first_duplicate(out.symbols); !twice.empty()) {
    error = "symbol " + peer_text(twice, 40) + " is listed twice";
  }
  if (error.empty()) return {};
  out.symbols.clear();
  return prefix + error;
}

}  // namespace depthrec::binance

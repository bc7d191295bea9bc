#include "venues/binance/exchange_info_handler.hpp"

#include <string>
#include <string_view>

#include "depthrec/peer_text.hpp"

namespace depthrec::binance::exchange_info_walk {
namespace {

// The keys read, each in the object (scope) it belongs to; every other key is skipped.
struct KnownKey {
  Scope scope;
  Field field;
  const char* key;
};
constexpr KnownKey kKnownKeys[] = {
    {Scope::root, Field::symbols, "symbols"},
    {Scope::root, Field::code, "code"},
    {Scope::root, Field::msg, "msg"},
    {Scope::symbol, Field::symbol, "symbol"},
    {Scope::symbol, Field::status, "status"},
    {Scope::symbol, Field::contract_status, "contractStatus"},
    {Scope::symbol, Field::base_asset, "baseAsset"},
    {Scope::symbol, Field::quote_asset, "quoteAsset"},
    {Scope::symbol, Field::contract_type, "contractType"},
    {Scope::symbol, Field::filters, "filters"},
    {Scope::filter, Field::filter_type, "filterType"},
    {Scope::filter, Field::tick_size, "tickSize"},
    {Scope::filter, Field::step_size, "stepSize"},
};

const char* key_of(Field field) {
  for (const KnownKey& known : kKnownKeys) {
    if (known.field == field) return known.key;
  }
  return "?";
}

Field field_of(Scope scope, std::string_view key) {
  for (const KnownKey& known : kKnownKeys) {
    if (known.scope == scope && key == known.key) return known.field;
  }
  return Field::other;
}

}  // namespace

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
  if (field == Field::other) return true;
  std::string* target = text_of(field);
  if (target == nullptr) return take(field, "a string");
  target->assign(text, length);
  return true;
}

// Where a string field's value goes; nullptr for the fields that are not strings.
std::string* ExchangeInfoHandler::text_of(Field field) {
  switch (field) {
    case Field::msg:
      return &msg_;
    case Field::symbol:
      return &symbol_.info.symbol;
    case Field::status:
      return &symbol_.info.status;
    case Field::contract_status:
      return &symbol_.contract_status;
    case Field::base_asset:
      return &symbol_.info.base_asset;
    case Field::quote_asset:
      return &symbol_.info.quote_asset;
    case Field::contract_type:
      return &symbol_.info.contract_type;
    case Field::filter_type:
      return &filter_.type;
    case Field::tick_size:
      return &filter_.tick_text;
    case Field::step_size:
      return &filter_.step_text;
    case Field::other:
    case Field::symbols:
    case Field::code:
    case Field::filters:
      break;
  }
  return nullptr;
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
  // A tick is a price: beyond the book's price range (fits_book_price) no level could use it.
  if (symbol_.has_price_filter &&
      (!parse_decimal(symbol_.tick_text, info.tick_size) || !fits_book_price(info.tick_size)))
    return fail(where() + ": tickSize \"" + peer_text(symbol_.tick_text, 40) +
                "\" is not a price depthrec can hold");
  if (symbol_.has_lot_size && !parse_decimal(symbol_.step_text, info.step_size))
    return fail(where() + ": stepSize \"" + peer_text(symbol_.step_text, 40) +
                "\" is not a decimal depthrec can hold");
  if (info.is_trading() && info.step_size.is_zero())
    return fail(where() + ": TRADING with a LOT_SIZE stepSize of 0");
  out_.symbols.push_back(std::move(info));
  symbol_ = PendingSymbol{};
  return true;
}

}  // namespace depthrec::binance::exchange_info_walk

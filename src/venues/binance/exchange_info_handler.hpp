// The SAX handler behind parse_exchange_info: one walk over the answer (RapidJSON, iterative:
// deep nesting cannot overflow the stack). Only root.symbols[].{symbol,status,contractStatus,
// baseAsset,quoteAsset,contractType} and root.symbols[].filters[].{filterType,tickSize,stepSize}
// are kept; every other value is skipped by counting its depth. Filters' keys come in any order, so
// a filter is judged at its closing brace, and a symbol at its own. Every limit of
// ExchangeInfoLimits but the answer's size is enforced here, as the walk goes.
#pragma once

// reader.h before any other RapidJSON header: it includes internal/stack.h by the path
// tests/fuzz/ubsan.supp names (through error/en.h it would be error/../internal/stack.h, and the
// suppression would not match).
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/peer_text.hpp"
#include "venues/binance/exchange_info.hpp"

// Names of the walk only (Scope, Field...): kept out of depthrec::binance, where the venue's
// other parts live.
namespace depthrec::binance::exchange_info_walk {

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
  std::string* text_of(Field field);
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

}  // namespace depthrec::binance::exchange_info_walk

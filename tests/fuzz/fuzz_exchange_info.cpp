// parse_exchange_info on one answer body, then the resolution and the follow over what it accepts.
// Invariants: a refusal names itself and leaves no symbol; an accepted list keeps every limit and
// holds well-formed symbols (unique names, a status, assets, round-tripping sizes, a step for every
// TRADING one); a reused ExchangeInfo gives what a fresh one gives; the same body one byte over
// max_answer_bytes is refused; tighter limits never accept what the defaults refuse, and what they
// accept is the same list; ALL resolves to exactly the TRADING symbols with file-safe names,
// sorted, and following the same answer changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/symbol_selection.hpp"
#include "fuzz_check.hpp"
#include "venues/binance/exchange_info.hpp"
#include "venues/binance/symbol_resolution.hpp"

namespace {

using depthrec::Decimal;
using depthrec::Market;
using depthrec::binance::ExchangeInfo;
using depthrec::binance::ExchangeInfoLimits;
using depthrec::binance::SymbolInfo;

bool same_symbols(const ExchangeInfo& a, const ExchangeInfo& b) {
  if (a.symbols.size() != b.symbols.size()) return false;
  for (std::size_t i = 0; i < a.symbols.size(); ++i) {
    const SymbolInfo& x = a.symbols[i];
    const SymbolInfo& y = b.symbols[i];
    if (x.symbol != y.symbol || x.status != y.status || x.base_asset != y.base_asset ||
        x.quote_asset != y.quote_asset || x.contract_type != y.contract_type ||
        x.tick_size != y.tick_size || x.step_size != y.step_size)
      return false;
  }
  return true;
}

bool round_trips(Decimal value) {
  Decimal back;
  return depthrec::parse_decimal(depthrec::to_string(value), back) && back == value;
}

void check_accepted(const ExchangeInfo& info, const ExchangeInfoLimits& limits) {
  FUZZ_CHECK(!info.symbols.empty() && info.symbols.size() <= limits.max_symbols);
  for (std::size_t i = 0; i < info.symbols.size(); ++i) {
    const SymbolInfo& s = info.symbols[i];
    FUZZ_CHECK(!s.symbol.empty() && s.symbol.size() <= limits.max_string_bytes);
    FUZZ_CHECK(!s.status.empty() && !s.base_asset.empty() && !s.quote_asset.empty());
    FUZZ_CHECK(round_trips(s.tick_size) && round_trips(s.step_size));
    if (s.is_trading()) FUZZ_CHECK(!s.step_size.is_zero());
    // The scale is the step's fractional digits: the step is a whole number at that scale.
    const int scale = s.quantity_scale();
    FUZZ_CHECK(s.step_size.is_zero() ? scale == -1 : scale >= 0 && scale <= Decimal::kScale);
    if (scale >= 0) {
      std::int64_t unit = 1;
      for (int i = scale; i < Decimal::kScale; ++i) unit *= 10;
      FUZZ_CHECK(s.step_size.units % unit == 0);
    }
    FUZZ_CHECK(info.find(s.symbol) == &s);  // names are unique: the first match is this one
  }
}

void check_resolution(const ExchangeInfo& info) {
  depthrec::SymbolSelection all;
  all.items.push_back(depthrec::SelectionItem{info.market, ""});
  const auto resolution = depthrec::binance::resolve_selection(all, {info});
  std::size_t expected = 0;
  for (const SymbolInfo& s : info.symbols)
    expected += s.is_trading() && depthrec::is_valid_symbol(s.symbol) ? 1 : 0;
  FUZZ_CHECK(resolution.symbols.size() == expected);
  FUZZ_CHECK(resolution.problems.empty() && resolution.capped == 0);
  for (std::size_t i = 0; i < resolution.symbols.size(); ++i) {
    const auto& r = resolution.symbols[i];
    const SymbolInfo* s = info.find(r.symbol);
    FUZZ_CHECK(s != nullptr && s->is_trading() && r.market == info.market && !r.named);
    FUZZ_CHECK(s->tick_size == r.tick_size && s->step_size == r.step_size);
    if (i > 0) FUZZ_CHECK(resolution.symbols[i - 1].symbol < r.symbol);
    FUZZ_CHECK(resolution.find(info.market, r.symbol) == &r);
  }
  FUZZ_CHECK(depthrec::binance::follow_exchange_info(all, resolution, {info}).empty());
  // Capped at one: exactly one taken, the rest counted.
  all.max_symbols = 1;
  const auto capped = depthrec::binance::resolve_selection(all, {info});
  FUZZ_CHECK(capped.symbols.size() == (expected > 0 ? 1u : 0u));
  FUZZ_CHECK(capped.capped + capped.symbols.size() == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static ExchangeInfo reused;  // holds the previous input's list
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    const ExchangeInfoLimits defaults;
    ExchangeInfo fresh;
    const std::string error = depthrec::binance::parse_exchange_info(body, market, fresh);
    FUZZ_CHECK(depthrec::binance::parse_exchange_info(body, market, reused) == error);
    FUZZ_CHECK(same_symbols(fresh, reused) && fresh.market == market);

    ExchangeInfoLimits tight;
    tight.max_symbols = 2;
    tight.max_string_bytes = 24;
    tight.max_nesting = 6;
    ExchangeInfo tight_info;
    const std::string tight_error =
        depthrec::binance::parse_exchange_info(body, market, tight_info, tight);
    if (!error.empty()) {
      FUZZ_CHECK(error.rfind("exchangeInfo (", 0) == 0 && fresh.symbols.empty());
      FUZZ_CHECK(!tight_error.empty() && tight_info.symbols.empty());
      continue;
    }
    check_accepted(fresh, defaults);
    if (tight_error.empty()) {
      check_accepted(tight_info, tight);
      FUZZ_CHECK(same_symbols(fresh, tight_info));
    }
    ExchangeInfoLimits short_by_one;
    short_by_one.max_answer_bytes = size - 1;
    ExchangeInfo refused;
    FUZZ_CHECK(
        !depthrec::binance::parse_exchange_info(body, market, refused, short_by_one).empty());
    FUZZ_CHECK(refused.symbols.empty());
    check_resolution(fresh);
  }
  return 0;
}

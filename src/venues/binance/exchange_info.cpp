// parse_exchange_info: the size bound, the walk (exchange_info_handler), then what only the whole
// list shows (no symbol, a symbol twice) and Binance's error answer.
#include "venues/binance/exchange_info.hpp"

#include "venues/binance/exchange_info_handler.hpp"  // first RapidJSON include: see there

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/peer_text.hpp"

namespace depthrec::binance {
namespace {

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
  for (DecimalUnits units = size.units; scale > 0 && units % 10 == 0; units /= 10) --scale;
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

  exchange_info_walk::ExchangeInfoHandler handler(limits, market, out);
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

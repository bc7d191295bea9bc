#include "payload_format.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

namespace depthsim {

namespace {

template <typename Integer>
void append_int(std::string& out, Integer value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;
  out.append(digits, end);
}

void append_levels(std::string& out, const SymbolSpec& spec,
                   const std::vector<PriceLevel>& levels) {
  out.push_back('[');
  bool first = true;
  for (const PriceLevel& level : levels) {
    if (!first) out.push_back(',');
    first = false;
    out.append("[\"");
    append_fixed(out, level.price, spec.price_decimals);
    out.append("\",\"");
    append_fixed(out, level.qty, spec.qty_decimals);
    out.append("\"]");
  }
  out.push_back(']');
}

std::string_view coinm_pair(std::string_view symbol) {
  return symbol.substr(0, symbol.find('_'));
}

// The common head of futures depthUpdate frames, up to and including "pu".
void append_futures_head(std::string& out, Market market, const SymbolSpec& spec,
                         const BookUpdate& update) {
  out.append("{\"e\":\"depthUpdate\",\"E\":");
  append_int(out, update.event_ms);
  out.append(",\"T\":");
  append_int(out, update.transaction_ms);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  if (market == Market::coinm) {
    out.append(",\"ps\":");
    append_json_string(out, coinm_pair(spec.name));
  }
  out.append(",\"U\":");
  append_int(out, update.first_id);
  out.append(",\"u\":");
  append_int(out, update.last_id);
  out.append(",\"pu\":");
  append_int(out, update.prev_last_id);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out.append(escaped);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::string render_diff_depth(Market market, const SymbolSpec& spec, const BookUpdate& update) {
  std::string out;
  out.reserve(160 + 40 * (update.bids.size() + update.asks.size()));
  if (is_futures(market)) {
    append_futures_head(out, market, spec, update);
  } else {
    out.append("{\"e\":\"depthUpdate\",\"E\":");
    append_int(out, update.event_ms);
    out.append(",\"s\":");
    append_json_string(out, spec.name);
    out.append(",\"U\":");
    append_int(out, update.first_id);
    out.append(",\"u\":");
    append_int(out, update.last_id);
  }
  out.append(",\"b\":");
  append_levels(out, spec, update.bids);
  out.append(",\"a\":");
  append_levels(out, spec, update.asks);
  out.push_back('}');
  return out;
}

std::string render_partial_depth(Market market, const SymbolSpec& spec, const LevelBook& book,
                                 std::size_t levels, const BookUpdate& update) {
  std::string out;
  out.reserve(160 + 80 * levels);
  if (is_futures(market)) {
    append_futures_head(out, market, spec, update);
    out.append(",\"b\":");
    append_levels(out, spec, book.top_bids(levels));
    out.append(",\"a\":");
    append_levels(out, spec, book.top_asks(levels));
  } else {
    out.append("{\"lastUpdateId\":");
    append_int(out, update.last_id);
    out.append(",\"bids\":");
    append_levels(out, spec, book.top_bids(levels));
    out.append(",\"asks\":");
    append_levels(out, spec, book.top_asks(levels));
  }
  out.push_back('}');
  return out;
}

std::string render_book_ticker(Market market, const SymbolSpec& spec, const LevelBook& book,
                               const BookUpdate& update) {
  const PriceLevel bid = book.best(true).value_or(PriceLevel{});
  const PriceLevel ask = book.best(false).value_or(PriceLevel{});
  std::string out;
  out.reserve(200);
  out.append(is_futures(market) ? "{\"e\":\"bookTicker\",\"u\":" : "{\"u\":");
  append_int(out, update.last_id);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  if (market == Market::coinm) {
    out.append(",\"ps\":");
    append_json_string(out, coinm_pair(spec.name));
  }
  out.append(",\"b\":\"");
  append_fixed(out, bid.price, spec.price_decimals);
  out.append("\",\"B\":\"");
  append_fixed(out, bid.qty, spec.qty_decimals);
  out.append("\",\"a\":\"");
  append_fixed(out, ask.price, spec.price_decimals);
  out.append("\",\"A\":\"");
  append_fixed(out, ask.qty, spec.qty_decimals);
  out.push_back('"');
  if (is_futures(market)) {
    out.append(",\"T\":");
    append_int(out, update.transaction_ms);
    out.append(",\"E\":");
    append_int(out, update.event_ms);
  }
  out.push_back('}');
  return out;
}

std::string render_snapshot(Market market, const SymbolSpec& spec, const LevelBook& book,
                            std::size_t depth, std::int64_t event_ms, std::int64_t transaction_ms) {
  std::string out;
  const std::size_t shown_levels = depth == 0 ? book.size(true) + book.size(false) : 2 * depth;
  out.reserve(120 + 36 * shown_levels);
  out.append("{\"lastUpdateId\":");
  append_int(out, book.last_update_id());
  if (is_futures(market)) {
    out.append(",\"E\":");
    append_int(out, event_ms);
    out.append(",\"T\":");
    append_int(out, transaction_ms);
  }
  out.append(",\"bids\":");
  append_levels(out, spec, book.top_bids(depth));
  out.append(",\"asks\":");
  append_levels(out, spec, book.top_asks(depth));
  out.push_back('}');
  return out;
}

std::string wrap_combined(std::string_view stream, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + stream.size() + 24);
  out.append("{\"stream\":");
  append_json_string(out, stream);
  out.append(",\"data\":");
  out.append(payload);
  out.push_back('}');
  return out;
}

}  // namespace depthsim

#include "parquet_tables/live_book_line.hpp"

#include <charconv>
#include <cstdint>

#include "depthrec/decimal.hpp"

namespace depthrec::export_parquet {
namespace {

constexpr std::string_view kBookTag = "book";

void append_side(std::string& out, const std::vector<PriceLevel>& levels) {
  char buffer[kMaxDecimalChars];
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i > 0) out += ',';
    out.append(buffer, format_decimal(levels[i].price, buffer));
    out += ':';
    out.append(buffer, format_decimal(levels[i].qty, buffer));
  }
}

constexpr std::size_t kBookLineFields = 8;

// Splits `text` at its tabs into `fields`: false when there are not exactly kBookLineFields.
bool split_fields(std::string_view text, std::string_view (&fields)[kBookLineFields]) {
  std::size_t count = 0;
  while (true) {
    const std::size_t tab = text.find('\t');
    if (count == kBookLineFields) return false;
    fields[count++] = text.substr(0, tab);
    if (tab == std::string_view::npos) break;
    text.remove_prefix(tab + 1);
  }
  return count == kBookLineFields;
}

template <typename Integer>
bool parse_integer(std::string_view text, Integer& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

std::string parse_side(std::string_view text, std::vector<PriceLevel>& levels,
                       std::size_t max_levels) {
  levels.clear();
  if (!text.empty() && text.back() == ',') return "a level is not price:qty";
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view level = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const std::size_t colon = level.find(':');
    PriceLevel parsed;
    if (colon == std::string_view::npos || !parse_decimal(level.substr(0, colon), parsed.price) ||
        !parse_decimal(level.substr(colon + 1), parsed.qty)) {
      return "a level is not price:qty";
    }
    if (levels.size() == max_levels) return "more levels than --parquet-book-levels";
    levels.push_back(parsed);
  }
  return {};
}

}  // namespace

void append_book_line(std::string& out, const BookState& state) {
  out += kBookLineMark;
  out += kBookTag;
  for (const std::string* text : {&state.market, &state.symbol}) {
    out += '\t';
    out += *text;
  }
  for (const std::string& number :
       {std::to_string(state.sample_ns), std::to_string(state.book_recv_ns),
        std::to_string(state.update_id)}) {
    out += '\t';
    out += number;
  }
  out += '\t';
  append_side(out, state.bids);
  out += '\t';
  append_side(out, state.asks);
}

std::string parse_book_line(std::string_view line, BookState& state, std::size_t max_levels) {
  if (!is_book_line(line)) return "not a book line";
  std::string_view fields[kBookLineFields];
  if (!split_fields(line.substr(1), fields))
    return "not " + std::to_string(kBookLineFields) + " fields";
  if (fields[0] != kBookTag) return "not a book line";
  if (fields[1].empty() || fields[2].empty()) return "no market or symbol";
  if (!parse_integer(fields[3], state.sample_ns) || !parse_integer(fields[4], state.book_recv_ns) ||
      !parse_integer(fields[5], state.update_id)) {
    return "a time or update id is not an integer";
  }
  if (std::string error = parse_side(fields[6], state.bids, max_levels); !error.empty())
    return "bids: " + error;
  if (std::string error = parse_side(fields[7], state.asks, max_levels); !error.empty())
    return "asks: " + error;
  state.market.assign(fields[1]);
  state.symbol.assign(fields[2]);
  return {};
}

}  // namespace depthrec::export_parquet

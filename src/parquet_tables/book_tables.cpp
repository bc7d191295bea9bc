// The top-of-book tables: `book` (book states, wide: one row per sample, level i's bid and ask
// as columns bid_price_i, bid_qty_i, ask_price_i, ask_qty_i, null where the side is shorter)
// and `bookTicker` (one row per bookTicker event as received).
#include <optional>
#include <string>

#include "column_values.hpp"
#include "export_tables.hpp"

namespace depthrec::export_parquet {
namespace {

using namespace depthrec::parquet;

enum BookColumn : std::size_t { kBookSample, kBookRecv, kBookUpdateId, kBookFirstLevel };
constexpr std::size_t kColumnsPerLevel = 4;  // bid price, bid qty, ask price, ask qty

enum TickerColumn : std::size_t {
  kTickerRecv,
  kTickerEvent,
  kTickerTransaction,
  kTickerUpdateId,
  kTickerBidPrice,
  kTickerBidQty,
  kTickerAskPrice,
  kTickerAskQty,
};

struct ScaledLevel {
  std::optional<std::int64_t> price, qty;
};

// Level `i` of `levels` at the facts' scales; both empty when the side has fewer levels.
// False when a value does not fit its column.
bool scaled_level(const std::vector<PriceLevel>& levels, std::size_t i, const SymbolFacts& facts,
                  ScaledLevel& out) {
  out = {};
  if (i >= levels.size()) return true;
  out.price = unscaled(levels[i].price, facts.price.scale);
  out.qty = unscaled(levels[i].qty, facts.quantity.scale);
  return out.price && out.qty;
}

void set_optional(TableWriter& writer, std::size_t column, const std::optional<std::int64_t>& v) {
  if (v) {
    writer.set_int64(column, *v);
  } else {
    writer.set_null(column);
  }
}

}  // namespace

std::vector<ColumnSpec> book_schema(const SymbolFacts& facts, std::size_t levels) {
  std::vector<ColumnSpec> columns = {timestamp_nanos_column("sample_time"),
                                     timestamp_nanos_column("book_recv_time"),
                                     int64_column("last_update_id")};
  const int price_precision = facts.price.precision();
  const int qty_precision = facts.quantity.precision();
  for (std::size_t level = 1; level <= levels; ++level) {
    const std::string n = std::to_string(level);
    for (const char* side : {"bid", "ask"}) {
      columns.push_back(decimal_column(std::string(side) + "_price_" + n, price_precision,
                                       facts.price.scale, true));
      columns.push_back(decimal_column(std::string(side) + "_qty_" + n, qty_precision,
                                       facts.quantity.scale, true));
    }
  }
  return columns;
}

long append_book_row(TableWriter& writer, const BookState& state, const SymbolFacts& facts,
                     std::size_t levels) {
  // Every value converted before any is set: a refused row leaves the writer clean.
  std::vector<ScaledLevel> bids(levels), asks(levels);
  for (std::size_t i = 0; i < levels; ++i) {
    if (!scaled_level(state.bids, i, facts, bids[i]) ||
        !scaled_level(state.asks, i, facts, asks[i])) {
      return -1;
    }
  }
  writer.set_int64(kBookSample, state.sample_ns);
  writer.set_int64(kBookRecv, state.book_recv_ns);
  writer.set_int64(kBookUpdateId, as_int64(state.update_id));
  for (std::size_t i = 0; i < levels; ++i) {
    const std::size_t first = kBookFirstLevel + i * kColumnsPerLevel;
    set_optional(writer, first, bids[i].price);
    set_optional(writer, first + 1, bids[i].qty);
    set_optional(writer, first + 2, asks[i].price);
    set_optional(writer, first + 3, asks[i].qty);
  }
  return writer.end_row() ? 1 : -1;
}

std::vector<ColumnSpec> book_ticker_schema(const SymbolFacts& facts) {
  const int price_precision = facts.price.precision();
  const int qty_precision = facts.quantity.precision();
  return {timestamp_nanos_column("recv_time"),
          timestamp_millis_column("event_time", true),
          timestamp_millis_column("transaction_time", true),
          int64_column("update_id"),
          decimal_column("bid_price", price_precision, facts.price.scale),
          decimal_column("bid_qty", qty_precision, facts.quantity.scale),
          decimal_column("ask_price", price_precision, facts.price.scale),
          decimal_column("ask_qty", qty_precision, facts.quantity.scale)};
}

long append_book_ticker_row(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  const BookTicker& ticker = item.ticker;
  const auto bid_price = unscaled(ticker.bid_price, facts.price.scale);
  const auto bid_qty = unscaled(ticker.bid_qty, facts.quantity.scale);
  const auto ask_price = unscaled(ticker.ask_price, facts.price.scale);
  const auto ask_qty = unscaled(ticker.ask_qty, facts.quantity.scale);
  if (!bid_price || !bid_qty || !ask_price || !ask_qty) return -1;
  writer.set_int64(kTickerRecv, item.recv_ns);
  set_time_ms(writer, kTickerEvent, ticker.event_time_ms);  // spot's bookTicker has no E, T
  set_time_ms(writer, kTickerTransaction, ticker.transaction_time_ms);
  writer.set_int64(kTickerUpdateId, as_int64(ticker.update_id));
  writer.set_int64(kTickerBidPrice, *bid_price);
  writer.set_int64(kTickerBidQty, *bid_qty);
  writer.set_int64(kTickerAskPrice, *ask_price);
  writer.set_int64(kTickerAskQty, *ask_qty);
  return writer.end_row() ? 1 : -1;
}

}  // namespace depthrec::export_parquet

// The datasets' schemas (docs/parquet.md) and how one recording item becomes their rows:
//   depth    one row per level change of a depth event, and per level of a snapshot (is_snapshot)
//   trade    one row per trade; aggTrade one row per aggregate trade (with its first/last trade id)
//   gaps     one row per gap or resync record: the intervals a reader should leave out
//   book     one row per book state: top-N levels per side, wide (book_tables.cpp)
//   bookTicker  one row per bookTicker event or `ticker` record (book_tables.cpp)
//   kline    one row per candle update (kline_table.cpp)
//   markPrice  one row per markPrice event (mark_price_table.cpp)
//   forceOrder  one row per forceOrder (liquidation) event (force_order_table.cpp)
#pragma once

#include <string_view>
#include <vector>

#include "depthrec/replay_reader.hpp"
#include "parquet/table_writer.hpp"
#include "parquet_tables/book_state.hpp"
#include "parquet_tables/symbol_survey.hpp"

namespace depthrec::export_parquet {

enum class Table : std::uint8_t {
  depth,
  trade,
  agg_trade,
  gaps,
  book,
  book_ticker,
  kline,
  mark_price,
  force_order
};
// The partition's channel=: depth, trade, aggTrade, gaps, book, bookTicker, kline, markPrice,
// forceOrder.
std::string_view channel_name(Table table);

// `book_levels`: the book table's levels per side.
std::vector<parquet::ColumnSpec> table_schema(Table table, const SymbolFacts& facts,
                                              std::size_t book_levels);
std::vector<parquet::ColumnSpec> book_schema(const SymbolFacts& facts, std::size_t levels);
std::vector<parquet::ColumnSpec> book_ticker_schema(const SymbolFacts& facts);
std::vector<parquet::ColumnSpec> kline_schema(const SymbolFacts& facts);
std::vector<parquet::ColumnSpec> mark_price_schema(const SymbolFacts& facts);
std::vector<parquet::ColumnSpec> force_order_schema(const SymbolFacts& facts);

// Each appends the item's rows to `writer` (whose schema is table_schema(table, facts)) and
// returns how many, or -1 when a value did not fit its column (writer.error() or a decimal
// outside the surveyed scale; nothing more of the item is written).
long append_depth_rows(parquet::TableWriter& writer, const ReplayItem& item,
                       const SymbolFacts& facts);
long append_trade_row(parquet::TableWriter& writer, const ReplayItem& item,
                      const SymbolFacts& facts);
long append_gap_row(parquet::TableWriter& writer, const ReplayItem& item);
long append_book_row(parquet::TableWriter& writer, const BookState& state, const SymbolFacts& facts,
                     std::size_t levels);
long append_book_ticker_row(parquet::TableWriter& writer, const ReplayItem& item,
                            const SymbolFacts& facts);
long append_kline_row(parquet::TableWriter& writer, const ReplayItem& item,
                      const SymbolFacts& facts);
long append_mark_price_row(parquet::TableWriter& writer, const ReplayItem& item,
                           const SymbolFacts& facts);
long append_force_order_row(parquet::TableWriter& writer, const ReplayItem& item,
                            const SymbolFacts& facts);

}  // namespace depthrec::export_parquet

// The datasets' schemas (docs/parquet.md) and how one recording item becomes their rows:
//   depth    one row per level change of a depth event, and per level of a snapshot (is_snapshot)
//   trade    one row per trade; aggTrade one row per aggregate trade (with its first/last trade id)
//   gaps     one row per gap or resync record: the intervals a reader should leave out
#pragma once

#include <string_view>
#include <vector>

#include "depthrec/replay_reader.hpp"
#include "parquet/table_writer.hpp"
#include "symbol_survey.hpp"

namespace depthrec::export_parquet {

enum class Table : std::uint8_t { depth, trade, agg_trade, gaps };
std::string_view channel_name(
    Table table);  // the partition's channel=: depth, trade, aggTrade, gaps

std::vector<parquet::ColumnSpec> table_schema(Table table, const SymbolFacts& facts);

// Each appends the item's rows to `writer` (whose schema is table_schema(table, facts)) and
// returns how many, or -1 when a value did not fit its column (writer.error() or a decimal
// outside the surveyed scale; nothing more of the item is written).
long append_depth_rows(parquet::TableWriter& writer, const ReplayItem& item,
                       const SymbolFacts& facts);
long append_trade_row(parquet::TableWriter& writer, const ReplayItem& item,
                      const SymbolFacts& facts);
long append_gap_row(parquet::TableWriter& writer, const ReplayItem& item);

}  // namespace depthrec::export_parquet

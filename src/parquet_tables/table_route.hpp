// Which dataset a recording item belongs to, the Hive partition directory of its rows, and the
// append of its rows: shared by depthrec-export (a finished recording) and the recorder's live
// --parquet sink, so both write one set of tables the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "depthrec/replay_reader.hpp"
#include "parquet/table_writer.hpp"
#include "parquet_tables/export_tables.hpp"

namespace depthrec::export_parquet {

// The table of `item`, or why it has none ("resync records", "`forceOrder` items ...").
struct TableRoute {
  std::optional<Table> table;
  std::string skip;
};
TableRoute route_item(const ReplayItem& item);

// "YYYY-MM-DD" of a receive time (UTC).
std::string utc_date(std::int64_t recv_ns);

// OUT/channel=<c>/market=<m>/symbol=<s>/date=<d>
std::string partition_dir(const std::string& out_dir, Table table, const std::string& market,
                          const std::string& symbol, const std::string& date);

// Appends `item`'s rows to `writer` (of `table`'s schema): the count, or -1 when a value did not
// fit its column. Table::book has no items (book states are rows of their own): 0.
long append_item_rows(parquet::TableWriter& writer, Table table, const ReplayItem& item,
                      const SymbolFacts& facts);

}  // namespace depthrec::export_parquet

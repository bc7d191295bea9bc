// CSV rows of one record line (docs/csv.md): which table a record belongs to and its rows, with
// every decimal and id copied as the record holds it (the exchange's own text for levels, trade
// and kline fields), never re-rendered. Pure: no I/O; the CsvSink decides the files.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace depthrec::recording {

enum class CsvTable : std::uint8_t {
  depth,     // depth events in long form: one row per level
  snapshot,  // the REST snapshots a sync used, in long form
  trade,
  agg_trade,
  kline,  // seed 000's ten columns first
  book_ticker,
  mark_price,
  force_order,
  markers,  // gap, resync and gap_fill records, the record itself in the last column
};

// The table's header line, '\n'-terminated.
std::string_view csv_header(CsvTable table);

// Where a record's rows go: `<file_stem>_<YYYYMMDD>.csv` in the market's folder.
struct CsvTarget {
  CsvTable table = CsvTable::depth;
  std::string market;     // spot, usdm, coinm
  std::string file_stem;  // aggtrade_BTCUSDT, kline_1m_BTCUSDT, BTCUSDT_depth_snapshot ...
  std::int64_t recv_ns = 0;
};

enum class CsvLineResult : std::uint8_t {
  rows,        // rows appended for `target`
  not_csv,     // a record CSV does not carry (connect, disconnect, subscription...)
  unreadable,  // not a record line (not JSON, or a field of the wrong shape)
};

// Appends `text` as one CSV field: quoted (with '"' doubled) when it holds a comma, a quote, CR
// or LF, or starts or ends with a space; else as is.
void append_csv_field(std::string& out, std::string_view text);

class CsvRowFormatter {
 public:
  // Appends the rows of `line` (one record, with or without its '\n') to `rows` and fills
  // `target`. On not_csv or unreadable, `rows` is left as it was.
  CsvLineResult format(std::string_view line, CsvTarget& target, std::string& rows);

 private:
  rapidjson::Document document_;
  std::string scratch_;
};

}  // namespace depthrec::recording

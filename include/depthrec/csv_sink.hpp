// CsvSink: the recording as CSV files, one per table, symbol and UTC day (docs/csv.md).
//
//   <directory>/<market>/<table>_<SYMBOL>_<YYYYMMDD>.csv      e.g.
//   usdm/aggtrade_BTCUSDT_20261207.csv <directory>/<market>/<SYMBOL>_depth_snapshot_<YYYYMMDD>.csv
//   (seed 003's names)
//
// - One more RecordSink behind the AsyncWriter: it takes the record lines the gzip sink takes
//   (docs/records.md) and turns each into rows (recording/csv_rows.hpp), with decimals and ids
//   copied as the record holds them. Records CSV has no table for (connect, subscription...) are
//   counted, not written.
// - A row goes to the file of its record's UTC receive day (daily_files), so a file holds one
//   day whatever the time of the flush; without daily_files, to <table>_<SYMBOL>.csv.
// - Rows wait in one buffer per file; each flush (at least once a second, by the writer; or when
//   all buffers together reach flush_threshold_bytes) appends each file's rows with one write of
//   whole rows, so after a crash every row up to the last flush is readable. A file is created
//   with its header; an existing one is appended to when its header is this version's, else the
//   rows go to <name>.2.csv (.3 ...). A row cut short by a crash (a last line without '\n') is cut
//   off when the file is next opened, and counted.
// - Write errors (ENOSPC, EIO...) cut the file back to its size before the write; the rows are
//   kept and written at the next flush. Rows held are bounded (max_unwritten_bytes): beyond it
//   writes are refused (status dropped, counted), as the gzip sink does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "depthrec/record_sink.hpp"

namespace depthrec {

struct CsvSinkConfig {
  std::string directory = "data/order_book/csv";
  bool daily_files = true;
  std::size_t flush_threshold_bytes = std::size_t{8} << 20;
  std::size_t max_unwritten_bytes = std::size_t{32} << 20;
};

struct CsvSinkStats {
  std::uint64_t lines_in = 0;          // record lines given to the sink
  std::uint64_t lines_not_csv = 0;     // records without a CSV table (connect, subscription...)
  std::uint64_t lines_unreadable = 0;  // lines that are no record (never from depthrec itself)
  std::uint64_t lines_refused = 0;     // refused by max_unwritten_bytes (status dropped)
  std::uint64_t rows_written = 0;      // rows that reached a file
  std::uint64_t rows_lost = 0;         // rows accepted but never written (storage failing at close)
  std::uint64_t bytes_written = 0;     // header and rows
  std::uint64_t files_created = 0;
  std::uint64_t torn_rows_cut = 0;  // incomplete last rows (a crash) cut off at reopening
  std::uint64_t write_errors = 0;
  std::uint64_t unwritten_bytes = 0;  // rows held now
  std::string last_error;             // "<operation> <path>: <strerror>", empty if none yet
};

class CsvSink final : public RecordSink {
 public:
  explicit CsvSink(CsvSinkConfig config);  // touches no file until the first flush
  ~CsvSink() override;                     // close()
  CsvSink(const CsvSink&) = delete;
  CsvSink& operator=(const CsvSink&) = delete;

  SinkStatus write(std::string_view lines) override;
  SinkStatus flush() override;
  SinkStatus close() override;

  CsvSinkStats stats() const;  // thread-safe: may be read while the worker writes

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

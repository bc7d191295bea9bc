// The live --parquet datasets' sink: the recorder's NDJSON record lines, parsed back by the replay
// reader's own line parser and written as depthrec-export's tables (table_route.hpp: the same
// routing, schemas and row builders), one file per (channel, market, symbol, rotation period):
//   DIR/channel=<c>/market=<m>/symbol=<s>/date=<YYYY-MM-DD>/part-HHMMSS-NNN.parquet
// A file is written as `<name>.tmp` and renamed when complete (after an fsync of the file and then
// of its directory), so a name without .tmp is always a whole, valid file (after a crash: each full
// row group is recoverable, see handle_leftover_temporaries); a closed file is never reopened
// (rows of its period that come later go to the next part, -001, ...). A period's files close
// when the clock passes its end by close_grace_ns (rows still in the queue then land in it), at
// the latest at close().
//
// Decimals (live_decimals.hpp): a file's DECIMAL(18, s) types are decided by its first rows, kept
// as record lines until row_group_bytes of them are buffered (or the file closes); a later value
// that needs a wider type closes the file and starts the next part with it. So a crash loses at
// most the undecided lines and the unflushed row group of each open file (all in the NDJSON
// recording). Refused and counted (rows_refused): a value needing more than 18 digits, the rows of
// a file that failed (disk full, unwritable directory: last_error says which). Used by one thread
// (AsyncWriter's worker); figures() from any.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/record_sink.hpp"
#include "depthrec/replay_reader.hpp"
#include "parquet/table_writer.hpp"
#include "parquet_tables/export_tables.hpp"
#include "parquet_tables/live_leftovers.hpp"
#include "parquet_tables/rotation.hpp"

namespace depthrec::export_parquet {

struct LiveParquetOptions {
  std::string dir;
  std::int64_t rotate_ns = 3600 * kNanosPerSecond;
  std::int64_t close_grace_ns = 2 * kNanosPerSecond;
  // Per open file: the record lines buffered until its types are decided, then the row group.
  std::size_t row_group_bytes = 8u << 20;
  std::size_t page_bytes = 1u << 20;
  // The `book` dataset (live_book_line.hpp): levels per side of its rows (0: no book lines are
  // taken) and the sampling interval as given, for its files' metadata.
  std::size_t book_levels = 0;
  std::string book_every;
};

class LiveParquetSink final : public RecordSink {
 public:
  using Clock = std::function<std::int64_t()>;  // ns since the epoch (the receive times' clock)
  LiveParquetSink(LiveParquetOptions options, Clock clock);
  ~LiveParquetSink() override;

  SinkStatus write(std::string_view lines) override;  // never refuses: failures are counted
  SinkStatus flush() override;                        // closes the periods that ended
  SinkStatus close() override;                        // closes every file

  // dir, rotate_sec, files, rows, bytes, rows_refused, records_skipped, last_error (the queue's
  // figures are its AsyncWriter's).
  ParquetSinkState figures() const;

 private:
  struct FileKey {
    Table table = Table::depth;
    std::string market, symbol;
    std::int64_t period_begin_ns = 0;
    friend bool operator<(const FileKey& a, const FileKey& b) {
      return std::tie(a.table, a.market, a.symbol, a.period_begin_ns) <
             std::tie(b.table, b.market, b.symbol, b.period_begin_ns);
    }
  };
  struct OpenFile {
    std::int64_t period_end_ns = 0;
    SymbolFacts needs;  // what its values need so far
    // Before the types are decided: the record lines, written when they are.
    std::vector<std::string> pending;
    std::size_t pending_bytes = 0;
    // Once decided: the columns' types, the path and the writer (null: the file failed).
    bool decided = false;
    SymbolFacts columns;
    std::string path;
    std::unique_ptr<parquet::TableWriter> writer;
  };
  using Files = std::map<FileKey, OpenFile>;

  void take(std::string_view text);
  void take_book(std::string_view text);  // a book line (live_book_line.hpp)
  // Into the file of `key`, whose period ends at `period_end_ns`.
  void to_file(const FileKey& key, std::int64_t period_end_ns, std::string_view text,
               const SymbolFacts& item_needs);
  // Parses a pending line again into item_ or book_: false if it no longer parses.
  bool reparse(std::string& line, Table table);
  // The item just parsed (item_, from `text`) into `file`, its needs `item_needs`: buffered,
  // appended, or the start of the next part.
  void add_item(Files::iterator file, std::string_view text, const SymbolFacts& item_needs);
  // Closes `file` and puts an undecided next part of its period in its place.
  Files::iterator next_part(Files::iterator file, const SymbolFacts& needs);
  void decide(Files::iterator file);         // opens the writer, writes the pending lines
  void append(OpenFile& file, Table table);  // item_'s rows (book: book_'s row)
  void refuse(std::uint64_t rows, const std::string& why);
  bool open_writer(const FileKey& key, OpenFile& file);
  std::string free_path(const std::string& dir, std::int64_t begin_ns) const;
  void close_file(Files::iterator file);
  void note_error(const std::string& error);

  LiveParquetOptions options_;
  Clock clock_;
  Files files_;
  ReplayLineParser parser_;
  ReplayItem item_;
  BookState book_;    // the book line being taken
  std::string line_;  // the record being parsed (in place)

  mutable std::mutex figures_mutex_;
  ParquetSinkState figures_;
};

}  // namespace depthrec::export_parquet

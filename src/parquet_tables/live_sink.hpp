// The live --parquet datasets' sink: the recorder's NDJSON record lines, parsed back by the replay
// reader's own line parser and written as depthrec-export's tables (table_route.hpp: the same
// routing, schemas and row builders), one file per (channel, market, symbol, rotation period):
//   DIR/channel=<c>/market=<m>/symbol=<s>/date=<YYYY-MM-DD>/part-HHMMSS.parquet
// A file is written as `<name>.tmp` and renamed when complete (after an fsync), so a name without
// .tmp is always a whole, valid file (after a crash: each full row group is recoverable, see
// handle_leftover_temporaries); a closed file is never reopened (rows of its period that
// come later go to part-HHMMSS-1.parquet). A period's files close when the clock passes its end
// by close_grace_ns (rows still in the queue then land in it), at the latest at close().
//
// Decimals: a live writer cannot survey a recording first, so prices, quantities, quote volumes,
// mark prices and funding rates are DECIMAL(18, 8) (Binance sends at most 8 fraction digits; 10
// integer digits). A value beyond that is refused and counted (rows_refused), as are the rows of
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
#include "parquet_tables/rotation.hpp"

namespace depthrec::export_parquet {

// The decimal columns of live files: DECIMAL(18, 8) each.
SymbolFacts live_symbol_facts();

struct LiveParquetOptions {
  std::string dir;
  std::int64_t rotate_ns = 3600 * kNanosPerSecond;
  std::int64_t close_grace_ns = 2 * kNanosPerSecond;
  std::size_t row_group_bytes = 8u << 20;  // per open file: its memory bound
  std::size_t page_bytes = 1u << 20;
};

// A crashed run's leftovers: every `*.parquet.tmp` under `dir` whose footer checkpoint is valid
// cut to its last whole row group and renamed `part-HHMMSS.recovered.parquet` (checkpoint.hpp);
// the others renamed `*.parquet.partial` (a name no `*.parquet` glob matches). Sidecars left
// without a .tmp are removed.
struct LeftoverFiles {
  std::vector<std::string> recovered;  // valid files, their rows up to the last row group
  std::vector<std::string> partial;    // nothing recoverable
  std::vector<std::string> errors;     // those it could not handle
};
LeftoverFiles handle_leftover_temporaries(const std::string& dir);

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
    std::string path;
    std::int64_t period_end_ns = 0;
    std::unique_ptr<parquet::TableWriter> writer;  // null: this period's file failed
  };
  using Files = std::map<FileKey, OpenFile>;

  void take(std::string& line);
  OpenFile& file_for(const FileKey& key, std::int64_t period_end_ns);
  std::string free_path(const std::string& dir, std::int64_t begin_ns) const;
  void close_file(Files::iterator file);
  void note_error(const std::string& error);

  LiveParquetOptions options_;
  Clock clock_;
  SymbolFacts facts_;
  Files files_;
  ReplayLineParser parser_;
  ReplayItem item_;
  std::string line_;

  mutable std::mutex figures_mutex_;
  ParquetSinkState figures_;
};

}  // namespace depthrec::export_parquet

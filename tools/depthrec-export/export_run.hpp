// One export: the survey pass, then the pass that writes every partition, and what was skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "book_states.hpp"
#include "depthrec/market.hpp"
#include "depthrec/replay_reader.hpp"
#include "parquet/table_writer.hpp"
#include "partition_set.hpp"

namespace depthrec::export_parquet {

struct ExportOptions {
  std::vector<std::string> inputs;
  std::string out_dir;
  std::set<std::string> symbols;               // empty: every symbol
  std::optional<Market> market;                // for inputs that do not say (raw captures)
  std::optional<std::int64_t> from_ns, to_ns;  // receive time, [from, to)
  parquet::WriterOptions writer;
  // Book states (--book-levels N --book-every T|event): 0 levels: no book table.
  std::size_t book_levels = 0;
  std::int64_t book_every_ns = 0;  // 0: a row after every change of a valid book
  std::string book_every_text;     // as given, for the files' metadata
};

struct ExportSummary {
  std::vector<WrittenFile> files;
  std::uint64_t items = 0;        // items read (second pass)
  std::uint64_t rows = 0;         // rows written
  std::uint64_t input_bytes = 0;  // size of the input files
  double seconds = 0;             // both passes
  // Items not exported, by why ("ticker: not exported yet", "unknown record type `x`", ...).
  std::map<std::string, std::uint64_t> skipped;
  ReplayStats reader;               // bad lines, truncated sources, I/O errors (second pass)
  std::vector<std::string> errors;  // symbols whose values do not fit, open errors
  // Book states: the intervals in which a book was not synced (no rows there).
  std::vector<UnsyncedInterval> unsynced;
  std::uint64_t book_rows_refused = 0;  // states of failed files or unfit values
  bool ok() const;
};

// Runs the export; false and `error` when the input cannot be opened.
bool run_export(const ExportOptions& options, ExportSummary& summary, std::string& error);

}  // namespace depthrec::export_parquet

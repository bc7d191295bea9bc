#include "parquet_tables/live_sink.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#include "depthrec/market.hpp"
#include "parquet_tables/live_book_line.hpp"
#include "parquet_tables/live_decimals.hpp"
#include "parquet_tables/table_route.hpp"

namespace depthrec::export_parquet {
namespace {

bool path_taken(const std::string& path) {
  std::error_code error;
  const std::string recovered = path.substr(0, path.size() - std::string_view(".parquet").size()) +
                                std::string(kRecoveredSuffix);
  for (const std::string& candidate : {path, path + std::string(kTemporarySuffix),
                                       path + std::string(kPartialSuffix), recovered}) {
    if (std::filesystem::exists(candidate, error) || error) return true;
  }
  return false;
}

}  // namespace

LiveParquetSink::LiveParquetSink(LiveParquetOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)) {
  figures_.enabled = true;
  figures_.dir = options_.dir;
  figures_.rotate_sec = options_.rotate_ns / kNanosPerSecond;
}

LiveParquetSink::~LiveParquetSink() {
  close();
}

SinkStatus LiveParquetSink::write(std::string_view lines) {
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    const std::string_view piece = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (!piece.empty()) take(piece);
  }
  return SinkStatus::success();
}

void LiveParquetSink::take(std::string_view text) {
  if (is_book_line(text)) {
    take_book(text);
    return;
  }
  line_.assign(text);  // parsed in place: `text` stays as received, for a file's pending lines
  std::string refused = parser_.parse(line_, item_);
  const TableRoute route = refused.empty() ? route_item(item_) : TableRoute{};
  if (!route.table || item_.symbol.empty()) {
    // connect/disconnect/subscription records and other types have no dataset, as in the export.
    std::lock_guard<std::mutex> lock(figures_mutex_);
    ++figures_.records_skipped;
    return;
  }
  SymbolFacts item_needs;
  add_item_needs(item_needs, item_);
  const RotationPeriod period = rotation_period(item_.recv_ns, options_.rotate_ns);
  to_file(
      {*route.table, item_.market ? std::string(to_string(*item_.market)) : std::string("unknown"),
       std::string(item_.symbol), period.begin_ns},
      period.end_ns, text, item_needs);
}

void LiveParquetSink::take_book(std::string_view text) {
  if (options_.book_levels == 0) {
    refuse(1, "a book state line without --parquet-book-levels");
    return;
  }
  if (std::string error = parse_book_line(text, book_, options_.book_levels); !error.empty()) {
    refuse(1, "book state line: " + error);
    return;
  }
  SymbolFacts needs;
  for (const auto* side : {&book_.bids, &book_.asks}) {
    for (const PriceLevel& level : *side) {
      needs.price.add(level.price);
      needs.quantity.add(level.qty);
    }
  }
  // The export partitions book states by their sample time: so do the live files.
  const RotationPeriod period = rotation_period(book_.sample_ns, options_.rotate_ns);
  to_file({Table::book, book_.market, book_.symbol, period.begin_ns}, period.end_ns, text, needs);
}

void LiveParquetSink::to_file(const FileKey& key, std::int64_t period_end_ns, std::string_view text,
                              const SymbolFacts& item_needs) {
  if (!fits_int64_decimals(item_needs)) {
    refuse(1, std::string(channel_name(key.table)) + " " + key.symbol +
                  ": a value needs more than 18 digits (DECIMAL(18) on INT64); the record is "
                  "in the NDJSON recording only");
    return;
  }
  auto file = files_.find(key);
  if (file == files_.end()) {
    file = files_.emplace(key, OpenFile{}).first;
    file->second.period_end_ns = period_end_ns;
  }
  add_item(file, text, item_needs);
}

bool LiveParquetSink::reparse(std::string& line, Table table) {
  if (table == Table::book) return parse_book_line(line, book_, options_.book_levels).empty();
  return parser_.parse(line, item_).empty();
}

LiveParquetSink::Files::iterator LiveParquetSink::next_part(Files::iterator file,
                                                            const SymbolFacts& needs) {
  const FileKey key = file->first;
  const std::int64_t period_end_ns = file->second.period_end_ns;
  close_file(file);
  const auto next = files_.emplace(key, OpenFile{}).first;
  next->second.period_end_ns = period_end_ns;
  next->second.needs = needs;
  return next;
}

void LiveParquetSink::add_item(Files::iterator file, std::string_view text,
                               const SymbolFacts& item_needs) {
  if (file->second.decided) {
    if (!file->second.writer) {  // this period's file failed (last_error says why)
      refuse(1, {});
      return;
    }
    if (fits_columns(item_needs, file->second.columns)) {
      append(file->second, file->first.table);
      return;
    }
    // A value the decided types cannot hold exactly: the next part takes the wider type.
    const SymbolFacts merged = merged_needs(file->second.needs, item_needs);
    file = next_part(file, fits_int64_decimals(merged) ? merged : item_needs);
  }
  const SymbolFacts merged = merged_needs(file->second.needs, item_needs);
  if (fits_int64_decimals(merged)) {
    file->second.needs = merged;
  } else {
    // The buffered rows and this one fit no one DECIMAL(18): the buffered ones are a part alone.
    decide(file);
    file = next_part(file, item_needs);
  }
  OpenFile& open = file->second;
  open.pending.emplace_back(text);
  open.pending_bytes += text.size();
  if (open.pending_bytes >= options_.row_group_bytes) decide(file);
}

void LiveParquetSink::decide(Files::iterator file) {
  OpenFile& open = file->second;
  if (open.decided) return;
  open.decided = true;
  open.columns = live_columns_for(open.needs);
  std::vector<std::string> pending = std::move(open.pending);
  open.pending.clear();
  open.pending_bytes = 0;
  if (!open_writer(file->first, open)) {
    refuse(pending.size(), {});
    return;
  }
  for (std::string& line : pending) {
    if (reparse(line, file->first.table)) append(open, file->first.table);
  }
}

void LiveParquetSink::append(OpenFile& file, Table table) {
  const long rows = !file.writer ? -1
                    : table == Table::book
                        ? append_book_row(*file.writer, book_, file.columns, options_.book_levels)
                        : append_item_rows(*file.writer, table, item_, file.columns);
  std::lock_guard<std::mutex> lock(figures_mutex_);
  if (rows >= 0) {
    figures_.rows += static_cast<std::uint64_t>(rows);
    return;
  }
  ++figures_.rows_refused;
  if (file.writer && !file.writer->error().empty()) {
    // The file failed (a write: disk full): its .tmp goes, the period's later rows are refused.
    figures_.last_error = file.writer->error();
    ++figures_.files_failed;
    if (figures_.files_open > 0) --figures_.files_open;
    file.writer.reset();
  }
}

void LiveParquetSink::refuse(std::uint64_t rows, const std::string& why) {
  std::lock_guard<std::mutex> lock(figures_mutex_);
  figures_.rows_refused += rows;
  if (!why.empty()) figures_.last_error = why;
}

std::string LiveParquetSink::free_path(const std::string& dir, std::int64_t begin_ns) const {
  for (unsigned sequence = 0; sequence <= kMaxRotationSequence; ++sequence) {
    std::string path = dir + "/" + rotation_file_name(begin_ns, sequence);
    if (!path_taken(path)) return path;
  }
  return {};
}

bool LiveParquetSink::open_writer(const FileKey& key, OpenFile& file) {
  const std::string dir =
      partition_dir(options_.dir, key.table, key.market, key.symbol, utc_date(key.period_begin_ns));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    note_error("cannot create " + dir + ": " + error.message());
    return false;
  }
  file.path = free_path(dir, key.period_begin_ns);
  if (file.path.empty()) {
    note_error(dir + ": " + std::to_string(kMaxRotationSequence + 1) +
               " parts of one period exist already");
    return false;
  }
  std::string open_error;
  auto output = parquet::open_output_file(file.path, open_error, /*crash_checkpoints=*/true);
  if (!output) {
    note_error(open_error);
    return false;
  }
  parquet::WriterOptions writer_options;
  writer_options.row_group_bytes = options_.row_group_bytes;
  writer_options.page_bytes = std::min(options_.page_bytes, options_.row_group_bytes);
  writer_options.created_by = "depthrec --parquet (depthrec Parquet writer)";
  writer_options.metadata = {{"depthrec.channel", std::string(channel_name(key.table))},
                             {"depthrec.market", key.market},
                             {"depthrec.symbol", key.symbol},
                             {"depthrec.period_begin_ns", std::to_string(key.period_begin_ns)},
                             {"depthrec.period_end_ns", std::to_string(file.period_end_ns)}};
  if (key.table == Table::book) {
    writer_options.metadata.emplace_back("depthrec.book_levels",
                                         std::to_string(options_.book_levels));
    writer_options.metadata.emplace_back("depthrec.book_every", options_.book_every);
  }
  file.writer = std::make_unique<parquet::TableWriter>(
      std::move(output), table_schema(key.table, file.columns, options_.book_levels),
      std::move(writer_options));
  std::lock_guard<std::mutex> lock(figures_mutex_);
  ++figures_.files_open;
  return true;
}

void LiveParquetSink::close_file(Files::iterator file) {
  decide(file);  // a file closed before its types were decided: its lines decide them
  OpenFile& open = file->second;
  if (open.writer) {
    const bool closed = open.writer->close();
    std::error_code error;
    const auto bytes = closed ? std::filesystem::file_size(open.path, error) : 0;
    std::lock_guard<std::mutex> lock(figures_mutex_);
    if (figures_.files_open > 0) --figures_.files_open;
    if (closed) {
      ++figures_.files_closed;
      if (!error) figures_.bytes += bytes;
    } else {
      ++figures_.files_failed;
      figures_.last_error = open.writer->error();
    }
  }
  files_.erase(file);  // a failed writer's .tmp is removed with it
}

void LiveParquetSink::note_error(const std::string& error) {
  std::lock_guard<std::mutex> lock(figures_mutex_);
  ++figures_.files_failed;
  figures_.last_error = error;
}

SinkStatus LiveParquetSink::flush() {
  const std::int64_t now = clock_();
  for (auto it = files_.begin(); it != files_.end();) {
    const auto next = std::next(it);
    if (now >= it->second.period_end_ns + options_.close_grace_ns) close_file(it);
    it = next;
  }
  return SinkStatus::success();
}

SinkStatus LiveParquetSink::close() {
  while (!files_.empty()) close_file(files_.begin());
  return SinkStatus::success();
}

ParquetSinkState LiveParquetSink::figures() const {
  std::lock_guard<std::mutex> lock(figures_mutex_);
  return figures_;
}

}  // namespace depthrec::export_parquet

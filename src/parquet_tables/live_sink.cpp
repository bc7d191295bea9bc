#include "parquet_tables/live_sink.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#include "depthrec/market.hpp"
#include "parquet/checkpoint.hpp"
#include "parquet_tables/table_route.hpp"

namespace depthrec::export_parquet {
namespace {

constexpr std::string_view kTemporarySuffix = ".tmp";
constexpr std::string_view kPartialSuffix = ".partial";
constexpr std::string_view kRecoveredSuffix = ".recovered.parquet";  // replaces ".parquet"
constexpr int kLiveScale = 8;           // Binance's most fraction digits
constexpr int kLiveIntegerDigits = 10;  // DECIMAL(18) on INT64 leaves 10 of 18 digits

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

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

SymbolFacts live_symbol_facts() {
  DecimalNeeds needs;
  needs.scale = kLiveScale;
  needs.integer_digits = kLiveIntegerDigits;
  SymbolFacts facts;
  facts.price = facts.quantity = facts.quote = facts.mark_price = facts.funding_rate = needs;
  return facts;
}

LeftoverFiles handle_leftover_temporaries(const std::string& dir) {
  LeftoverFiles result;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return result;
  std::filesystem::recursive_directory_iterator it(dir, error);
  if (error) {
    result.errors.push_back("cannot list " + dir + ": " + error.message());
    return result;
  }
  const std::string sidecar_suffix = ".parquet.tmp" + std::string(parquet::kCheckpointSuffix);
  std::vector<std::filesystem::path> leftovers, sidecars;  // handled after the walk
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      result.errors.push_back("cannot list " + dir + ": " + error.message());
      break;
    }
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(error)) continue;
    if (ends_with(name, ".parquet.tmp")) leftovers.push_back(it->path());
    if (ends_with(name, sidecar_suffix)) sidecars.push_back(it->path());
  }
  for (const std::filesystem::path& path : leftovers) {
    std::string base = path.string();
    base.resize(base.size() - kTemporarySuffix.size() - std::string_view(".parquet").size());
    std::string problem;
    const parquet::RecoveryOutcome outcome =
        parquet::recover_temporary(path.string(), base + std::string(kRecoveredSuffix), problem);
    if (outcome == parquet::RecoveryOutcome::recovered) {
      result.recovered.push_back(base + std::string(kRecoveredSuffix));
      continue;
    }
    if (outcome == parquet::RecoveryOutcome::failed) result.errors.push_back(problem);
    const std::string target = base + ".parquet" + std::string(kPartialSuffix);
    std::filesystem::rename(path, target, error);
    if (error) {
      result.errors.push_back("cannot rename " + path.string() + ": " + error.message());
    } else {
      result.partial.push_back(target);
    }
  }
  for (const std::filesystem::path& sidecar : sidecars) {
    std::filesystem::remove(sidecar, error);  // its .tmp was committed (or handled just above)
  }
  return result;
}

LiveParquetSink::LiveParquetSink(LiveParquetOptions options, Clock clock)
    : options_(std::move(options)), clock_(std::move(clock)), facts_(live_symbol_facts()) {
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
    if (piece.empty()) continue;
    line_.assign(piece);
    take(line_);
  }
  return SinkStatus::success();
}

void LiveParquetSink::take(std::string& line) {
  std::string refused = parser_.parse(line, item_);
  const TableRoute route = refused.empty() ? route_item(item_) : TableRoute{};
  if (!route.table || item_.symbol.empty()) {
    // connect/disconnect/subscription records and other types have no dataset, as in the export.
    std::lock_guard<std::mutex> lock(figures_mutex_);
    ++figures_.records_skipped;
    return;
  }
  const RotationPeriod period = rotation_period(item_.recv_ns, options_.rotate_ns);
  const FileKey key{*route.table,
                    item_.market ? std::string(to_string(*item_.market)) : std::string("unknown"),
                    std::string(item_.symbol), period.begin_ns};
  OpenFile& file = file_for(key, period.end_ns);
  const long rows =
      file.writer ? append_item_rows(*file.writer, *route.table, item_, facts_) : long{-1};
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

std::string LiveParquetSink::free_path(const std::string& dir, std::int64_t begin_ns) const {
  for (unsigned sequence = 0;; ++sequence) {
    std::string path = dir + "/" + rotation_file_name(begin_ns, sequence);
    if (!path_taken(path)) return path;
  }
}

LiveParquetSink::OpenFile& LiveParquetSink::file_for(const FileKey& key,
                                                     std::int64_t period_end_ns) {
  auto found = files_.find(key);
  if (found != files_.end()) return found->second;
  OpenFile file;
  file.period_end_ns = period_end_ns;
  const std::string dir =
      partition_dir(options_.dir, key.table, key.market, key.symbol, utc_date(key.period_begin_ns));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    note_error("cannot create " + dir + ": " + error.message());
    return files_.emplace(key, std::move(file)).first->second;
  }
  file.path = free_path(dir, key.period_begin_ns);
  std::string open_error;
  auto output = parquet::open_output_file(file.path, open_error, /*crash_checkpoints=*/true);
  if (!output) {
    note_error(open_error);
    return files_.emplace(key, std::move(file)).first->second;
  }
  parquet::WriterOptions writer_options;
  writer_options.row_group_bytes = options_.row_group_bytes;
  writer_options.page_bytes = std::min(options_.page_bytes, options_.row_group_bytes);
  writer_options.created_by = "depthrec --parquet (depthrec Parquet writer)";
  writer_options.metadata = {{"depthrec.channel", std::string(channel_name(key.table))},
                             {"depthrec.market", key.market},
                             {"depthrec.symbol", key.symbol},
                             {"depthrec.period_begin_ns", std::to_string(key.period_begin_ns)},
                             {"depthrec.period_end_ns", std::to_string(period_end_ns)}};
  file.writer = std::make_unique<parquet::TableWriter>(
      std::move(output), table_schema(key.table, facts_, 0), std::move(writer_options));
  {
    std::lock_guard<std::mutex> lock(figures_mutex_);
    ++figures_.files_open;
  }
  return files_.emplace(key, std::move(file)).first->second;
}

void LiveParquetSink::close_file(Files::iterator file) {
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

// depthrec-export: a recording -> Parquet datasets, partitioned Hive-style.
//
//   depthrec-export -o OUT [--symbols A,B] [--market usdm|spot|coinm] [--from TIME] [--to TIME]
//                   [--row-group-mb N] [--codec zstd|none]
//                   [--book-levels N [--book-every 100ms|1s|event]] INPUT...
//
// INPUT is what depthrec-replay reads (a recording file, a directory of depthrec segments, a raw
// capture). Writes OUT/channel=<depth|trade|aggTrade|gaps>/market=<m>/symbol=<S>/date=<YYYY-MM-DD>/
// part-0.parquet (docs/parquet.md), each file under part-0.parquet.tmp until complete; with
// --book-levels also channel=book (book states) and a list of the intervals with no synced book.
// bookTicker goes to channel=bookTicker. Prints one
// line per file, the items it skipped by kind, the reader's bad lines and truncated sources, and a
// summary. Exit status: 0 when every file was written, 1 when one failed (or a symbol's values do
// not fit), 2 on usage errors or an input that cannot be opened.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "export_run.hpp"
#include "parquet_tables/book_interval.hpp"
#include "time_text.hpp"

namespace {

using namespace depthrec;
using namespace depthrec::export_parquet;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::set<std::string> split_symbols(const std::string& text) {
  std::set<std::string> symbols;
  std::stringstream stream(text);
  std::string symbol;
  while (std::getline(stream, symbol, ',')) {
    for (char& c : symbol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!symbol.empty()) symbols.insert(symbol);
  }
  return symbols;
}

void print_unsynced(const std::vector<UnsyncedInterval>& intervals) {
  constexpr std::size_t kMaxListed = 20;
  std::map<std::string, std::pair<std::uint64_t, std::int64_t>> per_book;  // count, ns
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const UnsyncedInterval& interval = intervals[i];
    auto& [count, ns] = per_book[interval.market + " " + interval.symbol];
    ++count;
    ns += interval.end_ns - interval.begin_ns;
    if (i < kMaxListed) {
      std::printf(
          "unsynced %s %s %s .. %s (%lld..%lld ns): no book rows\n", interval.market.c_str(),
          interval.symbol.c_str(), replay::format_utc_ms(interval.begin_ns).c_str(),
          replay::format_utc_ms(interval.end_ns).c_str(), static_cast<long long>(interval.begin_ns),
          static_cast<long long>(interval.end_ns));
    }
  }
  for (const auto& [book, figures] : per_book) {
    std::printf("unsynced %s: %llu intervals, %.3f s without book rows\n", book.c_str(),
                static_cast<unsigned long long>(figures.first),
                static_cast<double>(figures.second) / 1e9);
  }
}

void print_summary(const ExportSummary& summary) {
  for (const WrittenFile& file : summary.files) {
    if (file.error.empty()) {
      std::printf("wrote %s rows=%llu row_groups=%llu bytes=%llu\n", file.path.c_str(),
                  static_cast<unsigned long long>(file.rows),
                  static_cast<unsigned long long>(file.row_groups),
                  static_cast<unsigned long long>(file.bytes));
    } else {
      std::printf("FAILED %s: %s (no file written)\n", file.path.c_str(), file.error.c_str());
    }
  }
  for (const auto& [why, count] : summary.skipped) {
    std::printf("skipped %llu %s\n", static_cast<unsigned long long>(count), why.c_str());
  }
  const ReplayStats& reader = summary.reader;
  if (reader.bad_lines > 0) {
    std::printf("skipped %llu bad lines\n", static_cast<unsigned long long>(reader.bad_lines));
    for (const ReplayLineError& bad : reader.first_bad_lines) {
      std::printf("  %s:%llu: %s\n", bad.source.c_str(), static_cast<unsigned long long>(bad.line),
                  bad.reason.c_str());
    }
  }
  for (const std::string& source : reader.truncated_sources) {
    std::printf("truncated %s (read up to the cut)\n", source.c_str());
  }
  for (const std::string& io_error : reader.io_errors) std::printf("ERROR %s\n", io_error.c_str());
  for (const std::string& error : summary.errors) std::printf("ERROR %s\n", error.c_str());
  print_unsynced(summary.unsynced);
  if (summary.book_rows_refused > 0) {
    std::printf("skipped %llu book states (failed files or values their columns refused)\n",
                static_cast<unsigned long long>(summary.book_rows_refused));
  }
  const double seconds = summary.seconds > 0 ? summary.seconds : 1e-9;
  std::printf(
      "export: %llu items, %llu rows, %zu files in %.3f s (%.0f rows/s, %.1f MB/s of input)%s\n",
      static_cast<unsigned long long>(summary.items), static_cast<unsigned long long>(summary.rows),
      summary.files.size(), summary.seconds, static_cast<double>(summary.rows) / seconds,
      static_cast<double>(summary.input_bytes) / 1e6 / seconds, summary.ok() ? "" : " FAILED");
}

int run_command_line(int argc, char** argv) {
  CLI::App app{"depthrec-export: a depthrec recording (or raw capture) -> Parquet datasets"};
  ExportOptions options;
  std::string symbols, market, from, to, codec = "zstd";
  double row_group_mb = 128;
  app.add_option("-o,--out", options.out_dir, "output directory (the datasets' root)")->required();
  app.add_option("--symbols", symbols, "only these symbols (comma-separated)");
  app.add_option("--market", market,
                 "market of inputs that do not say it (raw captures: else told by the events)");
  app.add_option("--from", from, "first receive time (ISO-8601 UTC), inclusive");
  app.add_option("--to", to, "last receive time (ISO-8601 UTC), exclusive");
  app.add_option("--row-group-mb", row_group_mb, "uncompressed MB of one row group")
      ->check(CLI::Range(0.001, 4096.0));
  app.add_option("--codec", codec, "page compression")->check(CLI::IsMember({"zstd", "none"}));
  std::string book_every;
  app.add_option("--book-levels", options.book_levels,
                 "write book states (channel=book): the top N levels per side")
      ->check(CLI::Range(1, 1000));
  app.add_option("--book-every", book_every,
                 "book states every interval of receive time (100ms, 1s, ...; default 100ms) "
                 "or after every change (event)");
  app.add_option("inputs", options.inputs, "recording files or directories")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  options.symbols = split_symbols(symbols);
  if (!market.empty()) {
    options.market = parse_market(market);
    if (!options.market) {
      std::fprintf(stderr, "depthrec-export: --market must be usdm, spot or coinm\n");
      return kExitUsage;
    }
  }
  for (auto [text, out] : {std::pair{&from, &options.from_ns}, std::pair{&to, &options.to_ns}}) {
    if (text->empty()) continue;
    *out = replay::parse_utc(*text);
    if (!*out) {
      std::fprintf(stderr, "depthrec-export: '%s' is not an ISO-8601 UTC time\n", text->c_str());
      return kExitUsage;
    }
  }
  if (!book_every.empty() && options.book_levels == 0) {
    std::fprintf(stderr, "depthrec-export: --book-every needs --book-levels N\n");
    return kExitUsage;
  }
  options.book_every_text = book_every.empty() ? "100ms" : book_every;
  const std::optional<std::int64_t> every_ns = parse_book_every(options.book_every_text);
  if (!every_ns) {
    std::fprintf(stderr,
                 "depthrec-export: --book-every wants an interval (100ms, 1s, 250us, 1m) or "
                 "`event`, not '%s'\n",
                 book_every.c_str());
    return kExitUsage;
  }
  options.book_every_ns = *every_ns;
  options.writer.codec = codec == "none" ? parquet::Codec::uncompressed : parquet::Codec::zstd;
  options.writer.row_group_bytes = static_cast<std::size_t>(row_group_mb * 1024 * 1024);
  options.writer.created_by = "depthrec-export (depthrec Parquet writer)";

  ExportSummary summary;
  std::string error;
  if (!run_export(options, summary, error)) {
    std::fprintf(stderr, "depthrec-export: %s\n", error.c_str());
    return kExitUsage;
  }
  print_summary(summary);
  return summary.ok() ? kExitOk : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {  // e.g. std::bad_alloc: exit 2 with why, no abort
    std::fprintf(stderr, "depthrec-export: %s\n", error.what());
    return kExitUsage;
  }
}

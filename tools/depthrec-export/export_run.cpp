#include "export_run.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>

#include "parquet_tables/symbol_survey.hpp"
#include "parquet_tables/table_route.hpp"

namespace depthrec::export_parquet {
namespace {

std::uint64_t input_bytes(const std::vector<std::string>& sources) {
  std::uint64_t total = 0;
  for (const std::string& source : sources) {
    std::error_code error;
    const auto size = std::filesystem::file_size(source, error);
    if (!error) total += size;
  }
  return total;
}

}  // namespace

bool ExportSummary::ok() const {
  if (!errors.empty() || !reader.io_errors.empty()) return false;
  for (const WrittenFile& file : files) {
    if (!file.error.empty()) return false;
  }
  return true;
}

bool run_export(const ExportOptions& options, ExportSummary& summary, std::string& error) {
  const auto start = std::chrono::steady_clock::now();
  const auto in_range = [&](const ReplayItem& item) {
    return (!options.from_ns || item.recv_ns >= *options.from_ns) &&
           (!options.to_ns || item.recv_ns < *options.to_ns);
  };

  // Pass 1: markets and decimal scales.
  std::unique_ptr<ReplayReader> reader = ReplayReader::open(options.inputs, error);
  if (!reader) return false;
  SymbolSurvey survey(options.market);
  ReplayItem item;
  while (reader->next(item)) {
    if (in_range(item)) survey.take(item);
  }
  survey.finish();
  std::set<MarketSymbol> unfit;
  for (const auto& [instrument, facts] : survey.instruments()) {
    if (facts.price.fits_int64() && facts.quantity.fits_int64()) continue;
    unfit.insert(instrument);
    summary.errors.push_back("symbol " + instrument.market + ":" + instrument.symbol +
                             ": prices need " + std::to_string(facts.price.precision()) +
                             " digits, quantities " + std::to_string(facts.quantity.precision()) +
                             " (scale " + std::to_string(facts.quantity.scale) +
                             "): more than the " + std::to_string(kMaxInt64Precision) +
                             " a DECIMAL on INT64 holds; not exported");
  }

  // Pass 2: the rows.
  reader = ReplayReader::open(options.inputs, error);
  if (!reader) return false;
  summary.input_bytes = input_bytes(reader->sources());
  PartitionSet partitions(options.out_dir, options.writer, options.book_levels,
                          options.book_every_text);
  const SymbolFacts no_facts;
  const auto wanted = [&](const MarketSymbol& instrument) {
    return (options.symbols.empty() || options.symbols.count(instrument.symbol) != 0) &&
           unfit.count(instrument) == 0;
  };
  // Book states: every item reaches the books (a sync needs what came before --from); rows are
  // kept for the wanted symbols and sample times only.
  std::unique_ptr<BookStates> books;
  if (options.book_levels > 0) {
    BookStateOptions book_options;
    book_options.levels = options.book_levels;
    book_options.every_ns = options.book_every_ns;
    book_options.market = options.market;
    books = std::make_unique<BookStates>(book_options, [&](const BookState& state) {
      const MarketSymbol instrument{state.market, state.symbol};
      if (!wanted(instrument) || (options.from_ns && state.sample_ns < *options.from_ns) ||
          (options.to_ns && state.sample_ns >= *options.to_ns)) {
        return;
      }
      const SymbolFacts* facts = survey.find(instrument);
      const PartitionKey key{Table::book, state.market, state.symbol, utc_date(state.sample_ns)};
      parquet::TableWriter* writer = partitions.writer(key, facts ? *facts : no_facts);
      const long rows =
          writer == nullptr
              ? -1
              : append_book_row(*writer, state, facts ? *facts : no_facts, options.book_levels);
      if (rows < 0) {
        ++summary.book_rows_refused;
      } else {
        summary.rows += static_cast<std::uint64_t>(rows);
      }
    });
  }
  while (reader->next(item)) {
    ++summary.items;
    if (books) books->feed(item);
    if (!in_range(item)) {
      ++summary.skipped["items outside --from/--to"];
      continue;
    }
    const MarketSymbol instrument = survey.instrument_of(item);
    const std::string& symbol = instrument.symbol;
    if (!options.symbols.empty() && options.symbols.count(symbol) == 0) {
      ++summary.skipped["items of other symbols (--symbols)"];
      continue;
    }
    const TableRoute where = route_item(item);
    if (!where.table) {
      ++summary.skipped[where.skip];
      continue;
    }
    if (symbol.empty()) {
      ++summary.skipped["items without a symbol (a snapshot body in a capture of many)"];
      continue;
    }
    if (unfit.count(instrument) != 0) {
      ++summary.skipped["items of symbols beyond DECIMAL(18)"];
      continue;
    }
    const SymbolFacts* facts = survey.find(instrument);
    if (facts == nullptr) facts = &no_facts;
    if (*where.table == Table::kline && !facts->quote.fits_int64()) {
      ++summary.skipped["kline items whose quote volumes need more than 18 digits"];
      continue;
    }
    if (*where.table == Table::mark_price &&
        !(facts->mark_price.fits_int64() && facts->funding_rate.fits_int64())) {
      ++summary.skipped["markPrice items whose prices need more than 18 digits"];
      continue;
    }
    const PartitionKey key{*where.table, instrument.market, symbol, utc_date(item.recv_ns)};
    parquet::TableWriter* writer = partitions.writer(key, *facts);
    if (writer == nullptr) {
      ++summary.skipped["items of failed files"];
      continue;
    }
    const long rows = append_item_rows(*writer, *where.table, item, *facts);
    if (rows < 0) {
      ++summary.skipped["items with a value their column refused"];
      continue;
    }
    summary.rows += static_cast<std::uint64_t>(rows);
  }
  if (books) {
    books->finish();
    for (const UnsyncedInterval& interval : books->unsynced()) {
      if (wanted({interval.market, interval.symbol})) summary.unsynced.push_back(interval);
    }
  }
  summary.files = partitions.close_all();
  summary.reader = reader->stats();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return true;
}

}  // namespace depthrec::export_parquet

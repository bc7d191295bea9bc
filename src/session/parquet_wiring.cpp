#include "session/parquet_wiring.hpp"

#include "parquet_tables/book_interval.hpp"

namespace depthrec::session {

std::unique_ptr<export_parquet::LiveParquet> make_live_parquet(const RecorderConfig& config,
                                                               TextLog& log) {
  if (config.parquet_dir.empty()) return nullptr;
  export_parquet::LiveParquetOptions options;
  options.dir = config.parquet_dir;
  options.rotate_ns = config.parquet_rotate_sec * export_parquet::kNanosPerSecond;
  options.row_group_bytes = config.parquet_row_group_bytes;
  options.book_levels = config.parquet_book_levels;
  options.book_every = export_parquet::book_every_text(config.parquet_book_every_ns);
  auto parquet = std::make_unique<export_parquet::LiveParquet>(options, config.queue_capacity,
                                                               config.max_queue_bytes);
  for (const std::string& note : parquet->startup_notes()) {
    log.log(parquet->startup_failed() ? LogLevel::error : LogLevel::warning, note);
  }
  log.log(LogLevel::info,
          "parquet: writing datasets under " + config.parquet_dir + ", one file per " +
              std::to_string(config.parquet_rotate_sec) + " s per channel and symbol" +
              (config.parquet_book_levels > 0
                   ? "; book states of " + std::to_string(config.parquet_book_levels) +
                         " levels every " + options.book_every
                   : std::string()));
  return parquet;
}

std::shared_ptr<Observer> observe_parquet_book(
    const std::unique_ptr<export_parquet::LiveParquet>& parquet, const RecorderConfig& config,
    ObserverRegistry& observers) {
  if (config.parquet_dir.empty() || config.parquet_book_levels == 0) return nullptr;
  ObserverOptions options;
  // On the network thread: the sample is a book line pushed to the live sink's own bounded
  // queue, which never waits.
  options.delivery = Delivery::synchronous;
  options.levels = config.parquet_book_levels;
  options.every_ns = config.parquet_book_every_ns;
  options.name = "parquet-book";
  return observers.on_book(
      [&parquet](const TopOfBook& top) {
        if (parquet) parquet->offer_book(top);
      },
      std::move(options));
}

void log_parquet_sink(const ParquetSinkState& state, ParquetLogged& logged, TextLog& log) {
  if (state.dropped != logged.dropped) {
    log.log(LogLevel::warning, "parquet: queue full, " +
                                   std::to_string(state.dropped - logged.dropped) +
                                   " records dropped (writer_drop gap rows mark them; " +
                                   std::to_string(state.dropped) + " in all)");
  }
  if (state.files_failed != logged.files_failed) {
    log.log(LogLevel::error,
            "parquet: " + std::to_string(state.files_failed - logged.files_failed) +
                " files failed (" + state.last_error + "); the NDJSON recording goes on");
  }
  if (state.rows_refused != logged.rows_refused) {
    log.log(LogLevel::warning,
            "parquet: " + std::to_string(state.rows_refused - logged.rows_refused) +
                " records not written (" +
                (state.last_error.empty() ? std::string("a failed file") : state.last_error) +
                "); they are in the NDJSON recording");
  }
  logged = {state.dropped, state.files_failed, state.rows_refused};
}

}  // namespace depthrec::session

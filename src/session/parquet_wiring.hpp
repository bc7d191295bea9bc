// The live Parquet datasets of a run (--parquet DIR): built from the config, and what the text
// log is told of them. The recorder hands them each record beside the file writer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/text_log.hpp"
#include "parquet_tables/live_parquet.hpp"
#include "session/observer_registry.hpp"

namespace depthrec::session {

// The datasets' writer, or null without --parquet; what it found at start (a crashed run's
// leftovers, a directory it cannot write) is logged here.
std::unique_ptr<export_parquet::LiveParquet> make_live_parquet(const RecorderConfig& config,
                                                               TextLog& log);

// --parquet-book-levels: an on_book observer (the recorder's one seam for its synced books)
// sampling on the --parquet-book-every grid into `parquet`'s `book` dataset; null when off.
// Bound before the streams take their observers; `parquet` (made later, owned by the caller, who
// outlives the streams) is read at each sample.
std::shared_ptr<Observer> observe_parquet_book(
    const std::unique_ptr<export_parquet::LiveParquet>& parquet, const RecorderConfig& config,
    ObserverRegistry& observers);

// What the text log was last told of the datasets (log_parquet_sink).
struct ParquetLogged {
  std::uint64_t dropped = 0;
  std::uint64_t files_failed = 0;
  std::uint64_t rows_refused = 0;
};

// Logs what changed since the last call (once per metrics period): records dropped by its queue,
// files that failed (with the last error), rows refused.
void log_parquet_sink(const ParquetSinkState& state, ParquetLogged& logged, TextLog& log);

}  // namespace depthrec::session

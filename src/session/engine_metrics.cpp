// Engine's metrics: every stream's FeedMetrics, the aggregate over them (the seed's top level of
// metrics.json), one entry per stream, and the SUMMARY line (the aggregate and the streams that
// broke most, by name).
#include <algorithm>
#include <iostream>

#include "depthrec/atomic_file.hpp"
#include "depthrec/metrics_report.hpp"
#include "depthrec/stream_metrics.hpp"
#include "session/engine.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {
namespace {

// " | streams=3 synced=3 | worst: ETHUSDT breaks=1 resyncs=1": at most three streams by name,
// those with the most breaks (none when no stream broke), so the line stays one line.
std::string streams_summary(const std::vector<MetricsSnapshot>& streams) {
  std::size_t synced = 0;
  for (const MetricsSnapshot& s : streams) synced += s.book.synced ? 1 : 0;
  std::string text =
      " | streams=" + std::to_string(streams.size()) + " synced=" + std::to_string(synced);
  std::vector<const MetricsSnapshot*> broken;
  for (const MetricsSnapshot& s : streams) {
    if (s.run.counters.breaks > 0) broken.push_back(&s);
  }
  const std::size_t shown = std::min<std::size_t>(3, broken.size());
  std::partial_sort(broken.begin(), broken.begin() + static_cast<std::ptrdiff_t>(shown),
                    broken.end(), [](const MetricsSnapshot* a, const MetricsSnapshot* b) {
                      return a->run.counters.breaks > b->run.counters.breaks;
                    });
  for (std::size_t i = 0; i < shown; ++i) {
    text += (i == 0 ? " | worst: " : ", ") + std::string(to_string(broken[i]->key.market)) + ":" +
            broken[i]->key.symbol + " breaks=" + std::to_string(broken[i]->run.counters.breaks) +
            " resyncs=" + std::to_string(broken[i]->run.counters.resyncs);
  }
  return text;
}

}  // namespace

std::vector<MetricsSnapshot> Engine::roll_stream_windows(FeedMetrics::MergedHistograms& merged) {
  std::vector<MetricsSnapshot> out;
  out.reserve(streams_.size());
  merged.reset();
  const std::int64_t now = transport::now_ns();
  for (const auto& stream : streams_) out.push_back(stream->metrics->roll_window(now, &merged));
  return out;
}

const SelectionFigures* Engine::selection_figures() {
  if (!config_.symbol_selection.has_all()) return nullptr;
  if (!selection_figures_) {
    SelectionFigures figures;
    figures.recorded = resolution_.symbols.size();
    figures.not_recorded = resolution_.problems.size();
    figures.capped = resolution_.capped;
    figures.unfit_names = resolution_.unsupported;
    figures.exchange_info_failures = exchange_info_failures_;
    selection_figures_ = figures;
  }
  return &*selection_figures_;
}

MetricsSnapshot Engine::metrics() const {
  if (streams_.empty()) return MetricsSnapshot{};
  std::vector<MetricsSnapshot> snapshots;
  FeedMetrics::MergedHistograms merged;
  const std::int64_t now = transport::now_ns();
  for (const auto& stream : streams_) snapshots.push_back(stream->metrics->snapshot(now, &merged));
  return aggregate_metrics(snapshots, merged);
}

void Engine::write_metrics(bool final) {
  // The process-wide figures (writer, text log, REST) go to the first stream's metrics, which
  // the aggregate starts from: counted once.
  FeedMetrics& process = *streams_.front()->metrics;
  report_writer_and_log(process, writer_.get(), files_, *log_, reported_write_errors_);
  for (const auto& stream : streams_) {
    stream->metrics->set_book_levels_dropped(stream->feed->sync().book().levels_dropped());
  }
  process.set_rest_state(
      rest_state(rest_scheduler_->stats(), streams_.front()->budget, streams_.front()->config));
  const std::vector<MetricsSnapshot> snapshots = roll_stream_windows(merged_histograms_);
  const MetricsSnapshot aggregate = aggregate_metrics(snapshots, merged_histograms_);
  if (config_.write_files) {
    std::string error;
    if (!write_file_atomically(config_.data_dir + "/metrics.json",
                               to_metrics_json(aggregate, snapshots, selection_figures()), error))
      log_->log(LogLevel::error, "metrics.json not written: " + error);
  }
  const std::string summary = summary_line(aggregate) + streams_summary(snapshots);
  if (config_.print_summary) std::cout << summary << (final ? " | final" : "") << std::endl;
  log_->log(LogLevel::info, summary);
}

}  // namespace depthrec::session

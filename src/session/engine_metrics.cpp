// Engine's metrics: every stream's FeedMetrics, the aggregate over them (the seed's top level of
// metrics.json), one entry per stream, and the SUMMARY line (the aggregate and the streams that
// broke most, by name).
#include <algorithm>
#include <iostream>

#include "depthrec/atomic_file.hpp"
#include "depthrec/metrics_report.hpp"
#include "depthrec/stream_metrics.hpp"
#include "session/engine.hpp"
#include "session/redis_wiring.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {
namespace {

// " | streams=3 synced=3 | worst: ETHUSDT breaks=1 resyncs=1": at most three streams by name,
// those with the most breaks (none when no stream broke), so the line stays one line.
std::string streams_summary(const std::vector<const MetricsSnapshot*>& streams) {
  std::size_t synced = 0;
  for (const MetricsSnapshot* s : streams) synced += s->book.synced ? 1 : 0;
  std::string text =
      " | streams=" + std::to_string(streams.size()) + " synced=" + std::to_string(synced);
  std::vector<const MetricsSnapshot*> broken;
  for (const MetricsSnapshot* s : streams) {
    if (s->run.counters.breaks > 0) broken.push_back(s);
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

void Engine::roll_stream_windows() {
  // The aggregate's run is kept from print to print and only the windows are added, unless a
  // stream left it since (its values must go): then it is rebuilt from every stream's run.
  const PrintInput& input = print_input_;
  const auto removed = static_cast<std::size_t>(std::count_if(
      input.statuses.begin(), input.statuses.end(), [](const auto& s) { return s.removed; }));
  if (merged_removed_streams_ == removed) {
    merged_histograms_.start_roll_from_windows();
  } else {
    merged_histograms_.reset();
    merged_removed_streams_ = removed;
  }
  // Resized, not rebuilt: a stream's snapshot keeps its strings from print to print.
  print_snapshots_.resize(input.metrics.size());
  for (std::size_t i = 0; i < input.metrics.size(); ++i) {
    // The aggregate covers the streams still recorded (a removed one keeps its own figures).
    input.metrics[i]->finish_roll(print_snapshots_[i],
                                  input.statuses[i].removed ? nullptr : &merged_histograms_);
    print_snapshots_[i].presync = input.presync[i];
  }
  merged_histograms_.finish_roll_from_windows();
}

std::optional<SelectionFigures> Engine::selection_figures() const {
  // A handful of counters, read at each print: the follow changes them while running.
  if (!config_.symbol_selection.has_all()) return std::nullopt;
  SelectionFigures figures;
  figures.recorded = resolution_.symbols.size();
  figures.not_recorded = resolution_.problems.size();
  figures.capped = resolution_.capped;
  figures.unfit_names = resolution_.unsupported;
  figures.exchange_info_failures = exchange_info_failures_;
  figures.listed = symbols_listed_;
  figures.removed = symbols_removed_;
  figures.retuned = symbols_retuned_;
  figures.subscription_errors = subscription_errors_;
  return figures;
}

MetricsSnapshot Engine::metrics() const {
  // Any thread (library API): the follow adds streams on the network thread.
  std::lock_guard<std::mutex> lock(streams_mutex_);
  std::vector<MetricsSnapshot> snapshots;
  FeedMetrics::MergedHistograms merged;
  const std::int64_t now = transport::now_ns();
  for (const auto& stream : streams_) {
    if (!stream->removed) snapshots.push_back(stream->metrics->snapshot(now, &merged));
  }
  if (snapshots.empty()) return MetricsSnapshot{};
  return aggregate_metrics(snapshots, merged);
}

std::vector<StreamReport> Engine::stream_reports() const {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  std::vector<StreamReport> reports;
  reports.reserve(streams_.size());
  const std::int64_t now = transport::now_ns();
  for (const auto& stream : streams_) {
    reports.push_back({stream->metrics->snapshot(now), stream->connection_id.load(),
                       stream->removed, stream->removed_reason});
  }
  return reports;
}

std::vector<ChannelFigures> Engine::channel_figures() const {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  std::vector<ChannelFigures> figures;
  figures.reserve(channels_.size());
  for (const auto& channel : channels_) {
    figures.push_back(channel->handler->metrics().figures());
    figures.back().removed = channel->removed;
  }
  return figures;
}

void Engine::write_metrics(bool final) {
  // Network thread. A print still under way (thousands of streams on a loaded machine) is not
  // waited for: this one is skipped, its windows run on to the next. The final one waits.
  if (final) {
    if (print_thread_) print_thread_->finish();
  } else if (print_thread_ && !print_thread_->idle()) {
    ++prints_skipped_;
    log_->log(LogLevel::warning, "metrics print skipped: the last one is still being written (" +
                                     std::to_string(prints_skipped_) + " so far)");
    return;
  }
  gather_print(final);
  if (final || !print_thread_) {
    print_metrics();
  } else {
    print_thread_->start();
  }
}

void Engine::gather_print(bool final) {
  // The process-wide figures (writer, text log, REST) go to the first stream's metrics, which
  // the aggregate starts from: counted once.
  // (the first stream still recorded: removed ones are not in the aggregate).
  const EngineStream* first = streams_.front().get();
  for (const auto& stream : streams_) {
    if (!stream->removed) {
      first = stream.get();
      break;
    }
  }
  FeedMetrics& process = *first->metrics;
  report_writer_and_log(process, writer_.get(), files_, csv_files_, *log_, reported_write_errors_);
  const RedisSinkState redis_state = redis_sink_state(redis_.get(), config_);
  process.set_redis_state(redis_state);
  log_redis_sink(redis_state, redis_logged_, *log_);
  if (parquet_) {
    const ParquetSinkState parquet_state = parquet_->state();
    process.set_parquet_state(parquet_state);
    log_parquet_sink(parquet_state, parquet_logged_, *log_);
  }
  process.set_rest_state(rest_state(rest_scheduler_->stats(), first->budget, first->config));
  // Every stream's window closes at the same instant, with what only this thread may read.
  PrintInput& input = print_input_;
  const std::size_t n = streams_.size();
  input.metrics.resize(n);
  input.statuses.resize(n);
  input.presync.resize(n);
  const std::int64_t now = transport::now_ns();
  for (std::size_t i = 0; i < n; ++i) {
    const EngineStream& stream = *streams_[i];
    stream.metrics->set_book_levels_dropped(stream.feed->sync().book().levels_dropped());
    stream.metrics->close_window(now);
    input.metrics[i] = stream.metrics.get();
    StreamStatus& status = input.statuses[i];
    status.removed = stream.removed;
    status.removed_reason = stream.removed_reason;
    status.subscription_errors = stream.subscription_errors;
    input.presync[i] = stream.feed->presync_figures();
  }
  input.selection = selection_figures();
  input.final = final;
}

void Engine::print_metrics() {
  // The print thread (the final print: the network thread, once that thread has ended).
  try {
    render_print();
  } catch (const std::exception& error) {  // out of memory: the next print tries again
    log_->log(LogLevel::error, std::string("metrics print failed: ") + error.what());
  }
}

void Engine::render_print() {
  roll_stream_windows();
  const PrintInput& input = print_input_;
  const std::vector<MetricsSnapshot>& snapshots = print_snapshots_;
  // The seed's top level is the aggregate of the streams being recorded; a stream unsubscribed
  // while following exchangeInfo keeps its final figures in `streams` only ("state":"removed").
  std::vector<const MetricsSnapshot*>& recording = print_recording_;
  recording.clear();
  for (std::size_t i = 0; i < snapshots.size(); ++i) {
    if (!input.statuses[i].removed) recording.push_back(&snapshots[i]);
  }
  // Every stream removed (all delisted): the top level keeps the first one's final figures
  // (its latency histograms were not merged: no stream is recorded any more).
  MetricsSnapshot aggregate =
      recording.empty() ? aggregate_metrics(std::vector<const MetricsSnapshot*>{&snapshots.front()},
                                            merged_histograms_)
                        : aggregate_metrics(recording, merged_histograms_);
  aggregate.presync.bound_bytes = presync_budget_.bound();
  aggregate.presync.peak_bytes = presync_budget_.peak();
  aggregate.metrics_listen = config_.metrics_listen;
  aggregate.observers = observers_->figures();
  if (config_.write_files) {
    std::string error;
    const SelectionFigures* selection = input.selection ? &*input.selection : nullptr;
    const std::vector<ChannelFigures> channels = channel_figures();  // a removed one says so
    if (!write_file_atomically(config_.data_dir + "/metrics.json",
                               to_metrics_json(aggregate, snapshots, selection,
                                               selection ? &input.statuses : nullptr, &channels),
                               error))
      log_->log(LogLevel::error, "metrics.json not written: " + error);
  }
  const std::string summary = summary_line(aggregate) + streams_summary(recording);
  if (config_.print_summary) std::cout << summary << (input.final ? " | final" : "") << std::endl;
  log_->log(LogLevel::info, summary);
}

}  // namespace depthrec::session

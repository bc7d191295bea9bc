// What the recorders (recorder*.cpp, engine*.cpp) share: the configs of their parts, their REST
// requests, the transport's REST response as the session's answer, why a data directory cannot be
// created, and the REST scheduler's figures of one budget for metrics.json.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "depthrec/async_writer.hpp"
#include "depthrec/csv_sink.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/tee_sink.hpp"
#include "depthrec/text_log.hpp"
#include "session/feed_session.hpp"
#include "transport/rest_client.hpp"
#include "transport/rest_scheduler.hpp"
#include "transport/ws_client.hpp"

namespace depthrec::session {

inline RestAnswer to_answer(transport::HttpResponse response) {
  RestAnswer answer;
  answer.status = response.status;
  answer.body = std::move(response.body);
  answer.error = std::move(response.error);
  answer.sent_ns = response.sent_ns;
  answer.received_ns = response.received_ns;
  answer.retry_after = response.retry_after;
  return answer;
}

// Why create_directories(path) failed, in the operator's terms: a dangling symbolic link on the
// way is reported by the OS as "File exists", which hides the broken link.
// A book's snapshot request on `budget` (a resync goes before first syncs) and a server-time
// request (after every snapshot of its budget: nothing waits for it), built the same way by both
// recorders.
inline transport::RestRequest snapshot_request(transport::RestBudgetId budget, bool resync,
                                               const RecorderConfig& config) {
  return {budget, resync ? transport::RestPriority::resync : transport::RestPriority::initial,
          snapshot_url(config), snapshot_weight(config)};
}
inline transport::RestRequest server_time_request(transport::RestBudgetId budget,
                                                  const RecorderConfig& config) {
  return {budget, transport::RestPriority::low, server_time_url(config), 1};
}

inline std::string directory_problem(const std::string& path, const std::error_code& ec) {
  namespace fs = std::filesystem;
  fs::path prefix;
  for (const fs::path& part : fs::path(path)) {
    prefix /= part;
    std::error_code status_ec;
    if (!fs::is_symlink(fs::symlink_status(prefix, status_ec)) || fs::exists(prefix, status_ec))
      continue;
    std::error_code link_ec;
    const fs::path target = fs::read_symlink(prefix, link_ec);
    return prefix.string() + " is a symbolic link to '" + target.string() +
           "', which does not exist";
  }
  return ec.message();
}

// The writer's and the text log's figures into `metrics` (metrics.json log_queue, writer,
// text_log); a storage failure is logged once per report. `writer` null: no files. With the gzip
// segments (`files`) their figures are the writer's; CSV alone (`csv`) reports the CSV files'.
// With both, the CSV files' write errors are logged too.
inline void report_writer_and_log(FeedMetrics& metrics, AsyncWriter* writer,
                                  GzipRotatingSink* files, CsvSink* csv, TextLog& log,
                                  std::uint64_t& reported_write_errors) {
  if (writer) {
    const AsyncWriterStats writer_stats = writer->stats();
    const GzipRotatingSinkStats file_stats = files ? files->stats() : GzipRotatingSinkStats{};
    const CsvSinkStats csv_stats = csv ? csv->stats() : CsvSinkStats{};
    // The writer's total also counts lines its sink refused (storage failing), and the sink's
    // lines it still could not write at stop.
    metrics.record_queue(static_cast<std::int64_t>(writer_stats.queue_depth),
                         writer_stats.dropped + file_stats.lines_lost);
    WriterStats stats;
    // Only what reached a file (a backlog held while the disk is full is not written yet).
    stats.records_written = files ? file_stats.lines_written : writer_stats.written;
    stats.queue_bytes_max = writer_stats.queue_bytes_max;
    stats.queue_byte_drops = writer_stats.byte_drops;
    std::string last_error;
    if (files) {
      stats.unwritten_bytes = file_stats.unwritten_bytes;
      stats.bytes_written = file_stats.bytes_in;
      stats.write_errors = file_stats.write_errors;
      stats.segments = file_stats.segments_opened;
      last_error = file_stats.last_error;
    } else if (csv) {
      stats.unwritten_bytes = csv_stats.unwritten_bytes;
      stats.bytes_written = csv_stats.bytes_written;
    }
    const std::uint64_t write_errors = stats.write_errors + csv_stats.write_errors;
    if (csv) stats.write_errors = write_errors;
    if (csv && csv_stats.write_errors > 0 && (last_error.empty() || !files))
      last_error = csv_stats.last_error;
    if (write_errors != reported_write_errors) {
      // Storage failing (disk full, EIO...): say why, once per metrics period. The sinks keep
      // the unwritten data (up to their bound) and write it when they can.
      log.log(LogLevel::error, "recording not written (" + std::to_string(write_errors) +
                                   " write errors so far): " + last_error);
      reported_write_errors = write_errors;
    }
    metrics.set_writer_stats(stats);
  }
  const TextLogStats log_stats = log.stats();
  TextLogState log_state;
  log_state.writable = !log_stats.file_failing;
  log_state.write_errors = log_stats.write_errors;
  log_state.last_error = log_stats.last_error;
  metrics.set_text_log_state(log_state);
}

// The text log of a run named after `symbol` (logs/<symbol-lower>_<date>.log).
inline TextLogConfig text_log_config(const RecorderConfig& config, const std::string& symbol) {
  TextLogConfig log_config;
  log_config.directory = config.log_dir;
  log_config.symbol = symbol;
  log_config.rotate = config.rotate;
  log_config.rotate_interval = std::chrono::seconds(config.rotate_sec);
  log_config.max_bytes = config.max_bytes;
  log_config.backups = config.backups;
  // SUMMARY lines already go to stdout: echo only warnings and errors to stderr.
  log_config.echo_level = LogLevel::warning;
  return log_config;
}

// The writer thread and its sinks (--format): the gzip segments (names from `symbol`, or
// `file_prefix` if set), the CSV files, or both. `streams`: how many streams it starts with (the
// flush threshold grows with it). `files` / `csv` point at the sinks made (null if not), owned by
// the writer.
inline std::unique_ptr<AsyncWriter> make_writer(const RecorderConfig& config,
                                                const std::string& symbol,
                                                const std::string& file_prefix, std::size_t streams,
                                                GzipRotatingSink*& files, CsvSink*& csv) {
  const std::size_t flush_threshold =
      GzipRotatingSink::flush_threshold_within(config.max_unwritten_bytes, streams);
  std::unique_ptr<RecordSink> gzip_sink;
  files = nullptr;
  csv = nullptr;
  if (config.output_format != OutputFormat::csv) {
    GzipRotatingSinkConfig sink_config;
    sink_config.directory = config.data_dir;
    sink_config.symbol = symbol;
    sink_config.file_prefix = file_prefix;
    sink_config.rotate = config.rotate;
    sink_config.rotate_interval = std::chrono::seconds(config.rotate_sec);
    sink_config.max_bytes = config.max_bytes;
    sink_config.compression_level = config.gzip_level;
    sink_config.max_unwritten_bytes = config.max_unwritten_bytes;
    sink_config.flush_threshold_bytes = flush_threshold;
    auto sink = std::make_unique<GzipRotatingSink>(sink_config);
    files = sink.get();
    gzip_sink = std::move(sink);
  }
  std::unique_ptr<RecordSink> csv_sink;
  if (config.output_format != OutputFormat::ndjson) {
    CsvSinkConfig csv_config;
    csv_config.directory = config.data_dir + "/csv";
    csv_config.daily_files = config.csv_daily_files;
    csv_config.flush_threshold_bytes = flush_threshold;
    csv_config.max_unwritten_bytes = config.max_unwritten_bytes;
    auto sink = std::make_unique<CsvSink>(csv_config);
    csv = sink.get();
    csv_sink = std::move(sink);
  }
  std::unique_ptr<RecordSink> sink;
  if (gzip_sink && csv_sink) {
    sink = std::make_unique<TeeSink>(std::move(gzip_sink), std::move(csv_sink));
  } else {
    sink = gzip_sink ? std::move(gzip_sink) : std::move(csv_sink);
  }
  AsyncWriterConfig writer_config;
  writer_config.queue_capacity = config.queue_capacity;
  writer_config.max_queue_bytes = config.max_queue_bytes;
  return std::make_unique<AsyncWriter>(std::move(sink), writer_config);
}

// A connection's client: reconnects, stall, age and rollover as the config says.
inline transport::WsClientConfig ws_client_config(const RecorderConfig& config, std::string url) {
  transport::WsClientConfig ws_config;
  ws_config.url = std::move(url);
  ws_config.ca_file = config.ca_file;
  ws_config.stall_timeout = config.stall_timeout;
  // Stalled means no depth event of the streams (the frame handler marks them): pings and other
  // frames only prove that the socket lives.
  ws_config.stall_on_marked_data = true;
  ws_config.backoff.initial = config.backoff_initial;
  ws_config.backoff.max = config.backoff_max;
  ws_config.jitter_seed = config.jitter_seed;
  ws_config.max_connection_age = config.max_connection_age;
  ws_config.rollover = config.rollover;
  ws_config.rollover_timeout = config.rollover_timeout;
  ws_config.max_message_bytes = std::max<std::size_t>(16u << 20, config.max_frame_bytes * 2);
  return ws_config;
}

// metrics.json rest{...}: the scheduler's figures for the feed's budget.
inline RestState rest_state(const transport::RestScheduler::Stats& stats,
                            transport::RestBudgetId budget, const RecorderConfig& config) {
  RestState out;
  if (budget >= stats.budgets.size()) return out;
  const transport::RestBudgetStats& b = stats.budgets[budget];
  out.budget = b.name;
  out.window_ms = config.rest_weight_window.count();
  out.weight_limit = b.limit;
  out.weight_planned_limit = b.planned_limit;
  out.weight_initial_limit = b.initial_limit;
  out.weight_used = b.weight_used;
  out.queued_resync = b.queued[static_cast<std::size_t>(transport::RestPriority::resync)];
  out.queued_initial = b.queued[static_cast<std::size_t>(transport::RestPriority::initial)];
  out.queued_low = b.queued[static_cast<std::size_t>(transport::RestPriority::low)];
  out.requests = b.admitted;
  out.cancelled = b.cancelled;
  out.refused = b.refused;
  out.http_429 = b.http_429;
  out.http_418 = b.http_418;
  out.blocked_ms = b.blocked.count();
  out.blocked_remaining_ms = b.blocked_remaining.count();
  return out;
}

}  // namespace depthrec::session

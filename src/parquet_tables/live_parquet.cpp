#include "parquet_tables/live_parquet.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <system_error>
#include <utility>

#include "parquet_tables/live_book_line.hpp"

namespace depthrec::export_parquet {
namespace {

std::int64_t realtime_ns() {
  // The clock of the records' recv_ns, which the rotation periods are of.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

LiveParquet::LiveParquet(LiveParquetOptions options, std::size_t queue_capacity,
                         std::size_t max_queue_bytes) {
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error || ::access(options.dir.c_str(), W_OK) != 0) {
    startup_failed_ = true;
    notes_.push_back("parquet: cannot write to " + options.dir + ": " +
                     (error ? error.message() : std::string("not writable")) +
                     "; no Parquet files, the NDJSON recording goes on");
  } else {
    const LeftoverFiles leftovers = handle_leftover_temporaries(options.dir);
    partials_found_ = leftovers.partial.size();
    files_recovered_ = leftovers.recovered.size();
    for (const std::string& path : leftovers.recovered) {
      notes_.push_back(
          "parquet: " + path +
          ": recovered from a file an earlier run did not finish (crash): its rows "
          "up to the last full row group; the rest are in that run's NDJSON recording");
    }
    for (const std::string& path : leftovers.partial) {
      notes_.push_back("parquet: " + path +
                       ": a file an earlier run did not finish (crash) before its first row "
                       "group, renamed from .tmp; its rows are in that run's NDJSON recording");
    }
    for (const std::string& problem : leftovers.errors) notes_.push_back("parquet: " + problem);
  }
  auto sink = std::make_unique<LiveParquetSink>(std::move(options), realtime_ns);
  sink_ = sink.get();
  AsyncWriterConfig config;
  config.queue_capacity = queue_capacity;
  config.max_queue_bytes = max_queue_bytes;
  writer_ = std::make_unique<AsyncWriter>(std::move(sink), config);
}

LiveParquet::~LiveParquet() {
  stop();
}

void LiveParquet::offer(const std::string& line, const RecordContext& context, bool marker) {
  buffer_.assign(line);
  writer_->try_push(buffer_, stream_ids_.for_record(context),
                    marker ? AsyncWriter::Priority::marker : AsyncWriter::Priority::data);
}

void LiveParquet::offer_book(const TopOfBook& top) {
  if (!top.key) return;
  const RecordContext& context = stream_ids_.for_book(*top.key);
  book_.market.assign(to_string(top.key->market));
  book_.symbol = top.key->symbol;
  book_.sample_ns = top.sample_ns;
  book_.book_recv_ns = top.recv_ns;
  book_.update_id = top.final_id;
  book_.bids = top.bids;
  book_.asks = top.asks;
  buffer_.clear();
  append_book_line(buffer_, book_);
  writer_->try_push(buffer_, context, AsyncWriter::Priority::data);
}

void LiveParquet::stop() {
  writer_->stop();
}

ParquetSinkState LiveParquet::state() const {
  ParquetSinkState state = sink_->figures();
  const AsyncWriterStats queue = writer_->stats();
  state.dropped = queue.dropped;
  state.queue_depth = queue.queue_depth;
  state.partials_found = partials_found_;
  state.files_recovered = files_recovered_;
  if (state.last_error.empty() && startup_failed_ && !notes_.empty()) {
    state.last_error = notes_.front();
  }
  return state;
}

}  // namespace depthrec::export_parquet

// The recorder's --parquet output: a LiveParquetSink behind an AsyncWriter of its own (the NDJSON
// writer's bounded queue and worker thread), so Parquet encoding never runs on the network thread
// and a full queue drops and counts (writer_drop gap rows, as in the NDJSON recording) instead of
// waiting. The recorder offers it every record line beside the NDJSON writer.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/async_writer.hpp"
#include "depthrec/book_update_queue.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/records.hpp"
#include "parquet_tables/live_sink.hpp"
#include "parquet_tables/sink_stream_ids.hpp"

namespace depthrec::export_parquet {

class LiveParquet {
 public:
  // Recovers or renames a crashed run's leftovers (handle_leftover_temporaries) and starts the
  // worker. An unusable directory is not fatal: startup_notes() says why and its rows are refused.
  LiveParquet(LiveParquetOptions options, std::size_t queue_capacity, std::size_t max_queue_bytes);
  ~LiveParquet();
  LiveParquet(const LiveParquet&) = delete;
  LiveParquet& operator=(const LiveParquet&) = delete;

  // A copy of `line` (the caller's buffer goes on to the NDJSON writer); never waits on I/O.
  void offer(const std::string& line, const RecordContext& context, bool marker);
  // A book state sampled on the grid (TopOfBook::sample_ns, --parquet-book-every) as a row of
  // the `book` dataset: a book line (live_book_line.hpp) in the same queue. Its queue stream is
  // the depth stream's book, an id of its own (SinkStreamIds), so a drop is marked by a
  // writer_drop gap row naming that stream, as for any record.
  void offer_book(const TopOfBook& top);
  void stop();  // drains, closes every file, joins

  ParquetSinkState state() const;
  // Said once at start: the leftovers renamed, a directory that cannot be written.
  const std::vector<std::string>& startup_notes() const { return notes_; }
  bool startup_failed() const { return startup_failed_; }

 private:
  std::vector<std::string> notes_;
  bool startup_failed_ = false;
  std::uint64_t partials_found_ = 0;
  std::uint64_t files_recovered_ = 0;
  LiveParquetSink* sink_ = nullptr;  // owned by writer_
  std::unique_ptr<AsyncWriter> writer_;
  std::string buffer_;        // reused: try_push hands back a cleared buffer
  SinkStreamIds stream_ids_;  // records' and books' ids in this sink's own queue
  BookState book_;            // reused for each book line
};

}  // namespace depthrec::export_parquet

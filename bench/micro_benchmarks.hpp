// depthrec-bench: Google Benchmark micro-benchmarks on the real captures. One iteration is one
// depth event unless the name says otherwise (gzip_*: one ~1 MB batch of records), so the Time
// column reads as ns/event and items_per_second as events/s. Each registers one benchmark per
// market ("<name>/usdm", "<name>/spot"); the input is shared and read-only.
#pragma once

#include <memory>

#include "bench_input.hpp"

namespace depthrec::bench {

// parse, continuity, book_apply, sync_apply, record.
void register_step_benchmarks(const std::shared_ptr<const BenchInput>& input);
// gzip_encoder/level:N (compression only), gzip_sink/level:N (GzipRotatingSink into a temp dir).
void register_writer_benchmarks(const std::shared_ptr<const BenchInput>& input);
// gzip_segment_members, when DEPTHREC_BENCH_SEGMENT names a segment of a run
// (writer_benchmarks.cpp).
void register_segment_member_benchmarks();
// hot_path (the steps + AsyncWriter::try_push), hot_path_session (the recorder's FeedSession).
void register_hot_path_benchmarks(const std::shared_ptr<const BenchInput>& input);
// stream_router/<m>, stream_router_miss/<m>: a stream name to its StreamId among 3,000 keys
// (usdm: 1,500 symbols x depth@100ms + bookTicker; spot: 3,000 x depth@100ms), a hit or a miss.
void register_router_benchmarks(Market market, const char* market_name);
// The aggTrade path with no observer, a synchronous one, a queued one (observer_benchmarks.cpp).
void register_observer_benchmarks();

}  // namespace depthrec::bench

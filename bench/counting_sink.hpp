// A RecordSink that keeps nothing and counts what it was given: the writer end of the hot-path
// benchmarks, so that they measure the network thread's work and not compression or the disk
// (those have their own benchmarks). Counters are atomics: read from the benchmark thread while
// the writer's worker thread writes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "depthrec/record_sink.hpp"

namespace depthrec::bench {

struct SinkCounters {
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> lines{0};
  std::atomic<std::uint64_t> flushes{0};
};

class CountingSink final : public RecordSink {
 public:
  explicit CountingSink(std::shared_ptr<SinkCounters> counters) : counters_(std::move(counters)) {}

  SinkStatus write(std::string_view lines) override {
    std::uint64_t newlines = 0;
    for (char c : lines) newlines += c == '\n' ? 1 : 0;
    counters_->bytes.fetch_add(lines.size(), std::memory_order_relaxed);
    counters_->lines.fetch_add(newlines, std::memory_order_relaxed);
    return SinkStatus::success();
  }
  SinkStatus flush() override {
    counters_->flushes.fetch_add(1, std::memory_order_relaxed);
    return SinkStatus::success();
  }
  SinkStatus close() override { return flush(); }

 private:
  std::shared_ptr<SinkCounters> counters_;
};

}  // namespace depthrec::bench

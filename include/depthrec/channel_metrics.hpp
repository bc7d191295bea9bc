// The figures of one event-channel stream (trade, aggTrade...): what arrived, what continuity
// made of it, what was refused. Written on the network thread, read by any thread (metrics.json,
// the library's Recorder::metrics()): relaxed atomics, each figure exact on its own.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "depthrec/market.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

// --repair-trades (an aggTrade stream): its id gaps fetched from REST.
struct RepairFigures {
  std::uint64_t requested = 0;      // gaps whose repair was asked for
  std::uint64_t filled = 0;         // ... every id recorded from REST
  std::uint64_t partial = 0;        // ... some of them
  std::uint64_t failed = 0;         // ... none (the reason is in its gap_fill record)
  std::uint64_t requests = 0;       // REST requests sent
  std::uint64_t trades = 0;         // trades fetched and recorded (source rest)
  std::uint64_t answer_errors = 0;  // requests that failed or answered what cannot be read
  std::uint64_t ignored_ids = 0;    // answer ids outside the gap or already recorded
};

struct ChannelFigures {
  Market market = Market::usdm;
  std::string symbol;
  std::string stream;              // "btcusdt@aggTrade"
  std::string channel;             // "trade", "aggTrade"
  std::uint64_t frames = 0;        // routed to the stream
  std::uint64_t bytes = 0;         // of those frames
  std::uint64_t events = 0;        // recorded (first, next or after a gap)
  std::uint64_t gaps = 0;          // id jumps (one gap record each)
  std::uint64_t missing_ids = 0;   // ids the gaps skipped
  std::uint64_t duplicates = 0;    // the last id again (not recorded twice)
  std::uint64_t backwards = 0;     // an id below the last (not recorded)
  std::uint64_t other_symbol = 0;  // the payload named another symbol (not recorded)
  std::uint64_t parse_errors = 0;  // refused payloads, by kind below
  std::array<std::uint64_t, kParseErrorCount> parse_errors_by_kind{};
  RepairFigures repairs;
  std::optional<std::uint64_t> last_id;
  std::int64_t last_event_time_ms = 0;  // E of the last recorded event, 0 before one
  bool removed = false;                 // no longer recorded (set by the owner)
};

class ChannelMetrics {
 public:
  ChannelMetrics(Market market, std::string symbol, std::string stream, std::string channel);

  void record_frame(std::size_t bytes);
  void record_event(std::uint64_t id, std::int64_t event_time_ms);
  void record_gap(std::uint64_t missing);
  void record_duplicate() { duplicates_.fetch_add(1, std::memory_order_relaxed); }
  void record_backwards() { backwards_.fetch_add(1, std::memory_order_relaxed); }
  void record_other_symbol() { other_symbol_.fetch_add(1, std::memory_order_relaxed); }
  void record_parse_error(ParseError error);
  // --repair-trades
  void record_repair_requested() { add(repair_requested_, 1); }
  void record_repair_request() { add(repair_requests_, 1); }
  void record_repair_answer_error() { add(repair_answer_errors_, 1); }
  void record_repair_trades(std::uint64_t trades, std::uint64_t ignored_ids) {
    add(repair_trades_, trades);
    add(repair_ignored_ids_, ignored_ids);
  }
  void record_repair_filled() { add(repair_filled_, 1); }
  void record_repair_partial() { add(repair_partial_, 1); }
  void record_repair_failed() { add(repair_failed_, 1); }

  ChannelFigures figures() const;

 private:
  Market market_;
  std::string symbol_, stream_, channel_;
  std::atomic<std::uint64_t> frames_{0}, bytes_{0}, events_{0}, gaps_{0}, missing_ids_{0};
  std::atomic<std::uint64_t> duplicates_{0}, backwards_{0}, other_symbol_{0};
  std::array<std::atomic<std::uint64_t>, kParseErrorCount> parse_errors_{};
  std::atomic<std::uint64_t> repair_requested_{0}, repair_filled_{0}, repair_partial_{0},
      repair_failed_{0}, repair_requests_{0}, repair_trades_{0}, repair_answer_errors_{0},
      repair_ignored_ids_{0};
  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  std::atomic<bool> has_last_id_{false};
  std::atomic<std::uint64_t> last_id_{0};
  std::atomic<std::int64_t> last_event_time_ms_{0};
};

}  // namespace depthrec

// Book states (--book-levels N --book-every 100ms|event): the top N levels per side of every
// symbol's book, rebuilt by depthrec-replay's own verifier (VerifierSet: the recorder's
// BookSynchronizer, the same snapshot attribution and break handling), so there is one sync.
// Sampled on a receive-time grid (the book as it was after every item received at or before
// each multiple of the interval, UTC-aligned) or after every change of a valid book. A grid point
// in an interval where the book is not synced gets no row; the intervals are listed (unsynced()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/market.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/replay_reader.hpp"
#include "kline_check.hpp"
#include "parquet_tables/book_state.hpp"
#include "trade_id_check.hpp"
#include "verifier_set.hpp"

namespace depthrec::export_parquet {

struct BookStateOptions {
  std::size_t levels = 10;
  std::int64_t every_ns = 0;     // 0: a row after every change of a valid book
  std::optional<Market> market;  // for inputs that do not say (raw captures)
};

struct UnsyncedInterval {
  std::string market, symbol;
  std::int64_t begin_ns = 0, end_ns = 0;  // receive times, [begin, end)
};

class BookStates {
 public:
  using Sink = std::function<void(const BookState& state)>;
  BookStates(BookStateOptions options, Sink sink);

  // Every item, in recording order; what depthrec-replay gives its books reaches them (its
  // trade-id and kline checks take their items first, exactly as in depthrec-replay).
  void feed(const ReplayItem& item);
  // The grid points up to each stream's last item; then unsynced() is complete.
  void finish();
  const std::vector<UnsyncedInterval>& unsynced() const { return unsynced_; }

 private:
  struct Stream {
    bool valid = false;
    std::int64_t next_grid_ns = 0;  // the first grid point without a row yet
    BookState last;                 // the valid book's latest state
  };
  Stream& stream_of(const replay::ReplayReport& report);
  void on_book(const replay::ReplayReport& report, std::int64_t recv_ns, const OrderBook& book);
  void on_invalid(const replay::ReplayReport& report, std::int64_t recv_ns);
  // Rows for the grid points before `end_ns` (inclusive: `end_inclusive`) with the last state.
  void emit_grid(Stream& stream, std::int64_t end_ns, bool end_inclusive);

  BookStateOptions options_;
  Sink sink_;
  std::map<const replay::ReplayReport*, Stream> streams_;
  replay::TradeIdCheck trades_;
  replay::KlineCheck klines_;
  replay::VerifierSet verifiers_;
  std::vector<UnsyncedInterval> unsynced_;
};

}  // namespace depthrec::export_parquet

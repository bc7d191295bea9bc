// Ground truth from the exchange: a bookTicker carries Binance's own best bid/ask (price and qty)
// at update id u. Whenever the rebuilt book's last applied u equals a ticker's u, both must agree.
// Tickers may arrive before the depth event with their id (futures send them faster) or after it,
// so tickers ahead of the book wait, and recent book tops are kept for tickers that come late.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "depthrec/frame_parser.hpp"
#include "depthrec/order_book.hpp"

namespace depthrec::replay {

struct TickerMismatch {
  std::int64_t recv_ns = 0;  // when the ticker was received
  BookTicker ticker;         // symbol cleared
  std::optional<PriceLevel> book_bid;
  std::optional<PriceLevel> book_ask;
};

struct TickerTally {
  static constexpr std::size_t kMaxListedMismatches = 5;
  std::uint64_t total = 0;
  std::uint64_t matched = 0;
  std::uint64_t mismatched = 0;
  std::uint64_t skipped = 0;  // no valid book had exactly the ticker's id
  std::vector<TickerMismatch> first_mismatches;
};

class TickerCheck {
 public:
  void on_ticker(const BookTicker& ticker, std::int64_t recv_ns);
  // After every change of a valid book.
  void on_book(const OrderBook& book);
  // At the end: tickers still waiting never met their id.
  void finish();
  const TickerTally& tally() const { return tally_; }

 private:
  struct Top {
    std::uint64_t update_id = 0;
    std::optional<PriceLevel> bid;
    std::optional<PriceLevel> ask;
  };
  struct Waiting {
    BookTicker ticker;
    std::int64_t recv_ns = 0;
  };
  static constexpr std::size_t kHistory = 4096;  // recent book tops, for late tickers
  static constexpr std::size_t kMaxWaiting = 100'000;

  void compare(const BookTicker& ticker, std::int64_t recv_ns, const Top& top);
  const Top* find_recent(std::uint64_t update_id) const;

  std::vector<Top> history_;  // ring of the last kHistory tops
  std::size_t history_next_ = 0;
  std::optional<std::uint64_t> newest_id_;
  std::map<std::uint64_t, Waiting> waiting_;
  TickerTally tally_;
};

}  // namespace depthrec::replay

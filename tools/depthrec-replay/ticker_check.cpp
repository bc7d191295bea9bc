#include "ticker_check.hpp"

namespace depthrec::replay {

void TickerCheck::on_ticker(const BookTicker& ticker, std::int64_t recv_ns) {
  ++tally_.total;
  if (!newest_id_ || ticker.update_id > *newest_id_) {
    Waiting& waiting = waiting_[ticker.update_id];
    waiting.ticker = ticker;
    waiting.ticker.symbol = {};  // a view into the reader's line
    waiting.recv_ns = recv_ns;
    if (waiting_.size() > kMaxWaiting) {  // bounded: the oldest can no longer be checked
      waiting_.erase(waiting_.begin());
      ++tally_.skipped;
    }
    return;
  }
  if (const Top* top = find_recent(ticker.update_id)) {
    compare(ticker, recv_ns, *top);
  } else {
    ++tally_.skipped;
  }
}

void TickerCheck::on_book(const OrderBook& book) {
  Top top{book.last_update_id(), book.best_bid(), book.best_ask()};
  if (history_.size() < kHistory) {
    history_.push_back(top);
  } else {
    history_[history_next_] = top;
  }
  history_next_ = (history_next_ + 1) % kHistory;
  newest_id_ = top.update_id;
  while (!waiting_.empty() && waiting_.begin()->first <= top.update_id) {
    const Waiting& waiting = waiting_.begin()->second;
    if (waiting_.begin()->first == top.update_id) {
      compare(waiting.ticker, waiting.recv_ns, top);
    } else {
      ++tally_.skipped;  // the book went past this id without stopping on it
    }
    waiting_.erase(waiting_.begin());
  }
}

void TickerCheck::finish() {
  tally_.skipped += waiting_.size();
  waiting_.clear();
}

const TickerCheck::Top* TickerCheck::find_recent(std::uint64_t update_id) const {
  // Newest first: late tickers are usually only a few events behind.
  for (std::size_t i = 0; i < history_.size(); ++i) {
    const std::size_t index = (history_next_ + history_.size() - 1 - i) % history_.size();
    if (history_[index].update_id == update_id) return &history_[index];
  }
  return nullptr;
}

void TickerCheck::compare(const BookTicker& ticker, std::int64_t recv_ns, const Top& top) {
  const bool equal = top.bid && top.ask && top.bid->price == ticker.bid_price &&
                     top.bid->qty == ticker.bid_qty && top.ask->price == ticker.ask_price &&
                     top.ask->qty == ticker.ask_qty;
  if (equal) {
    ++tally_.matched;
    return;
  }
  ++tally_.mismatched;
  if (tally_.first_mismatches.size() < TickerTally::kMaxListedMismatches) {
    TickerMismatch mismatch{recv_ns, ticker, top.bid, top.ask};
    mismatch.ticker.symbol = {};
    tally_.first_mismatches.push_back(mismatch);
  }
}

}  // namespace depthrec::replay

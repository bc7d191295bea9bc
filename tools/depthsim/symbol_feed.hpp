// One symbol's synthetic market as the exchange runs it: the book, when it may generate, the
// faults waiting for its next events, and the recent updates the stale/reorder faults reuse.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "agg_trade_history.hpp"
#include "fault_plan.hpp"
#include "kline_tape.hpp"
#include "rpi_book.hpp"
#include "synthetic_book.hpp"
#include "trade_tape.hpp"

namespace depthsim {

class SymbolFeed {
 public:
  using Clock = std::chrono::steady_clock;

  SymbolFeed(Market market, const std::string& symbol, std::uint64_t seed, double rate,
             std::size_t trade_history = kDefaultTradeHistory);
  // Aggregate trades kept for the aggTrades REST query (--trade-history).
  static constexpr std::size_t kDefaultTradeHistory = 10000;

  // Events per second (0: as fast as subscribers read, --rate 0).
  double rate() const { return rate_; }

  // Listing status: TRADING generates; BREAK (delisted) stops generating and delivering and
  // shows BREAK in exchangeInfo; removed symbols are gone from exchangeInfo too.
  enum class Status { trading, halted, removed };
  // exchangeInfo's word for it: TRADING, BREAK; REMOVED (not listed) in /sim/stats only.
  static const char* status_name(Status status);
  Status status() const { return status_; }
  void set_status(Status status) { status_ = status; }
  bool trading() const { return status_ == Status::trading; }

  // Faults planned for this symbol's own event numbers (--fault KIND@N[/SYMBOLS]).
  FaultPlan& fault_plan() { return fault_plan_; }

  TradeTape& trades() { return trades_; }
  AggTradeHistory& agg_trade_history() { return agg_history_; }
  const AggTradeHistory& agg_trade_history() const { return agg_history_; }
  // Trade and aggTrade frames sent to every subscriber (the tests' sent == recorded checks), and
  // the last ids generated (sent or not).
  struct TradeCounts {
    std::uint64_t trades_sent = 0, agg_trades_sent = 0;
    std::uint64_t trades_generated = 0, agg_trades_generated = 0;
    std::uint64_t last_trade_id = 0, last_agg_trade_id = 0;
    std::uint64_t agg_trades_requests = 0;  // aggTrades REST queries answered
    std::uint64_t agg_trades_served = 0;    // aggregate trades in those answers
  };
  TradeCounts& trade_counts() { return trade_counts_; }
  const TradeCounts& trade_counts() const { return trade_counts_; }

  // The candles of each kline interval subscribed so far (one tape per interval).
  std::vector<KlineTape>& kline_tapes() { return kline_tapes_; }
  KlineTape& kline_tape(const std::string& interval, std::int64_t interval_ms);
  // Kline frames sent to every subscriber (updates of the open candle and closing ones).
  struct KlineCounts {
    std::uint64_t updates_sent = 0, closed_sent = 0, candles_closed = 0, candles_skipped = 0;
  };
  KlineCounts& kline_counts() { return kline_counts_; }
  // markPrice, forceOrder and bookTicker frames sent, when each markPrice speed and the last
  // forceOrder snapshot were sent, and the latest liquidation not sent yet.
  struct MarketEventCounts {
    std::uint64_t mark_prices_sent = 0, force_orders_sent = 0, book_tickers_sent = 0;
    std::int64_t last_mark_ms_3s = 0, last_mark_ms_1s = 0, last_force_order_ms = 0;
    std::optional<TradeGroup> pending_liquidation;
  };
  MarketEventCounts& market_event_counts() { return market_event_counts_; }
  const MarketEventCounts& market_event_counts() const { return market_event_counts_; }
  const KlineCounts& kline_counts() const { return kline_counts_; }

  // USD-M's RPI book, started from the normal book at its first use (an rpiDepth subscription
  // or snapshot): from then on every event of the normal book makes one of the RPI book.
  RpiBook& rpi();
  RpiBook* rpi_if_started() { return rpi_ ? &*rpi_ : nullptr; }
  const RpiBook* rpi_if_started() const { return rpi_ ? &*rpi_ : nullptr; }
  std::uint64_t& rpi_events_sent() { return rpi_events_sent_; }  // frames, every subscriber
  std::uint64_t rpi_events_sent() const { return rpi_events_sent_; }

  SyntheticBook& book() { return book_; }
  const SyntheticBook& book() const { return book_; }
  const std::string& symbol() const { return book_.spec().name; }

  // Generation state: a feed generates once started (at launch, or at its first subscriber with
  // --start-on-subscribe) until finished (--events / --duration-sec).
  bool started() const { return started_; }
  bool finished() const { return finished_; }
  void start(Clock::time_point now);
  void finish() { finished_ = true; }
  // Rate pacing: the number of events due by `now` at `rate` per second since the last rebase.
  std::uint64_t events_due(Clock::time_point now, double rate) const;
  Clock::time_point next_due_time(double rate) const;
  void rebase(Clock::time_point now);  // after a pause: what was not due is not owed

  // Faults injected through /sim/fault, applied one per upcoming event.
  void queue_fault(const StreamFault& fault) { queued_faults_.push_back(fault); }
  std::optional<StreamFault> next_queued_fault();

  // The last updates delivered, newest at the back (stale re-sends pick from here).
  void remember(const BookUpdate& update);
  std::optional<BookUpdate> update_from(std::size_t events_ago) const;

  // An update held back by a reorder fault, to be sent after the next one.
  std::optional<BookUpdate>& held_update() { return held_update_; }

  // bookTicker is sent when the top of book changed.
  bool top_changed_since_last_ticker();

 private:
  SyntheticBook book_;
  std::uint64_t rpi_seed_ = 0;
  std::optional<RpiBook> rpi_;
  std::uint64_t rpi_events_sent_ = 0;
  TradeTape trades_;
  AggTradeHistory agg_history_;
  TradeCounts trade_counts_;
  std::vector<KlineTape> kline_tapes_;
  KlineCounts kline_counts_;
  MarketEventCounts market_event_counts_;
  double rate_ = 0;
  Status status_ = Status::trading;
  FaultPlan fault_plan_;
  bool started_ = false;
  bool finished_ = false;
  Clock::time_point rate_base_time_;
  std::uint64_t rate_base_count_ = 0;
  std::deque<StreamFault> queued_faults_;
  std::deque<BookUpdate> recent_;
  std::optional<BookUpdate> held_update_;
  PriceLevel last_ticker_bid_{-1, -1};
  PriceLevel last_ticker_ask_{-1, -1};
};

}  // namespace depthsim

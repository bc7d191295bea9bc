// Ground truth: real Binance captures (DEPTHREC_REAL_DATA_DIR) re-synced from their REST snapshot
// must show no break, and the rebuilt book must equal every bookTicker whose update id is the
// book's last applied u (Binance's own best bid/ask at that id).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "depthrec/book_sync.hpp"
#include "depthrec/replay_reader.hpp"

namespace depthrec {
namespace {

struct RealRun {
  std::uint64_t depth_events = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t tickers = 0;
  std::uint64_t matched = 0;
  std::uint64_t mismatched = 0;
  std::uint64_t skipped = 0;  // no applied event had the ticker's id
  std::string first_mismatch;
  SyncCounters counters;
  std::uint64_t bad_lines = 0;
  bool synced_at_end = false;
  bool crossed_seen = false;
};

class TickerCheck {
 public:
  explicit TickerCheck(RealRun& run) : run_(run) {}

  void on_ticker(const BookTicker& ticker, const BookSynchronizer& sync) {
    ++run_.tickers;
    if (sync.book_valid() && ticker.update_id == sync.last_final_id()) {
      compare(ticker, sync.book());
    } else if (ticker.update_id > sync.last_final_id()) {
      BookTicker copy = ticker;
      copy.symbol = {};
      pending_[copy.update_id] = copy;  // the book has not reached this id yet
    } else {
      ++run_.skipped;
    }
  }
  // After the book moved: settle every pending ticker the book has reached or passed.
  void on_book(const BookSynchronizer& sync) {
    if (!sync.book_valid()) return;
    const std::uint64_t id = sync.last_final_id();
    while (!pending_.empty() && pending_.begin()->first <= id) {
      if (pending_.begin()->first == id) {
        compare(pending_.begin()->second, sync.book());
      } else {
        ++run_.skipped;
      }
      pending_.erase(pending_.begin());
    }
  }
  void finish() { run_.skipped += pending_.size(); }

 private:
  void compare(const BookTicker& ticker, const OrderBook& book) {
    const auto bid = book.best_bid();
    const auto ask = book.best_ask();
    const bool equal = bid && ask && bid->price == ticker.bid_price && bid->qty == ticker.bid_qty &&
                       ask->price == ticker.ask_price && ask->qty == ticker.ask_qty;
    if (equal) {
      ++run_.matched;
      return;
    }
    if (run_.mismatched++ == 0) {
      run_.first_mismatch = "u=" + std::to_string(ticker.update_id) + " ticker bid " +
                            to_string(ticker.bid_price) + " x " + to_string(ticker.bid_qty) +
                            ", book bid " + (bid ? to_string(bid->price) : std::string("-")) +
                            " x " + (bid ? to_string(bid->qty) : std::string("-"));
    }
  }

  RealRun& run_;
  std::map<std::uint64_t, BookTicker> pending_;
};

RealRun replay_real_file(const std::string& name, Market market) {
  RealRun run;
  std::string error;
  const auto reader = ReplayReader::open(std::string(DEPTHREC_REAL_DATA_DIR) + "/" + name, error);
  EXPECT_NE(reader, nullptr) << error;
  if (!reader) return run;
  BookSynchronizer sync(market);
  TickerCheck tickers(run);
  ReplayItem item;
  while (reader->next(item)) {
    switch (item.type) {
      case ReplayItemType::depth: {
        ++run.depth_events;
        sync.on_update(item.depth);
        tickers.on_book(sync);
        break;
      }
      case ReplayItemType::snapshot:
        ++run.snapshots;
        sync.on_snapshot(item.snapshot);
        tickers.on_book(sync);
        break;
      case ReplayItemType::ticker:
        tickers.on_ticker(item.ticker, sync);
        break;
      case ReplayItemType::marker:
      case ReplayItemType::other:
        break;
    }
    if (sync.book_valid() && sync.book().crossed()) run.crossed_seen = true;
  }
  tickers.finish();
  run.counters = sync.counters();
  run.bad_lines = reader->stats().bad_lines;
  run.synced_at_end = sync.book_valid();
  return run;
}

void expect_consistent(const RealRun& run, std::uint64_t expected_events) {
  EXPECT_EQ(run.bad_lines, 0u);
  EXPECT_EQ(run.depth_events, expected_events);
  EXPECT_EQ(run.snapshots, 1u);
  EXPECT_EQ(run.counters.gaps, 0u);
  EXPECT_EQ(run.counters.syncs, 1u);
  EXPECT_EQ(run.counters.snapshots_rejected, 0u);
  EXPECT_EQ(run.counters.applied + run.counters.dropped_stale, expected_events);
  EXPECT_TRUE(run.synced_at_end);
  EXPECT_FALSE(run.crossed_seen);
  EXPECT_GT(run.matched, 100u);
  EXPECT_EQ(run.mismatched, 0u) << run.first_mismatch;
  EXPECT_EQ(run.matched + run.mismatched + run.skipped, run.tickers);
}

TEST(RealData, UsdmSyncsWithoutBreaksAndMatchesEveryBookTicker) {
  const RealRun run = replay_real_file("usdm_btcusdt_20240718.gz", Market::usdm);
  expect_consistent(run, 3326);
  std::printf(
      "usdm: %llu events, %llu applied, %llu dropped stale; tickers %llu: %llu matched, "
      "%llu skipped\n",
      static_cast<unsigned long long>(run.depth_events),
      static_cast<unsigned long long>(run.counters.applied),
      static_cast<unsigned long long>(run.counters.dropped_stale),
      static_cast<unsigned long long>(run.tickers), static_cast<unsigned long long>(run.matched),
      static_cast<unsigned long long>(run.skipped));
}

TEST(RealData, SpotSyncsWithoutBreaksAndMatchesEveryBookTicker) {
  const RealRun run = replay_real_file("spot_btcusdt_20240808.gz", Market::spot);
  expect_consistent(run, 3451);
  std::printf(
      "spot: %llu events, %llu applied, %llu dropped stale; tickers %llu: %llu matched, "
      "%llu skipped\n",
      static_cast<unsigned long long>(run.depth_events),
      static_cast<unsigned long long>(run.counters.applied),
      static_cast<unsigned long long>(run.counters.dropped_stale),
      static_cast<unsigned long long>(run.tickers), static_cast<unsigned long long>(run.matched),
      static_cast<unsigned long long>(run.skipped));
}

}  // namespace
}  // namespace depthrec

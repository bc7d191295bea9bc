// Every line of both real recordings through the parsers, and the order book rebuilt from the
// snapshot and the diffs checked against Binance's own bookTicker (ground truth).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <ostream>
#include <string>

#include "depthrec/frame_parser.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/snapshot.hpp"
#include "real_recording.hpp"

namespace depthrec {
namespace {

using depthrec::testing::read_recording;
using depthrec::testing::real_data_path;

struct Recording {
  const char* file;
  bool futures;
  std::string_view stream;
  std::size_t depth_updates, book_tickers, trades;
  std::uint64_t snapshot_id;
};

const Recording kRecordings[] = {
    {"usdm_btcusdt_20240718.gz", true, "btcusdt@depth@0ms", 3326, 7113, 974, 4984028384061},
    {"spot_btcusdt_20240808.gz", false, "btcusdt@depth@100ms", 3451, 28040, 9757, 50093239218},
};

void PrintTo(const Recording& rec, std::ostream* os) {
  *os << rec.file;
}

class RealData : public ::testing::TestWithParam<Recording> {};

bool points_into(std::string_view view, const std::string& text) {
  return view.data() >= text.data() && view.data() + view.size() <= text.data() + text.size();
}

TEST_P(RealData, EveryLineParsesWithTheExpectedCounts) {
  const Recording& rec = GetParam();
  FrameParser parser;
  Frame frame;
  DepthSnapshot spans;  // the raw b/a arrays re-parsed on their own
  std::size_t depth = 0, tickers = 0, trades = 0, snapshots = 0;
  std::uint64_t prev_final = 0;
  const auto lines = read_recording(real_data_path(rec.file));
  for (const auto& line : lines) {
    ASSERT_EQ(parser.parse(line.json, frame), ParseError::none) << line.json.substr(0, 200);
    switch (frame.type) {
      case FrameType::depth_update: {
        ++depth;
        const DepthUpdate& d = frame.depth;
        EXPECT_EQ(frame.stream, rec.stream);
        EXPECT_EQ(d.kind, DepthKind::diff);
        EXPECT_EQ(d.symbol, "BTCUSDT");
        EXPECT_EQ(d.has_prev_final_id, rec.futures);
        EXPECT_LE(d.first_id, d.final_id);
        if (prev_final != 0) {  // the README: contiguous
          if (rec.futures) {
            EXPECT_EQ(d.prev_final_id, prev_final);
          } else {
            EXPECT_EQ(d.first_id, prev_final + 1);
          }
        }
        prev_final = d.final_id;
        ASSERT_TRUE(points_into(d.bids_json, line.json));
        ASSERT_TRUE(points_into(d.asks_json, line.json));
        const std::string body = "{\"lastUpdateId\":1,\"bids\":" + std::string(d.bids_json) +
                                 ",\"asks\":" + std::string(d.asks_json) + "}";
        ASSERT_EQ(parse_snapshot(body, spans), ParseError::none) << body;
        ASSERT_EQ(spans.bids, d.bids);
        ASSERT_EQ(spans.asks, d.asks);
        ASSERT_EQ(spans.bids_json, d.bids_json);
        break;
      }
      case FrameType::book_ticker:
        ++tickers;
        EXPECT_EQ(frame.ticker.symbol, "BTCUSDT");
        EXPECT_LT(frame.ticker.bid_price, frame.ticker.ask_price);
        EXPECT_EQ(frame.ticker.event_time_ms != 0, rec.futures);
        break;
      case FrameType::other_event:
        trades += frame.event_type == "trade";
        break;
      case FrameType::spot_partial_depth:  // the REST snapshot line
        ++snapshots;
        EXPECT_EQ(frame.depth.final_id, rec.snapshot_id);
        EXPECT_EQ(frame.depth.bids.size(), 1000u);
        break;
      default:
        ADD_FAILURE() << "unexpected frame type in " << line.json.substr(0, 200);
    }
  }
  EXPECT_EQ(depth, rec.depth_updates);
  EXPECT_EQ(tickers, rec.book_tickers);
  EXPECT_EQ(trades, rec.trades);
  EXPECT_EQ(snapshots, 1u);
  EXPECT_EQ(depth + tickers + trades + snapshots, lines.size());
}

TEST_P(RealData, SnapshotLineParsesAsASnapshot) {
  const Recording& rec = GetParam();
  DepthSnapshot snapshot;
  std::size_t found = 0;
  for (const auto& line : read_recording(real_data_path(rec.file))) {
    if (line.json.rfind("{\"lastUpdateId\"", 0) != 0) continue;
    ++found;
    ASSERT_EQ(parse_snapshot(line.json, snapshot), ParseError::none);
    EXPECT_EQ(snapshot.last_update_id, rec.snapshot_id);
    EXPECT_EQ(snapshot.event_time_ms != 0, rec.futures);
    EXPECT_EQ(snapshot.transaction_time_ms != 0, rec.futures);
    ASSERT_EQ(snapshot.bids.size(), 1000u);
    ASSERT_EQ(snapshot.asks.size(), 1000u);
    EXPECT_LT(snapshot.bids.front().price, snapshot.asks.front().price);
    EXPECT_GT(snapshot.bids.front().price, snapshot.bids.back().price);  // best first
    EXPECT_TRUE(points_into(snapshot.bids_json, line.json));
    EXPECT_EQ(snapshot.bids_json.front(), '[');
    EXPECT_EQ(snapshot.asks_json.back(), ']');
    EXPECT_EQ(snapshot.asks_json.size() + 1,
              line.json.size() - (snapshot.asks_json.data() - line.json.data()));
  }
  EXPECT_EQ(found, 1u);
}

// Snapshot + diffs with Binance's join rules, then the book's best bid/ask must equal every
// bookTicker whose update id equals the book's. A ticker often arrives before the diff that ends
// on its id (spot diffs are 100 ms batches), so tickers wait until the book reaches their id.
// Exercises Decimal, FrameParser and OrderBook together against the exchange's ground truth.
TEST_P(RealData, RebuiltBookAgreesWithBookTicker) {
  const Recording& rec = GetParam();
  const auto lines = read_recording(real_data_path(rec.file));
  FrameParser parser;
  Frame frame;
  DepthSnapshot snapshot;
  for (const auto& line : lines) {
    if (line.json.rfind("{\"lastUpdateId\"", 0) == 0) {
      ASSERT_EQ(parse_snapshot(line.json, snapshot), ParseError::none);
    }
  }
  OrderBook book;
  book.load(snapshot);
  const std::uint64_t id = snapshot.last_update_id;
  bool joined = false;
  std::map<std::uint64_t, BookTicker> waiting;  // by update id
  std::size_t applied = 0, compared = 0;
  const auto compare_waiting = [&] {
    for (auto it = waiting.begin(); it != waiting.end() && it->first <= book.last_update_id();) {
      if (it->first == book.last_update_id()) {
        ++compared;
        const BookTicker& t = it->second;
        EXPECT_EQ(*book.best_bid(), (PriceLevel{t.bid_price, t.bid_qty})) << "u=" << it->first;
        EXPECT_EQ(*book.best_ask(), (PriceLevel{t.ask_price, t.ask_qty})) << "u=" << it->first;
      }
      it = waiting.erase(it);
    }
  };
  for (const auto& line : lines) {
    ASSERT_EQ(parser.parse(line.json, frame), ParseError::none);
    if (frame.type == FrameType::book_ticker) {
      waiting.emplace(frame.ticker.update_id, frame.ticker);
      if (joined) compare_waiting();
    }
    if (frame.type != FrameType::depth_update) continue;
    const DepthUpdate& d = frame.depth;
    if (!joined) {
      const bool stale = rec.futures ? d.final_id < id : d.final_id <= id;
      if (stale) continue;
      const std::uint64_t target = rec.futures ? id : id + 1;
      ASSERT_TRUE(d.first_id <= target && target <= d.final_id) << "no join event";
      joined = true;
    }
    book.apply(d);
    ++applied;
    ASSERT_FALSE(book.crossed()) << "after u=" << d.final_id;
    compare_waiting();
  }
  EXPECT_GT(applied, 3000u);
  EXPECT_GT(compared, 100u) << "too few tickers with matching ids to prove anything";
  std::printf("[ info ] %s: %zu diffs applied, %zu bookTickers matched exactly\n", rec.file,
              applied, compared);
}

INSTANTIATE_TEST_SUITE_P(BothMarkets, RealData, ::testing::ValuesIn(kRecordings),
                         [](const auto& info) { return info.param.futures ? "usdm" : "spot"; });

}  // namespace
}  // namespace depthrec

// Several symbols at once: each book update reaches its own key's calculator (never another
// symbol's), a break of one book flags that symbol's window only, and the hand-off of windows
// stays bounded whatever the number of symbols.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "depthrec/order_book.hpp"
#include "ofi_streams.hpp"
#include "ofi_test_support.hpp"
#include "window_mailbox.hpp"

namespace depthrec::ofi::test {
namespace {

// One symbol's book, fed futures diffs that continue each other.
struct FakeFeed {
  explicit FakeFeed(StreamKey stream_key) : key(std::move(stream_key)) {}

  StreamKey key;
  OrderBook book;
  std::uint64_t last_id = 10;

  // Applies a diff of one bid and one ask and hands it to `streams` as the recorder would.
  void send(OfiStreams& streams, std::int64_t event_ms, const std::string& bid,
            const std::string& bid_qty, const std::string& ask, const std::string& ask_qty,
            bool synced = true) {
    DepthUpdate update;
    update.symbol = key.symbol;
    update.first_id = last_id + 1;
    update.final_id = last_id + 1;
    update.prev_final_id = last_id;
    update.has_prev_final_id = true;
    update.event_time_ms = event_ms;
    update.bids = levels({{bid, bid_qty}});
    update.asks = levels({{ask, ask_qty}});
    book.apply(update);
    streams.on_book(BookUpdate{key, update, book, event_ms * 1'000'000, synced});
    last_id = update.final_id;
  }
};

struct StreamCollected {
  std::map<std::size_t, std::vector<OfiWindow>> windows;  // by stream index
  OfiStreams::StreamWindowSink sink() {
    return [this](std::size_t stream, const OfiWindow& w) { windows[stream].push_back(w); };
  }
};

OfiConfig stream_time_windows(std::int64_t ms) {
  OfiConfig config;
  config.levels = 1;
  config.window_ms = ms;
  return config;
}

TEST(OfiStreams, EachUpdateReachesTheCalculatorOfItsKeyOnly) {
  StreamCollected out;
  OfiStreams streams(
      stream_time_windows(1000),
      {{Market::usdm, "BTCUSDT"}, {Market::usdm, "ETHUSDT"}, {Market::spot, "BTCUSDT"}},
      out.sink());
  FakeFeed btc{StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}};
  FakeFeed eth{StreamKey{Market::usdm, "ETHUSDT", "ethusdt@depth@100ms"}};
  FakeFeed spot_btc{StreamKey{Market::spot, "BTCUSDT", "btcusdt@depth@100ms"}};  // same stream name
  // Interleaved as a shared connection delivers them. BTCUSDT's bid grows by 2 (OFI +2),
  // ETHUSDT's ask grows by 3 (OFI -3), spot BTCUSDT's bid shrinks by 1 (OFI -1).
  btc.send(streams, 1000, "100", "1", "101", "1");
  eth.send(streams, 1000, "10", "5", "11", "1");
  spot_btc.send(streams, 1000, "100", "4", "101", "1");
  btc.send(streams, 1100, "100", "3", "101", "1");
  eth.send(streams, 1100, "10", "5", "11", "4");
  spot_btc.send(streams, 1100, "100", "3", "101", "1");
  streams.finish();

  ASSERT_EQ(out.windows.size(), 3u);
  const double expected[] = {2.0, -3.0, -1.0};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(to_string(streams.stream(i)));
    ASSERT_EQ(out.windows[i].size(), 1u);
    EXPECT_EQ(out.windows[i][0].events, 2u) << "its own two states, none of the others'";
    EXPECT_EQ(out.windows[i][0].transitions, 1u);
    EXPECT_EQ(out.windows[i][0].ofi, expected[i]);
    EXPECT_FALSE(out.windows[i][0].gap);
  }
  EXPECT_EQ(streams.total_counters().states, 6u);
  EXPECT_EQ(streams.unknown_updates(), 0u);
}

TEST(OfiStreams, ABreakOfOneBookFlagsThatSymbolsWindowOnly) {
  StreamCollected out;
  OfiStreams streams(stream_time_windows(1000),
                     {{Market::usdm, "BTCUSDT"}, {Market::usdm, "ETHUSDT"}}, out.sink());
  FakeFeed btc{StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}};
  FakeFeed eth{StreamKey{Market::usdm, "ETHUSDT", "ethusdt@depth@100ms"}};
  btc.send(streams, 1000, "100", "1", "101", "1");
  eth.send(streams, 1000, "10", "5", "11", "1");
  eth.send(streams, 1100, "10", "6", "11", "1", /*synced=*/false);  // the break's one callback
  eth.last_id += 50;  // the resynced book's next update does not continue the chain
  btc.send(streams, 1200, "100", "2", "101", "1");
  eth.send(streams, 1300, "10", "7", "11", "1");
  streams.finish();

  ASSERT_EQ(out.windows[0].size(), 1u);
  ASSERT_EQ(out.windows[1].size(), 1u);
  EXPECT_FALSE(out.windows[0][0].gap) << "BTCUSDT's chain is whole";
  EXPECT_EQ(out.windows[0][0].transitions, 1u);
  EXPECT_TRUE(out.windows[1][0].gap);
  EXPECT_EQ(out.windows[1][0].skipped, 1u);
  EXPECT_EQ(out.windows[1][0].transitions, 0u) << "no OFI spans ETHUSDT's gap";
  EXPECT_EQ(streams.calculator(0).counters().breaks, 0u);
  EXPECT_EQ(streams.calculator(1).counters().breaks, 1u);
}

TEST(OfiStreams, AnUpdateOfAKeyNotRequestedIsCountedAndIgnored) {
  StreamCollected out;
  OfiStreams streams(stream_time_windows(1000),
                     {{Market::usdm, "BTCUSDT"}, {Market::usdm, "ETHUSDT"}}, out.sink());
  FakeFeed other{StreamKey{Market::coinm, "BTCUSDT", "btcusd_perp@depth"}};
  other.send(streams, 1000, "100", "1", "101", "1");
  streams.finish();
  EXPECT_EQ(streams.unknown_updates(), 1u);
  EXPECT_TRUE(out.windows.empty());
}

TEST(OfiStreams, NoStreamOrAStreamTwiceIsRefused) {
  StreamCollected out;
  EXPECT_THROW(OfiStreams(stream_time_windows(1000), {}, out.sink()), std::invalid_argument);
  EXPECT_THROW(OfiStreams(stream_time_windows(1000),
                          {{Market::usdm, "BTCUSDT"}, {Market::usdm, "BTCUSDT"}}, out.sink()),
               std::invalid_argument);
  EXPECT_NO_THROW(OfiStreams(stream_time_windows(1000),
                             {{Market::usdm, "BTCUSDT"}, {Market::spot, "BTCUSDT"}}, out.sink()));
}

TEST(WindowMailbox, StaysBoundedWithManySymbolsAndCountsDropsPerSymbol) {
  constexpr std::size_t kSymbols = 1000;
  WindowMailbox mailbox(100, kSymbols);
  OfiWindow window;
  window.mlofi.assign(5, 1.0);
  for (std::size_t round = 0; round < 3; ++round)
    for (std::size_t s = 0; s < kSymbols; ++s) mailbox.push(s, window);
  EXPECT_EQ(mailbox.dropped(), 3 * kSymbols - 100);
  EXPECT_EQ(mailbox.dropped(0), 2u) << "symbol 0's first window fitted";
  EXPECT_EQ(mailbox.dropped(kSymbols - 1), 3u);
  const auto taken = mailbox.take(std::chrono::milliseconds(0));
  ASSERT_EQ(taken.size(), 100u);
  for (std::size_t i = 0; i < taken.size(); ++i) EXPECT_EQ(taken[i].stream, i);
  EXPECT_TRUE(mailbox.take(std::chrono::milliseconds(0)).empty());
}

}  // namespace
}  // namespace depthrec::ofi::test

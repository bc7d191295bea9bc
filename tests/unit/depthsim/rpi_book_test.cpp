// depthsim's RPI book (rpi_book.hpp): the normal book's levels with RPI quantity added at some,
// never a level the normal book lacks; its events chain by their own ids (pu == previous u) and,
// applied in order to its starting book, rebuild it exactly.
#include <gtest/gtest.h>

#include "rpi_book.hpp"
#include "stream_name.hpp"
#include "synthetic_book.hpp"

namespace depthsim {
namespace {

TEST(RpiBook, FollowsTheNormalBookWithRpiQuantityAndChainsItsOwnIds) {
  SyntheticBook normal(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 7);
  RpiBook rpi(normal.book(), 11);
  LevelBook rebuilt = rpi.book();  // what a client holding its snapshot rebuilds
  std::uint64_t last_u = rpi.book().last_update_id();
  EXPECT_NE(last_u, normal.book().last_update_id());
  std::size_t with_rpi = 0;
  for (int i = 0; i < 3000; ++i) {
    const BookUpdate update = normal.next();
    const BookUpdate event = rpi.next(update, normal.book());
    ASSERT_EQ(event.prev_last_id, last_u);
    ASSERT_EQ(event.first_id, last_u + 1);
    ASSERT_GE(event.last_id, event.first_id);
    last_u = event.last_id;
    rebuilt.apply(event);
  }
  rebuilt.set_last_update_id(last_u);
  EXPECT_TRUE(rebuilt == rpi.book());
  // Every RPI level is a normal level with at least its quantity, and the reverse.
  for (const bool is_bid : {true, false}) {
    const auto levels = is_bid ? rpi.book().top_bids(0) : rpi.book().top_asks(0);
    ASSERT_EQ(levels.size(), normal.book().size(is_bid));
    for (const PriceLevel& level : levels) {
      const std::int64_t normal_qty = normal.book().qty_at(is_bid, level.price);
      ASSERT_GT(normal_qty, 0) << level.price;
      ASSERT_GE(level.qty, normal_qty) << level.price;
      with_rpi += level.qty > normal_qty;
    }
  }
  EXPECT_GT(with_rpi, 0u) << "some levels carry RPI quantity";
  EXPECT_FALSE(rpi.book().is_crossed());
}

TEST(RpiBook, StreamIsUsdmOnlyAt500ms) {
  const auto usdm = parse_stream_name("btcusdt@rpiDepth@500ms", Market::usdm);
  ASSERT_TRUE(usdm);
  EXPECT_EQ(usdm->kind, StreamKind::rpi_depth);
  EXPECT_EQ(usdm->symbol, "BTCUSDT");
  EXPECT_FALSE(parse_stream_name("btcusdt@rpiDepth@500ms", Market::spot));
  EXPECT_FALSE(parse_stream_name("btcusd_perp@rpiDepth@500ms", Market::coinm));
  EXPECT_FALSE(parse_stream_name("btcusdt@rpiDepth", Market::usdm));
  EXPECT_FALSE(parse_stream_name("btcusdt@rpiDepth@100ms", Market::usdm));
}

}  // namespace
}  // namespace depthsim

// --list-after / --delist-after: [MARKET:]SYMBOL@SECONDS[:remove].
#include "listing_schedule.hpp"

#include <gtest/gtest.h>

namespace depthsim {
namespace {

TEST(ListingSchedule, ParsesSymbolMarketTimeAndRemove) {
  std::string error;
  const auto listing = parse_scheduled_listing("newusdt@2.5", true, error);
  ASSERT_TRUE(listing) << error;
  EXPECT_TRUE(listing->list);
  EXPECT_EQ(listing->symbol, "NEWUSDT");
  EXPECT_FALSE(listing->market);
  EXPECT_DOUBLE_EQ(listing->after_sec, 2.5);
  const auto delisting = parse_scheduled_listing("coinm:ETHUSD_PERP@10:remove", false, error);
  ASSERT_TRUE(delisting) << error;
  EXPECT_FALSE(delisting->list);
  EXPECT_TRUE(delisting->remove);
  EXPECT_EQ(delisting->market, Market::coinm);
  EXPECT_EQ(delisting->symbol, "ETHUSD_PERP");
  for (const char* bad : {"", "BTCUSDT", "BTCUSDT@", "BTCUSDT@x", "BTCUSDT@-1", "mars:BTC@1",
                          "../x@1", "BTCUSDT@1:remove"}) {
    EXPECT_FALSE(parse_scheduled_listing(bad, true, error)) << bad;
    EXPECT_NE(error.find("--list-after"), std::string::npos);
  }
}

}  // namespace
}  // namespace depthsim

#include "plan/stream_requests.hpp"

#include <gtest/gtest.h>

#include "unit/plan/plan_test_support.hpp"

namespace depthrec::plan {
namespace {

using test::binance_rules;
using test::market_keys;

TEST(StreamRequests, BatchesManyStreamsPerMessageWithRisingIds) {
  const auto rules = binance_rules();
  ConnectionPlanner planner(rules);
  StreamRequestBuilder builder(rules, 200);
  const PlanChange added = planner.add(market_keys(Market::spot, 0, 450, false));
  const std::vector<StreamRequest> requests = builder.build(planner.table(), added);
  ASSERT_EQ(requests.size(), 3u);
  std::size_t streams = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].id, i + 1);
    EXPECT_EQ(requests[i].method, venues::StreamMethod::subscribe);
    EXPECT_EQ(requests[i].connection, added.opened[0]);
    streams += requests[i].streams.size();
  }
  EXPECT_EQ(requests[0].streams.size(), 200u);
  EXPECT_EQ(requests[2].streams.size(), 50u);
  EXPECT_EQ(streams, 450u);
  EXPECT_EQ(
      requests[0].text.rfind(
          R"({"method":"SUBSCRIBE","params":["s0000usdt@depth@100ms","s0001usdt@depth@100ms",)", 0),
      0u);
  EXPECT_NE(requests[2].text.find(R"("s0449usdt@depth@100ms"],"id":3})"), std::string::npos);

  // A delisting: UNSUBSCRIBE with the next id, naming the removed stream.
  const PlanChange removed = planner.remove(market_keys(Market::spot, 7, 1, false));
  const std::vector<StreamRequest> unsubscribe = builder.build(planner.table(), removed);
  ASSERT_EQ(unsubscribe.size(), 1u);
  EXPECT_EQ(unsubscribe[0].text,
            R"({"method":"UNSUBSCRIBE","params":["s0007usdt@depth@100ms"],"id":4})");
}

TEST(StreamRequests, OneStreamPerMessageAtTheSmallestSetting) {
  const auto rules = binance_rules();
  ConnectionPlanner planner(rules);
  StreamRequestBuilder builder(rules, 0);  // clamped to 1
  const auto requests =
      builder.build(planner.table(), planner.add(market_keys(Market::usdm, 0, 3, true)));
  EXPECT_EQ(requests.size(), 6u);
}

}  // namespace
}  // namespace depthrec::plan

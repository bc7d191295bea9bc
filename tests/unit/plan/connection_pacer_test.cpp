// New connections on a fake clock: at most 240 (300 less a 20 % margin) in any 5 minutes.
#include "plan/connection_pacer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "venues/binance/binance_limits.hpp"

namespace depthrec::plan {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using TimePoint = PaceClock::time_point;

TEST(ConnectionPacer, ReconnectStormStaysUnderBinancesLimitInEveryWindow) {
  const venues::ConnectionLimits limits = venues::binance::connection_limits(Market::spot);
  ConnectionPacer pacer(limits.max_new_connections, limits.new_connection_window);
  EXPECT_EQ(pacer.budget(), 240);
  // A recorder that would reconnect every 100 ms for 30 minutes.
  std::vector<TimePoint> opened;
  for (TimePoint now{}; now < TimePoint{} + minutes(30); now += milliseconds(100)) {
    if (pacer.may_open(now).send_now) {
      pacer.on_opened(now);
      opened.push_back(now);
    }
  }
  std::size_t most = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < opened.size(); ++last) {
    while (opened[last] - opened[first] >= minutes(5)) ++first;
    most = std::max(most, last - first + 1);
  }
  EXPECT_EQ(most, 240u);  // the budget, used in full, never more (Binance: 300)
  EXPECT_EQ(opened.size(), 240u * 6);
}

TEST(ConnectionPacer, SaysWhenTheNextConnectionMayOpen) {
  ConnectionPacer pacer(5, std::chrono::seconds(10));  // budget 4 in any 10 s
  const TimePoint start{};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pacer.may_open(start + milliseconds(i)).send_now);
    pacer.on_opened(start + milliseconds(i));
  }
  const PaceDecision wait = pacer.may_open(start + milliseconds(5));
  EXPECT_FALSE(wait.send_now);
  EXPECT_EQ(wait.not_before, start + std::chrono::seconds(10));
  EXPECT_TRUE(pacer.may_open(wait.not_before).send_now);
}

}  // namespace
}  // namespace depthrec::plan

#include "transport/backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace depthrec::transport {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsGeometricallyUpToTheCap) {
  Backoff backoff({milliseconds(100), milliseconds(1000), 2.0, 0.0}, 1);
  std::vector<milliseconds> delays;
  for (int i = 0; i < 7; ++i) delays.push_back(backoff.next());
  const std::vector<milliseconds> expected{
      milliseconds(100),  milliseconds(200),  milliseconds(400), milliseconds(800),
      milliseconds(1000), milliseconds(1000), milliseconds(1000)};
  EXPECT_EQ(delays, expected);
  EXPECT_EQ(backoff.attempts(), 7);
}

TEST(Backoff, JitterStaysWithinItsBoundsAndVaries) {
  Backoff backoff({milliseconds(1000), milliseconds(1'000'000), 1.0, 0.2}, 42);
  milliseconds lowest = milliseconds::max(), highest = milliseconds::zero();
  for (int i = 0; i < 2000; ++i) {
    const milliseconds d = backoff.next();
    ASSERT_GE(d, milliseconds(800));
    ASSERT_LE(d, milliseconds(1200));
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  EXPECT_LT(lowest, milliseconds(850));  // the whole range is used, not one value
  EXPECT_GT(highest, milliseconds(1150));
}

TEST(Backoff, JitteredDelaysNeverExceedTheCap) {
  Backoff backoff({milliseconds(100), milliseconds(1000), 3.0, 0.5}, 3);
  for (int i = 0; i < 200; ++i) ASSERT_LE(backoff.next(), milliseconds(1000));
}

TEST(Backoff, ResetStartsFromTheInitialDelay) {
  Backoff backoff({milliseconds(50), milliseconds(5000), 2.0, 0.0}, 1);
  backoff.next();
  backoff.next();
  EXPECT_EQ(backoff.next(), milliseconds(200));
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0);
  EXPECT_EQ(backoff.next(), milliseconds(50));
}

TEST(Backoff, SameSeedSameSequenceOtherSeedOtherSequence) {
  const BackoffConfig config{milliseconds(250), milliseconds(30000), 2.0, 0.2};
  Backoff a(config, 99), b(config, 99), c(config, 100);
  std::vector<milliseconds> sa, sb, sc;
  for (int i = 0; i < 10; ++i) {
    sa.push_back(a.next());
    sb.push_back(b.next());
    sc.push_back(c.next());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(Backoff, NonsenseSettingsAreClampedNotFatal) {
  Backoff backoff({milliseconds(-5), milliseconds(-10), -3.0, 7.0}, 1);
  for (int i = 0; i < 100; ++i) {
    const milliseconds d = backoff.next();
    ASSERT_GE(d, milliseconds(0));
    ASSERT_LE(d, milliseconds(1));
  }
  Backoff many({milliseconds(1), milliseconds(60000), 10.0, 0.0}, 1);
  for (int i = 0; i < 5000; ++i) ASSERT_LE(many.next(), milliseconds(60000));  // no overflow
  EXPECT_EQ(many.next(), milliseconds(60000));
}

}  // namespace
}  // namespace depthrec::transport

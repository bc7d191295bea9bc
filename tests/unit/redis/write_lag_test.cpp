// The sink's write-lag histogram (write_lag.hpp): quantiles to its 10 us buckets, the exact
// maximum, negative lags (clock steps) as 0, lags beyond its range in the last bucket.
#include <gtest/gtest.h>

#include "redis/write_lag.hpp"

namespace depthrec::redis {
namespace {

TEST(WriteLagHistogram, QuantilesToTheBucketAndTheExactMaximum) {
  WriteLagHistogram lag;
  EXPECT_EQ(lag.quantile_ns(0.99), 0);
  for (int i = 0; i < 98; ++i) lag.record(105'000);  // bucket [100, 110) us
  lag.record(1'234'567);                             // 1.23 ms
  lag.record(3'000'000);
  EXPECT_EQ(lag.count(), 100u);
  EXPECT_EQ(lag.quantile_ns(0.50), 110'000);
  EXPECT_EQ(lag.quantile_ns(0.98), 110'000);
  EXPECT_EQ(lag.quantile_ns(0.99), 1'240'000);
  EXPECT_EQ(lag.quantile_ns(1.0), 3'000'000) << "capped at the maximum";
  EXPECT_EQ(lag.max_ns(), 3'000'000);
}

TEST(WriteLagHistogram, NegativeAndHugeLags) {
  WriteLagHistogram lag;
  lag.record(-5'000);
  EXPECT_EQ(lag.quantile_ns(1.0), 0);
  lag.record(60'000'000'000);  // a minute: beyond the buckets
  EXPECT_EQ(lag.max_ns(), 60'000'000'000);
  EXPECT_EQ(lag.quantile_ns(1.0), 60'000'000'000);
  EXPECT_EQ(lag.quantile_ns(0.5), 10'000) << "the 0 lag's bucket, [0, 10) us";
}

}  // namespace
}  // namespace depthrec::redis

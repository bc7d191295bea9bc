// Equality of two histogram summaries, field by field (the metrics tests that prove a faster
// path reports exactly what the one it replaces did).
#pragma once

#include <gtest/gtest.h>

#include "depthrec/latency_histogram.hpp"

namespace depthrec::metrics_test_support {

// Every figure equal; the mean within `mean_tolerance` (relative; 0: bit for bit, the same sums
// in the same order).
inline void expect_same_summary(const HistogramSummary& got, const HistogramSummary& want,
                                double mean_tolerance = 0.0) {
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.min, want.min);
  EXPECT_EQ(got.max, want.max);
  EXPECT_EQ(got.p50, want.p50);
  EXPECT_EQ(got.p95, want.p95);
  EXPECT_EQ(got.p99, want.p99);
  EXPECT_EQ(got.p999, want.p999);
  if (mean_tolerance == 0.0) {
    EXPECT_EQ(got.mean, want.mean);
  } else {
    EXPECT_NEAR(got.mean, want.mean, mean_tolerance * want.mean);
  }
}

}  // namespace depthrec::metrics_test_support

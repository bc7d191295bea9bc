// JsonLineWriter::fixed3 prints exactly what std::to_chars(value, fixed, 3) prints (its fast path
// decides the rounding itself wherever that is certain): on ties, values beside ties, both signs,
// the fast path's magnitude bound and a wide random sweep.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "recording/json_line_writer.hpp"

namespace depthrec::recording {
namespace {

std::string fixed3_written(double value) {
  std::string out;
  {
    JsonLineWriter writer(out, 64);
    writer.fixed3(value);
  }
  return out;
}

std::string fixed3_reference(double value) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3);
  return std::string(buf, result.ptr);
}

TEST(JsonLineWriterFixed3, EqualsToCharsOnTiesNearTiesSignsAndBounds) {
  std::vector<double> values{0.0,    -0.0,   0.0005,     0.0015,      0.0625,      -0.0625,
                             2.5e-4, 1.0005, 0.4995,     -0.0001,     999999.9995, 999999.999,
                             1e6,    -1e6,   1e6 - 1e-9, 123456.7895, 1519.519,    -1519.519,
                             1e-300, 5e-324, 0.1,        0.2,         0.3,         12.3456};
  for (int k = 0; k < 4000; ++k) values.push_back((2.0 * k + 1) / 2000.0);  // x.yyy5 ties
  for (int k = 0; k < 256; ++k) values.push_back(k / 16.0 + 1.0 / 2048.0);  // exact binary ties
  std::vector<double> neighbours;
  for (double v : values) {
    neighbours.push_back(std::nextafter(v, 0.0));
    neighbours.push_back(std::nextafter(v, 1e300));
    neighbours.push_back(-v);
  }
  values.insert(values.end(), neighbours.begin(), neighbours.end());
  for (double v : values) EXPECT_EQ(fixed3_written(v), fixed3_reference(v)) << v;
}

TEST(JsonLineWriterFixed3, EqualsToCharsOnARandomSweepOfLatencyLikeValues) {
  std::mt19937_64 random(12);
  std::uniform_real_distribution<double> exponent(-9.0, 14.0);
  std::uniform_real_distribution<double> linear(-2000.0, 2000.0);
  for (int i = 0; i < 200000; ++i) {
    const double log_value = std::pow(10.0, exponent(random)) * ((i & 1) != 0 ? -1.0 : 1.0);
    ASSERT_EQ(fixed3_written(log_value), fixed3_reference(log_value)) << log_value;
    const double near_ms = linear(random);
    ASSERT_EQ(fixed3_written(near_ms), fixed3_reference(near_ms)) << near_ms;
  }
}

TEST(JsonLineWriterFixed3, NonFiniteIsNullAndHugeKeepsItsShortestForm) {
  EXPECT_EQ(fixed3_written(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(fixed3_written(-std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(fixed3_written(1e300), "1e+300");
  EXPECT_EQ(fixed3_written(1e14 + 0.25), "100000000000000.250");
}

}  // namespace
}  // namespace depthrec::recording

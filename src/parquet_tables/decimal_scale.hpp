// Exact decimals as Parquet DECIMAL(precision, scale) on INT64: the scale of a symbol's prices
// (and of its quantities) is the most fraction digits any of its values needs, found in a first
// pass over the recording, so every value converts exactly (never through a float).
#pragma once

#include <cstdint>
#include <optional>

#include "depthrec/decimal.hpp"

namespace depthrec::export_parquet {

inline constexpr int kMaxInt64Precision = 18;

// Fraction digits `value` needs (0..8): "63947.40" -> 1, "0.109" -> 3, "1000" -> 0.
int fraction_digits(Decimal value);
// Integer digits of |value| (0 for values below 1).
int integer_digits(Decimal value);

// What one column of one symbol needs, grown value by value.
struct DecimalNeeds {
  int scale = 0;
  int integer_digits = 0;
  void add(Decimal value);
  void merge(const DecimalNeeds& other);
  int precision() const;  // integer_digits + scale, at least 1
  bool fits_int64() const { return precision() <= kMaxInt64Precision; }
};

// `value` as an unscaled integer at `scale` (value * 10^scale); nullopt when that is not exact or
// does not fit an int64 (the survey makes both impossible for the values it saw).
std::optional<std::int64_t> unscaled(Decimal value, int scale);

}  // namespace depthrec::export_parquet

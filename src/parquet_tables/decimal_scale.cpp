#include "decimal_scale.hpp"

#include <algorithm>
#include <limits>

namespace depthrec::export_parquet {
namespace {

constexpr DecimalUnits power_of_ten(int exponent) {
  DecimalUnits value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

DecimalUnits magnitude(Decimal value) {
  return value.units < 0 ? -value.units : value.units;
}

}  // namespace

int fraction_digits(Decimal value) {
  const DecimalUnits units = magnitude(value);
  for (int digits = 0; digits < Decimal::kScale; ++digits) {
    if (units % power_of_ten(Decimal::kScale - digits) == 0) return digits;
  }
  return Decimal::kScale;
}

int integer_digits(Decimal value) {
  DecimalUnits whole = magnitude(value) / Decimal::kOne;
  int digits = 0;
  while (whole > 0) {
    ++digits;
    whole /= 10;
  }
  return digits;
}

void DecimalNeeds::add(Decimal value) {
  scale = std::max(scale, fraction_digits(value));
  integer_digits = std::max(integer_digits, export_parquet::integer_digits(value));
}

void DecimalNeeds::merge(const DecimalNeeds& other) {
  scale = std::max(scale, other.scale);
  integer_digits = std::max(integer_digits, other.integer_digits);
}

int DecimalNeeds::precision() const {
  return std::max(1, integer_digits + scale);
}

std::optional<std::int64_t> unscaled(Decimal value, int scale) {
  if (scale < 0 || scale > Decimal::kScale) return std::nullopt;
  const DecimalUnits divisor = power_of_ten(Decimal::kScale - scale);
  if (value.units % divisor != 0) return std::nullopt;
  const DecimalUnits result = value.units / divisor;
  if (result > std::numeric_limits<std::int64_t>::max() ||
      result < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(result);
}

}  // namespace depthrec::export_parquet

// Hand-rolled fixed-point conversion: ~10 ns a string, exact, and no locale or float on the path.
#include "depthrec/decimal.hpp"

#include <limits>

namespace depthrec {
namespace {

constexpr std::uint64_t kMaxUnits =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
// 92233720368 is the largest integer part: at most 11 significant digits, so an integer part of
// up to 11 digits never overflows uint64 once scaled, and the final range check is enough.
constexpr std::ptrdiff_t kMaxIntegerDigits = 11;

constexpr std::uint64_t kFractionScale[Decimal::kScale + 1] = {
    100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};

inline unsigned digit_value(char c) {
  return static_cast<unsigned>(c) - '0';
}  // > 9 if not a digit

}  // namespace

const char* parse_decimal_prefix(const char* first, const char* last, Decimal& out) noexcept {
  const char* p = first;
  const char* const end = last;
  // At least one integer digit: ".5" is refused (Binance always writes "0.5").
  if (p == end || digit_value(*p) > 9) return nullptr;

  while (p != end && *p == '0') ++p;  // leading zeros do not count toward the digit limit
  const char* const significant = p;
  std::uint64_t integer_part = 0;
  for (unsigned digit; p != end && (digit = digit_value(*p)) <= 9; ++p) {
    integer_part = integer_part * 10 + digit;  // may wrap past 20 digits: refused just below
  }
  if (p - significant > kMaxIntegerDigits) return nullptr;

  std::uint64_t fraction = 0;
  int fraction_digits = 0;
  if (p != end && *p == '.') {
    ++p;
    for (unsigned digit;
         p != end && fraction_digits < Decimal::kScale && (digit = digit_value(*p)) <= 9;
         ++p, ++fraction_digits) {
      fraction = fraction * 10 + digit;
    }
    while (p != end && *p == '0') ++p;
    // a 9th significant fractional digit cannot be held exactly
    if (p != end && digit_value(*p) <= 9) return nullptr;
  }

  const std::uint64_t units = integer_part * static_cast<std::uint64_t>(Decimal::kOne) +
                              fraction * kFractionScale[fraction_digits];
  if (units > kMaxUnits) return nullptr;
  out.units = static_cast<std::int64_t>(units);
  return p;
}

bool parse_decimal(std::string_view text, Decimal& out) noexcept {
  const char* const end = text.data() + text.size();
  Decimal value;
  if (parse_decimal_prefix(text.data(), end, value) != end) return false;
  out = value;
  return true;
}

std::size_t format_decimal(Decimal value, char* buf) noexcept {
  std::size_t n = 0;
  std::uint64_t magnitude = static_cast<std::uint64_t>(value.units);
  if (value.units < 0) {
    buf[n++] = '-';
    magnitude = 0 - magnitude;  // well defined for INT64_MIN too
  }
  std::uint64_t integer_part = magnitude / static_cast<std::uint64_t>(Decimal::kOne);
  std::uint64_t fraction = magnitude % static_cast<std::uint64_t>(Decimal::kOne);

  char digits[20];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + integer_part % 10);
    integer_part /= 10;
  } while (integer_part != 0);
  while (count != 0) buf[n++] = digits[--count];

  if (fraction != 0) {
    buf[n++] = '.';
    int fraction_digits = Decimal::kScale;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --fraction_digits;
    }
    for (int i = fraction_digits - 1; i >= 0; --i) {
      buf[n + static_cast<std::size_t>(i)] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    n += static_cast<std::size_t>(fraction_digits);
  }
  return n;
}

std::string to_string(Decimal value) {
  char buf[kMaxDecimalChars];
  return std::string(buf, format_decimal(value, buf));
}

double to_double(Decimal value) noexcept {
  return static_cast<double>(value.units) / static_cast<double>(Decimal::kOne);
}

}  // namespace depthrec

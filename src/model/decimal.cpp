// Hand-rolled fixed-point conversion: ~10 ns a string, exact, and no locale or float on the path.
// 64-bit arithmetic while the value fits (every price, nearly every quantity), 128-bit beyond.
#include "depthrec/decimal.hpp"

#include <limits>

namespace depthrec {
namespace {

// Up to 10 integer digits the value is below 10^18 units: the 64-bit path, no overflow check. Every
// real price and almost every quantity takes it; longer integer parts (1e11..1e20 quantities of
// low-priced symbols) are read again in 128 bits.
constexpr std::ptrdiff_t kMaxFastIntegerDigits = 10;

constexpr std::uint64_t kFractionScale[Decimal::kScale + 1] = {
    100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
constexpr std::uint64_t kOne64 = static_cast<std::uint64_t>(Decimal::kOne);

// NOLINTNEXTLINE(modernize-use-using): __extension__ needs a typedef, as DecimalUnits
__extension__ typedef unsigned __int128 WideMagnitude;

inline unsigned digit_value(char c) {
  return static_cast<unsigned>(c) - '0';
}  // > 9 if not a digit

// An integer part of more than 10 digits: refused past 20, else read again in 128 bits; returns
// `stop` or nullptr. Out of line, cold and reached by a tail call: inlined, or called and returned
// from, its registers were saved and restored on every call (callgrind: +9..12 % instructions in
// the parser), and the digit limit is checked here only, off the common path.
[[gnu::noinline, gnu::cold]] const char* store_wide(const char* digits, std::ptrdiff_t count,
                                                    std::uint64_t fraction_units, const char* stop,
                                                    Decimal& out) {
  if (count > Decimal::kMaxIntegerDigits) return nullptr;
  WideMagnitude wide = 0;
  for (const char* q = digits; q != digits + count; ++q) wide = wide * 10 + digit_value(*q);
  out.units = static_cast<DecimalUnits>(wide * kOne64 + fraction_units);
  return stop;
}

// Writes `value`'s decimal digits (at least one) to `buf`; returns how many.
template <typename Unsigned>
std::size_t write_integer(Unsigned value, char* buf) {
  char digits[40];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + static_cast<unsigned>(value % 10));
    value /= 10;
  } while (value != 0);
  for (std::size_t i = 0; i < count; ++i) buf[i] = digits[count - 1 - i];
  return count;
}

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
    integer_part = integer_part * 10 + digit;  // may wrap past 19 digits: not used then
  }
  const std::ptrdiff_t integer_digits = p - significant;  // > 20 is refused by store_wide

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

  const std::uint64_t fraction_units = fraction * kFractionScale[fraction_digits];
  if (integer_digits > kMaxFastIntegerDigits) {
    return store_wide(significant, integer_digits, fraction_units, p, out);
  }
  // At most kMaxFastIntegerDigits integer digits: the units fit in 64 bits.
  const std::uint64_t units = integer_part * kOne64 + fraction_units;
  out.units = static_cast<DecimalUnits>(units);
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
  WideMagnitude magnitude = static_cast<WideMagnitude>(value.units);
  if (value.units < 0) {
    buf[n++] = '-';
    magnitude = 0 - magnitude;  // well defined for the most negative value too
  }
  std::uint64_t fraction = 0;
  if (magnitude <= std::numeric_limits<std::uint64_t>::max()) {
    // 64-bit division: a 128-bit one is a library call, and nearly every value fits
    const auto narrow = static_cast<std::uint64_t>(magnitude);
    n += write_integer(narrow / kOne64, buf + n);
    fraction = narrow % kOne64;
  } else {
    n += write_integer(magnitude / kOne64, buf + n);
    fraction = static_cast<std::uint64_t>(magnitude % kOne64);
  }

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

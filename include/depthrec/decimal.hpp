// Exact decimal prices and quantities. Binance sends decimal strings with at most 8 fractional
// digits; depthrec holds them as fixed-point integers (value = units / 10^8) so that "0.1" stays
// 0.1 and comparisons are exact. Never a float on the book's path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace depthrec {

struct Decimal {
  static constexpr int kScale = 8;
  static constexpr std::int64_t kOne = 100'000'000;

  std::int64_t units = 0;

  constexpr bool is_zero() const { return units == 0; }
  friend constexpr bool operator==(Decimal a, Decimal b) { return a.units == b.units; }
  friend constexpr bool operator!=(Decimal a, Decimal b) { return a.units != b.units; }
  friend constexpr bool operator<(Decimal a, Decimal b) { return a.units < b.units; }
  friend constexpr bool operator>(Decimal a, Decimal b) { return a.units > b.units; }
  friend constexpr bool operator<=(Decimal a, Decimal b) { return a.units <= b.units; }
  friend constexpr bool operator>=(Decimal a, Decimal b) { return a.units >= b.units; }
};

// Parses an unsigned decimal string ("63943.90", "0.000", "1000", "5.") into `out`.
// Refuses (returns false, leaves `out` unchanged): empty text, signs, exponents, any non-digit,
// more than 8 fractional digits unless the extra ones are zeros, and values that overflow.
// At least one integer digit is required: ".5" and "." are refused; "5." is 5.
bool parse_decimal(std::string_view text, Decimal& out) noexcept;

// The same rules for a decimal at the start of [first, last) that ends where a character cannot
// continue it (a JSON scanner's closing quote): returns that position, or nullptr when what is
// there is no decimal parse_decimal would accept ("1.123456789", a 12th integer digit, no digit).
// `out` is set only when the result is not nullptr.
const char* parse_decimal_prefix(const char* first, const char* last, Decimal& out) noexcept;

// Canonical text: no trailing fractional zeros, no trailing dot ("63943.9", "0", "0.001").
// Writes at most kMaxDecimalChars characters to `buf` and returns how many.
inline constexpr std::size_t kMaxDecimalChars = 32;
std::size_t format_decimal(Decimal value, char* buf) noexcept;
std::string to_string(Decimal value);

double to_double(Decimal value) noexcept;  // for analytics (OFI), never for the book

}  // namespace depthrec

// Exact decimal prices and quantities. Binance sends decimal strings with at most 8 fractional
// digits; depthrec holds them as fixed-point integers (value = units / 10^8) so that "0.1" stays
// 0.1 and comparisons are exact. Never a float on the book's path.
// The units are 128-bit: low-priced spot symbols (PEPE, SHIB, BTTC, 1000SATS) carry level
// quantities of 1e11..1e13 and more, past int64's 9.2e10 at this scale. A fixed scale keeps one
// comparable value whatever the symbol (a per-symbol scale would need exchangeInfo before the
// first frame); the parser keeps a 64-bit path while the digits fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace depthrec {

// The fixed-point integer. __extension__: __int128 is a GCC/Clang extension, accepted silently
// under -pedantic too; it needs a typedef (an alias declaration cannot carry it).
// NOLINTNEXTLINE(modernize-use-using)
__extension__ typedef __int128 DecimalUnits;

struct Decimal {
  static constexpr int kScale = 8;
  static constexpr DecimalUnits kOne = 100'000'000;
  // The documented range: at most 20 integer digits (after leading zeros) and 8 fractional ones,
  // so every value is below 10^20 (10^28 units, far inside 2^127). Binance's largest quantities
  // (1e13 and so on) have 14 integer digits.
  static constexpr int kMaxIntegerDigits = 20;

  DecimalUnits units = 0;

  constexpr bool is_zero() const { return units == 0; }
  friend constexpr bool operator==(Decimal a, Decimal b) { return a.units == b.units; }
  friend constexpr bool operator!=(Decimal a, Decimal b) { return a.units != b.units; }
  friend constexpr bool operator<(Decimal a, Decimal b) { return a.units < b.units; }
  friend constexpr bool operator>(Decimal a, Decimal b) { return a.units > b.units; }
  friend constexpr bool operator<=(Decimal a, Decimal b) { return a.units <= b.units; }
  friend constexpr bool operator>=(Decimal a, Decimal b) { return a.units >= b.units; }
};

// A book keeps its prices as 64-bit ranks (the hot path's searches stay 64-bit): a price of a
// book level must not exceed this (92233720368.54775807; no real price is near it). The parsers
// refuse a level price above it as bad_decimal; quantities and bookTicker prices have the whole
// range.
inline constexpr DecimalUnits kMaxBookPriceUnits = std::numeric_limits<std::int64_t>::max();
constexpr bool fits_book_price(Decimal price) {
  return price.units <= kMaxBookPriceUnits;
}

// Parses an unsigned decimal string ("63943.90", "0.000", "1000", "5.") into `out`.
// Refuses (returns false, leaves `out` unchanged): empty text, signs, exponents, any non-digit,
// more than 8 fractional digits unless the extra ones are zeros, and more than 20 integer digits
// (leading zeros do not count): every accepted value is exact.
// At least one integer digit is required: ".5" and "." are refused; "5." is 5.
bool parse_decimal(std::string_view text, Decimal& out) noexcept;

// The same rules for a decimal at the start of [first, last) that ends where a character cannot
// continue it (a JSON scanner's closing quote): returns that position, or nullptr when what is
// there is no decimal parse_decimal would accept ("1.123456789", a 21st integer digit, no digit).
// `out` is set only when the result is not nullptr.
const char* parse_decimal_prefix(const char* first, const char* last, Decimal& out) noexcept;

// Canonical text: no trailing fractional zeros, no trailing dot ("63943.9", "0", "0.001").
// Writes at most kMaxDecimalChars characters to `buf` and returns how many: a parsed value takes
// at most 29 ("99999999999999999999.99999999"), any DecimalUnits at most 41 (sign, 31 integer
// digits, dot, 8 fractional digits).
inline constexpr std::size_t kMaxDecimalChars = 48;
std::size_t format_decimal(Decimal value, char* buf) noexcept;
std::string to_string(Decimal value);

double to_double(Decimal value) noexcept;  // for analytics (OFI), never for the book

}  // namespace depthrec

// Hand-rolled fixed-point conversion: ~10 ns a string, exact, and no locale or float on the path.
// 64-bit arithmetic while the value fits (every price, nearly every quantity), 128-bit beyond.
#include "depthrec/decimal.hpp"

#include "model/ascii_digits.hpp"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The reference reading, a byte at a time: every input the eight-byte path below does not take.
const char* parse_bytewise(const char* first, const char* last, Decimal& out) noexcept {
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

// The common shape read in one step: Binance's decimals have 1..7 integer digits, a dot and at most
// 8 fractional ones ("63943.90", spot's "0.01234000"). One 16-byte SSE2 compare finds where the
// digits end; each part is then converted eight bytes at a time (multiply-and-add). The byte loop
// took ~118 instructions a decimal, a tenth of the recorder's network thread (callgrind).
// Needs 16 readable bytes from the start: a decimal inside a frame always has them.
constexpr std::ptrdiff_t kWideReach = 16;

// kFirstBytes[n]: the bits of a word's first n bytes in memory.
constexpr std::uint64_t kFirstBytes[9] = {
    0,           0xFF,           0xFFFF,           0xFF'FFFF,
    0xFFFF'FFFF, 0xFF'FFFF'FFFF, 0xFFFF'FFFF'FFFF, 0xFF'FFFF'FFFF'FFFF,
    ~0ULL};

#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
// The fast path, or nullptr when the text is not of the common shape (the byte loop decides).
inline const char* parse_common_shape(const char* first, Decimal& out) noexcept {
  const __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first));
  const __m128i values = _mm_sub_epi8(text, _mm_set1_epi8('0'));  // digits become 0..9
  const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(values, _mm_set1_epi8(9)), values);
  // bit i set: byte i is not a digit; bits 16.. stand for the bytes beyond the load
  const unsigned others = ~static_cast<unsigned>(_mm_movemask_epi8(is_digit));
  const auto integer_digits = static_cast<unsigned>(__builtin_ctz(others));
  if (integer_digits - 1 >= 7) return nullptr;
  std::uint64_t low = 0;
  std::memcpy(&low, &values, sizeof low);
  // the integer digits at the top of the word, zero digits below
  const std::uint64_t integer_part = digits::eight_digits_value(low << (8 * (8 - integer_digits)));
  if (first[integer_digits] != '.') {                   // an integer ("1000")
    const std::uint64_t units = integer_part * kOne64;  // below 10^15: no overflow
    out.units = static_cast<DecimalUnits>(units);
    return first + integer_digits;
  }
  const auto fraction_digits = static_cast<unsigned>(__builtin_ctz(others >> (integer_digits + 1)));
  // a 9th fractional digit, or one whose end is beyond the load: the byte loop judges
  if (fraction_digits > 8 || integer_digits + 1 + fraction_digits >= 16) return nullptr;
  std::uint64_t fraction = 0;
  std::memcpy(&fraction, first + integer_digits + 1, sizeof fraction);
  // the fraction's digits, then zero digits to eight: its value in units directly
  const std::uint64_t fraction_units =
      digits::eight_digits_value((fraction - digits::kAsciiZeros) & kFirstBytes[fraction_digits]);
  const std::uint64_t units = integer_part * kOne64 + fraction_units;  // below 10^15
  out.units = static_cast<DecimalUnits>(units);
  return first + integer_digits + 1 + fraction_digits;
}
#endif

}  // namespace

const char* parse_decimal_prefix(const char* first, const char* last, Decimal& out) noexcept {
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (last - first >= kWideReach) {
    if (const char* stop = parse_common_shape(first, out)) return stop;
  }
#endif
  return parse_bytewise(first, last, out);
}

bool parse_decimal(std::string_view text, Decimal& out) noexcept {
  const char* const end = text.data() + text.size();
  Decimal value;
  if (parse_decimal_prefix(text.data(), end, value) != end) return false;
  out = value;
  return true;
}

namespace {

// format_decimal of 0 <= units < 10^16 (every price, nearly every quantity): the integer part and
// the fraction as eight-digit blocks, zeros trimmed by counting (a bookTicker record formats four
// decimals; a division per digit took ~120 instructions a value).
std::size_t format_small_decimal(std::uint64_t units, char* buf) noexcept {
  const auto integer = static_cast<std::uint32_t>(units / kOne64);
  const auto fraction = static_cast<std::uint32_t>(units % kOne64);
  char text[24];
  std::uint64_t ascii = digits::eight_ascii_digits(integer);
  const unsigned skipped = integer == 0 ? 7U : digits::leading_zero_digits(ascii);
  ascii >>= 8 * skipped;
  std::memcpy(text, &ascii, sizeof ascii);
  std::size_t n = 8 - skipped;
  if (fraction != 0) {
    text[n++] = '.';
    const std::uint64_t fraction_ascii = digits::eight_ascii_digits(fraction);
    std::memcpy(text + n, &fraction_ascii, sizeof fraction_ascii);
    n += 8 - digits::trailing_zero_digits(fraction_ascii);
  }
  std::memcpy(buf, text, n);
  return n;
}

}  // namespace

std::size_t format_decimal(Decimal value, char* buf) noexcept {
  constexpr DecimalUnits kSmallLimit = Decimal::kOne * 100'000'000;
  if (value.units >= 0 && value.units < kSmallLimit) {
    return format_small_decimal(static_cast<std::uint64_t>(value.units), buf);
  }
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

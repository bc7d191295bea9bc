// parse_decimal, parse_decimal_prefix / format_decimal. Two inputs from one buffer:
//  - the bytes as decimal text: if accepted, the value formats to canonical text that parses back
//    to the same value, and the text's numeric meaning matches an independent digit-by-digit
//    reading (so "1.50" == "1.5" and a refused value really was out of range or malformed);
//  - the first 8 bytes as raw units: every non-negative value formats and parses back exactly.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "fuzz_check.hpp"

namespace {

using depthrec::Decimal;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Independent reading of the grammar parse_decimal documents: digits, optionally '.' and digits;
// at most 8 significant fractional digits; the value fits in int64 units. Computed in 128 bits.
bool reference_parse(std::string_view text, std::int64_t& units) {
  std::size_t i = 0;
  unsigned __int128 value = 0;
  bool overflow = false;
  const unsigned __int128 limit = std::numeric_limits<std::int64_t>::max();
  if (text.empty() || !is_digit(text[0])) return false;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
    if (value > limit) overflow = true;  // keep scanning: a syntax error is reported the same way
    if (overflow) value = limit + 1;
  }
  value *= Decimal::kOne;
  if (i < text.size()) {
    if (text[i] != '.') return false;
    ++i;
    unsigned __int128 scale = Decimal::kOne;
    for (; i < text.size(); ++i) {
      if (!is_digit(text[i])) return false;
      scale /= 10;
      const unsigned digit = static_cast<unsigned>(text[i] - '0');
      if (scale == 0) {
        if (digit != 0) return false;
      } else {
        value += digit * scale;
      }
    }
  }
  if (overflow || value > limit) return false;
  units = static_cast<std::int64_t>(value);
  return true;
}

void check_canonical(std::string_view text, Decimal value) {
  FUZZ_CHECK(!text.empty() && text.size() <= depthrec::kMaxDecimalChars);
  FUZZ_CHECK(text.back() != '.');
  if (text.find('.') != std::string_view::npos) FUZZ_CHECK(text.back() != '0');
  if (value.units >= 0) {
    FUZZ_CHECK(text.size() == 1 || text[0] != '0' || text[1] == '.');  // no leading zeros
    Decimal again{-1};
    FUZZ_CHECK(depthrec::parse_decimal(text, again));
    FUZZ_CHECK(again == value);
  } else {
    FUZZ_CHECK(text[0] == '-');
    Decimal untouched{42};
    FUZZ_CHECK(!depthrec::parse_decimal(text, untouched));  // signs are refused...
    FUZZ_CHECK(untouched.units == 42);                      // ...and `out` is left unchanged
  }
  FUZZ_CHECK(depthrec::to_string(value) == text);
}

void check_units(Decimal value) {
  char buf[depthrec::kMaxDecimalChars + 8];
  std::memset(buf, 'x', sizeof buf);
  const std::size_t n = depthrec::format_decimal(value, buf);
  FUZZ_CHECK(n <= depthrec::kMaxDecimalChars);
  for (std::size_t i = n; i < sizeof buf; ++i) FUZZ_CHECK(buf[i] == 'x');  // wrote only n chars
  check_canonical(std::string_view(buf, n), value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  Decimal parsed{-7};
  const bool accepted = depthrec::parse_decimal(text, parsed);
  std::int64_t expected = 0;
  const bool expected_ok = reference_parse(text, expected);
  FUZZ_CHECK(accepted == expected_ok);
  if (accepted) {
    FUZZ_CHECK(parsed.units == expected);
    FUZZ_CHECK(parsed.units >= 0);
    check_units(parsed);
  } else {
    FUZZ_CHECK(parsed.units == -7);  // refused: `out` unchanged
  }

  // The prefix reader: it stops at the end exactly when parse_decimal accepts, and whatever it
  // accepts before its stop is a decimal of that value.
  Decimal prefix_value{-7};
  const char* const stop =
      depthrec::parse_decimal_prefix(text.data(), text.data() + text.size(), prefix_value);
  FUZZ_CHECK((stop == text.data() + text.size()) == accepted);
  if (stop != nullptr) {
    std::int64_t prefix_expected = 0;
    FUZZ_CHECK(reference_parse(text.substr(0, static_cast<std::size_t>(stop - text.data())),
                               prefix_expected));
    FUZZ_CHECK(prefix_value.units == prefix_expected);
  } else {
    FUZZ_CHECK(prefix_value.units == -7);
  }

  if (size >= sizeof(std::int64_t)) {
    Decimal raw;
    std::memcpy(&raw.units, data, sizeof raw.units);
    check_units(raw);
  }
  return 0;
}

// parse_decimal, parse_decimal_prefix / format_decimal. Two inputs from one buffer:
//  - the bytes as decimal text: if accepted, the value formats to canonical text that parses back
//    to the same value, and the text's numeric meaning matches an independent reading done on
//    strings (so "1.50" == "1.5" and a refused value really had more than 20 integer digits, a
//    9th significant fractional digit or a syntax error);
//  - the first 16 bytes (or 8, sign-extended, when shorter) as raw units: every value formats,
//    and parses back exactly when it is non-negative and within 20 integer digits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "fuzz_check.hpp"

namespace {

using depthrec::Decimal;
using depthrec::DecimalUnits;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Independent reading of the grammar parse_decimal documents, on strings: digits, optionally '.'
// and digits; at most 20 integer digits after leading zeros; at most 8 significant fractional
// digits. The result is the units as decimal digits (the integer digits, then the fraction padded
// to 8), without leading zeros: no arithmetic at all.
bool reference_parse(std::string_view text, std::string& units) {
  std::size_t i = 0;
  if (text.empty() || !is_digit(text[0])) return false;
  std::string integer;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (integer.empty() && text[i] == '0') continue;  // leading zeros
    integer.push_back(text[i]);
  }
  if (integer.size() > static_cast<std::size_t>(Decimal::kMaxIntegerDigits)) return false;
  std::string fraction;
  if (i < text.size()) {
    if (text[i] != '.') return false;
    for (++i; i < text.size(); ++i) {
      if (!is_digit(text[i])) return false;
      if (fraction.size() < static_cast<std::size_t>(Decimal::kScale)) {
        fraction.push_back(text[i]);
      } else if (text[i] != '0') {
        return false;
      }
    }
  }
  fraction.resize(Decimal::kScale, '0');
  units = integer + fraction;
  units.erase(0, std::min(units.find_first_not_of('0'), units.size() - 1));
  return true;
}

// Decimal digits of non-negative units by repeated division (not format_decimal's code).
std::string units_text(DecimalUnits units) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(units % 10)));
    units /= 10;
  } while (units != 0);
  return out;
}

// 10^28: the first value with a 21st integer digit.
DecimalUnits first_refused() {
  DecimalUnits value = 1;
  for (int i = 0; i < Decimal::kMaxIntegerDigits + Decimal::kScale; ++i) value *= 10;
  return value;
}

void check_canonical(std::string_view text, Decimal value) {
  FUZZ_CHECK(!text.empty() && text.size() <= depthrec::kMaxDecimalChars);
  FUZZ_CHECK(text.back() != '.');
  if (text.find('.') != std::string_view::npos) FUZZ_CHECK(text.back() != '0');
  if (value.units >= first_refused()) {
    FUZZ_CHECK(text[0] != '0');
    Decimal untouched{42};
    FUZZ_CHECK(!depthrec::parse_decimal(text, untouched));  // past 20 integer digits: refused
    FUZZ_CHECK(untouched.units == 42);
  } else if (value.units >= 0) {
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
  std::string expected;
  const bool expected_ok = reference_parse(text, expected);
  FUZZ_CHECK(accepted == expected_ok);
  if (accepted) {
    FUZZ_CHECK(parsed.units >= 0);
    FUZZ_CHECK(units_text(parsed.units) == expected);
    FUZZ_CHECK(parsed.units < first_refused());
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
    std::string prefix_expected;
    FUZZ_CHECK(reference_parse(text.substr(0, static_cast<std::size_t>(stop - text.data())),
                               prefix_expected));
    FUZZ_CHECK(units_text(prefix_value.units) == prefix_expected);
  } else {
    FUZZ_CHECK(prefix_value.units == -7);
  }

  // Inside a frame (16 bytes and more after its start) a decimal is read in one wide step: the
  // same text followed by a closing quote and padding must stop at the same place, same value.
  std::string padded(text);
  padded.append(17, '"');
  Decimal padded_value{-7};
  const char* const padded_stop =
      depthrec::parse_decimal_prefix(padded.data(), padded.data() + padded.size(), padded_value);
  FUZZ_CHECK((padded_stop == nullptr) == (stop == nullptr));
  if (stop != nullptr && stop - text.data() < static_cast<std::ptrdiff_t>(size)) {
    FUZZ_CHECK(padded_stop - padded.data() == stop - text.data());
    FUZZ_CHECK(padded_value == prefix_value);
  } else if (stop != nullptr) {  // the text ended the decimal; the quote ends the padded one
    FUZZ_CHECK(padded_stop - padded.data() == static_cast<std::ptrdiff_t>(size));
    FUZZ_CHECK(padded_value == prefix_value);
  }

  Decimal raw;
  if (size >= sizeof(DecimalUnits)) {
    std::memcpy(&raw.units, data, sizeof raw.units);
    check_units(raw);
  } else if (size >= sizeof(std::int64_t)) {
    std::int64_t narrow = 0;
    std::memcpy(&narrow, data, sizeof narrow);
    raw.units = narrow;
    check_units(raw);
  }
  return 0;
}

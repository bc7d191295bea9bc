#include "depthrec/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace depthrec {
namespace {

Decimal parsed(std::string_view text) {
  Decimal value{-1};
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

void expect_refused(std::string_view text) {
  Decimal value{12345};
  EXPECT_FALSE(parse_decimal(text, value)) << text;
  EXPECT_EQ(value.units, 12345) << "refusal must leave the output unchanged: " << text;
}

TEST(Decimal, ParsesExactly) {
  EXPECT_EQ(parsed("0.1").units, 10'000'000);
  EXPECT_EQ(parsed("0.2").units + parsed("0.1").units, parsed("0.3").units);
  EXPECT_EQ(parsed("63943.90").units, 6'394'390'000'000);
  EXPECT_EQ(parsed("61737.63000000").units, 6'173'763'000'000);
  EXPECT_EQ(parsed("0.00000001").units, 1);
  EXPECT_EQ(parsed("1000").units, 100'000'000'000);
  EXPECT_EQ(parsed("5.").units, 500'000'000);
  EXPECT_EQ(parsed("007.50").units, 750'000'000);
}

TEST(Decimal, AnyZeroIsZero) {
  for (const char* zero : {"0", "0.000", "0.00000000", "00", "0.", "0.0000000000000"}) {
    EXPECT_TRUE(parsed(zero).is_zero()) << zero;
  }
}

TEST(Decimal, ExtraFractionDigitsOnlyIfZero) {
  EXPECT_EQ(parsed("1.123456780000").units, 112'345'678);
  expect_refused("1.123456789");
  expect_refused("0.000000001");
}

TEST(Decimal, RefusesNonDecimals) {
  for (const char* bad : {"", ".", ".5", "-1", "+1", "1e5", "1E5", "1.5e1", " 1", "1 ", "1,5",
                          "1.2.3", "0x10", "abc", "1..2", "NaN", "inf", "1.-5"}) {
    expect_refused(bad);
  }
}

// Units from a digit string, by long multiplication: independent of the parser's two paths.
DecimalUnits units_of(std::string_view digits) {
  DecimalUnits value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

TEST(Decimal, RefusesMoreThanTwentyIntegerDigitsAndAcceptsTheLargestValue) {
  EXPECT_EQ(parsed("99999999999999999999.99999999").units,
            units_of("9999999999999999999999999999"));
  expect_refused("100000000000000000000");  // 21 integer digits
  expect_refused("184467440737095516160");
  expect_refused("99999999999999999999999999999999");
  EXPECT_EQ(parsed("0000000000000000000000001").units, Decimal::kOne);
  EXPECT_EQ(parsed("00000099999999999999999999").units, units_of("9999999999999999999900000000"))
      << "leading zeros do not count";
  expect_refused("99999999999999999999.999999999");  // a 9th fractional digit, even there
}

// What was refused before Decimal widened (int64 units: 92233720368.54775807 at most) and what
// low-priced spot symbols (PEPE, SHIB, BTTC) send: 1e11..1e13 quantities, exact.
TEST(Decimal, WideQuantitiesAreExact) {
  EXPECT_EQ(parsed("92233720368.54775807").units, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parsed("92233720368.54775808").units,
            static_cast<DecimalUnits>(std::numeric_limits<std::int64_t>::max()) + 1);
  EXPECT_EQ(parsed("12345678901234.00").units, units_of("1234567890123400000000"));
  EXPECT_EQ(parsed("10000000000000.12345678").units, units_of("1000000000000012345678"));
  EXPECT_EQ(parsed("100000000000").units, units_of("10000000000000000000"));
  EXPECT_EQ(to_string(parsed("12345678901234.00")), "12345678901234");
  EXPECT_EQ(to_string(parsed("10000000000000.12345678")), "10000000000000.12345678");
  EXPECT_EQ(to_string(parsed("99999999999999999999.99999999")), "99999999999999999999.99999999");
  // Neighbours stay distinct and ordered at the last fractional digit.
  EXPECT_LT(parsed("10000000000000.12345678"), parsed("10000000000000.12345679"));
  EXPECT_EQ(parsed("10000000000000.12345679").units - parsed("10000000000000.12345678").units, 1);
  // The 64-bit path ends at 10 integer digits; the 128-bit one agrees with it around there.
  EXPECT_EQ(parsed("9999999999.99999999").units + 1, parsed("10000000000").units);
}

TEST(Decimal, BookPricesAreBoundedByTheirSixtyFourBitRanks) {
  EXPECT_TRUE(fits_book_price(parsed("92233720368.54775807")));
  EXPECT_FALSE(fits_book_price(parsed("92233720368.54775808")));
  EXPECT_TRUE(fits_book_price(parsed("0.00000001")));
}

// The prefix reader stops where the decimal ends and refuses what parse_decimal refuses there.
TEST(Decimal, PrefixStopsAtTheFirstCharacterThatCannotContinueTheNumber) {
  const auto stop_at = [](const std::string& text) -> long {
    Decimal value{-1};
    const char* stop = parse_decimal_prefix(text.data(), text.data() + text.size(), value);
    return stop == nullptr ? -1 : stop - text.data();
  };
  EXPECT_EQ(stop_at("63943.90\",\"1\""), 8);
  EXPECT_EQ(stop_at("5.\""), 2);
  EXPECT_EQ(stop_at("1.2.3"), 3);
  EXPECT_EQ(stop_at("1.100000000\""), 11) << "extra zeros belong to the number";
  EXPECT_EQ(stop_at("1.123456789\""), -1) << "a 9th significant digit is refused, not cut";
  EXPECT_EQ(stop_at("123456789012\""), 12) << "12 integer digits fit now";
  EXPECT_EQ(stop_at("123456789012345678901\""), -1) << "a 21st integer digit is refused";
  EXPECT_EQ(stop_at("\"1\""), -1);
  EXPECT_EQ(stop_at("7"), 1);
  Decimal value{-1};
  const std::string text = "0.5x";
  ASSERT_EQ(parse_decimal_prefix(text.data(), text.data() + text.size(), value), text.data() + 3);
  EXPECT_EQ(value.units, 50'000'000);
}

// A decimal with at least 16 bytes of text from its start is read in one wide step; a
// shorter text byte by byte. Every short text, padded as it sits in a frame, must read the same
// both ways: the same stop, the same value, the same refusals.
TEST(Decimal, WideReadingEqualsTheByteLoop) {
  std::mt19937_64 rng(1207);
  const std::string alphabet = "0000123456789..x\"";
  const std::string padding(20, '"');
  for (int i = 0; i < 200000; ++i) {
    std::string text(1 + rng() % 15, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    if (rng() % 2 == 0) text[0] = static_cast<char>('1' + rng() % 9);
    const std::string padded = text + padding;
    Decimal short_value{-1};
    Decimal padded_value{-1};
    const char* short_stop =
        parse_decimal_prefix(text.data(), text.data() + text.size(), short_value);
    const char* padded_stop =
        parse_decimal_prefix(padded.data(), padded.data() + padded.size(), padded_value);
    ASSERT_EQ(short_stop == nullptr, padded_stop == nullptr) << text;
    ASSERT_EQ(short_value, padded_value) << text;
    if (short_stop != nullptr) {
      ASSERT_EQ(short_stop - text.data(), padded_stop - padded.data()) << text;
    }
  }
  const auto read = [](const std::string& text) {
    const std::string padded = text + "\",\"0.1\"],[\"2.0\"";
    Decimal value{-1};
    const char* stop = parse_decimal_prefix(padded.data(), padded.data() + padded.size(), value);
    EXPECT_EQ(stop == nullptr ? std::string("refused") : std::string(padded.data(), stop), text);
    return value.units;
  };
  EXPECT_EQ(read("63943.90"), 6'394'390'000'000);
  EXPECT_EQ(read("0.01234000"), 1'234'000);
  EXPECT_EQ(read("9999999.99999999"), 999'999'999'999'999);
  EXPECT_EQ(read("9999999.9999999"), 999'999'999'999'990);
  EXPECT_EQ(read("12345678.5"), 1'234'567'850'000'000);  // 8 integer digits: the byte loop
  EXPECT_EQ(read("1.123456780"), 112'345'678);           // a 9th fractional zero: the byte loop
  EXPECT_EQ(read("5."), 500'000'000);
  EXPECT_EQ(read("0"), 0);
  EXPECT_EQ(read("1000"), 100'000'000'000);
  EXPECT_EQ(read("0012"), 1'200'000'000);
}

TEST(Decimal, FormatsCanonically) {
  EXPECT_EQ(to_string(parsed("63943.90")), "63943.9");
  EXPECT_EQ(to_string(parsed("0.000")), "0");
  EXPECT_EQ(to_string(parsed("0.00100000")), "0.001");
  EXPECT_EQ(to_string(parsed("5.")), "5");
  EXPECT_EQ(to_string(parsed("1000.00")), "1000");
  EXPECT_EQ(to_string(parsed("0.00000001")), "0.00000001");
  EXPECT_EQ(to_string(parsed("12.3456789")), "12.3456789");
  EXPECT_EQ(to_string(Decimal{std::numeric_limits<std::int64_t>::max()}), "92233720368.54775807");
  EXPECT_EQ(to_string(Decimal{-150'000'000}), "-1.5");
  EXPECT_EQ(to_string(Decimal{std::numeric_limits<std::int64_t>::min()}), "-92233720368.54775808");
  // Any DecimalUnits fits kMaxDecimalChars, the extremes included.
  const DecimalUnits max = ~(static_cast<DecimalUnits>(1) << 127);
  EXPECT_EQ(to_string(Decimal{max}), "1701411834604692317316873037158.84105727");
  EXPECT_EQ(to_string(Decimal{-max - 1}), "-1701411834604692317316873037158.84105728");
  EXPECT_LE(to_string(Decimal{-max - 1}).size(), kMaxDecimalChars);
}

TEST(Decimal, FormatParseRoundTripOnRandomValues) {
  std::mt19937_64 rng(42);
  char buf[kMaxDecimalChars];
  for (int i = 0; i < 100000; ++i) {
    // Magnitudes of every width up to 10^28 units (20 integer digits), the 64-bit ones included.
    __extension__ using Unsigned = unsigned __int128;
    const auto wide =
        static_cast<DecimalUnits>((static_cast<Unsigned>(rng()) << 64 | rng()) %
                                  static_cast<Unsigned>(units_of("10000000000000000000000000000")));
    Decimal value{wide >> (rng() % 94)};
    const std::size_t n = format_decimal(value, buf);
    ASSERT_LE(n, kMaxDecimalChars);
    Decimal back;
    ASSERT_TRUE(parse_decimal(std::string_view(buf, n), back)) << std::string(buf, n);
    ASSERT_EQ(back, value) << std::string(buf, n);
  }
}

// Values below 10^8 (integer part) are formatted by eight-digit blocks: the same canonical text
// as a plain reading of the units (integer part, then the fraction without trailing zeros).
TEST(Decimal, BlockFormattingEqualsThePlainReading) {
  const auto plain = [](std::uint64_t units) {
    std::string text = std::to_string(units / 100'000'000);
    std::string fraction = std::to_string(units % 100'000'000);
    fraction.insert(0, 8 - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    return fraction.empty() ? text : text + "." + fraction;
  };
  std::mt19937_64 rng(99);
  char buf[kMaxDecimalChars];
  for (int i = 0; i < 200000; ++i) {
    std::uint64_t units = (rng() % 10'000'000'000'000'000) >> (rng() % 54);
    if (i % 4 == 0) units -= units % 1000;  // trailing zeros
    ASSERT_EQ(std::string(buf, format_decimal(Decimal{static_cast<DecimalUnits>(units)}, buf)),
              plain(units));
  }
  for (const std::uint64_t units :
       {0ULL, 1ULL, 99'999'999ULL, 100'000'000ULL, 9'999'999'999'999'999ULL,
        10'000'000'000'000'000ULL, 10'000'000'000'000'001ULL}) {
    ASSERT_EQ(std::string(buf, format_decimal(Decimal{static_cast<DecimalUnits>(units)}, buf)),
              plain(units));
  }
}

TEST(Decimal, ComparesAndConverts) {
  EXPECT_LT(parsed("63943.8"), parsed("63943.9"));
  EXPECT_EQ(parsed("1.50"), parsed("1.5"));
  EXPECT_NE(parsed("1.5"), parsed("1.05"));
  EXPECT_DOUBLE_EQ(to_double(parsed("63943.9")), 63943.9);
  EXPECT_DOUBLE_EQ(to_double(parsed("0.001")), 0.001);
}

}  // namespace
}  // namespace depthrec

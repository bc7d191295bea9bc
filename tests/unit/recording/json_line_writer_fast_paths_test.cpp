// JsonLineWriter's fast paths print exactly what the slow ones did: uint and int64 what
// std::to_chars prints (their eight-digit blocks are computed by multiplications) at every
// digit-count boundary, the extremes and a random sweep; string finds a byte to escape at every
// position of every length (its check reads words); compact_json drops whitespace wherever it is.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "recording/json_line_writer.hpp"

namespace depthrec::recording {
namespace {

template <typename Integer>
std::string integer_reference(Integer value) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

std::string uint_written(std::uint64_t value) {
  std::string out;
  {
    JsonLineWriter writer(out, JsonLineWriter::kMaxNumberChars);
    writer.uint(value);
  }
  return out;
}

std::string int64_written(std::int64_t value) {
  std::string out;
  {
    JsonLineWriter writer(out, JsonLineWriter::kMaxNumberChars);
    writer.int64(value);
  }
  return out;
}

TEST(JsonLineWriterFastPaths, EqualToCharsAtEveryDigitCountBoundaryAndTheExtremes) {
  std::uint64_t power = 1;
  for (int digits = 1; digits <= 20; ++digits) {
    for (const std::uint64_t value : {power - 1, power, power + 1, power * 5 - 1}) {
      ASSERT_EQ(uint_written(value), integer_reference(value)) << value;
      const auto signed_value = static_cast<std::int64_t>(value);
      if (signed_value >= 0) {
        ASSERT_EQ(int64_written(signed_value), integer_reference(signed_value));
        ASSERT_EQ(int64_written(-signed_value), integer_reference(-signed_value));
      }
    }
    if (digits < 20) power *= 10;
  }
  EXPECT_EQ(uint_written(0), "0");
  EXPECT_EQ(uint_written(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(int64_written(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(int64_written(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(int64_written(1721347020984480942), "1721347020984480942");  // a recv_ns
}

TEST(JsonLineWriterFastPaths, EqualToCharsOnARandomSweepOfEveryWidth) {
  std::mt19937_64 rng(2026);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t value = rng() >> (rng() % 64);
    ASSERT_EQ(uint_written(value), integer_reference(value));
    const auto signed_value = static_cast<std::int64_t>(rng()) >> (rng() % 64);
    ASSERT_EQ(int64_written(signed_value), integer_reference(signed_value));
  }
}

// Several numbers in one record: the scratch bytes a number writes past its digits are
// overwritten by the next piece, never left in the line.
TEST(JsonLineWriterFastPaths, NumbersInARowLeaveNoScratchBehind) {
  std::string out = "x";
  {
    JsonLineWriter writer(out, 4 * JsonLineWriter::kMaxNumberChars);
    writer.uint(7);
    writer.raw(',');
    writer.int64(-12);
    writer.raw(',');
    writer.uint(123456789012345);
    writer.ns_as_ms(1721347020984480942);
  }
  EXPECT_EQ(out, "x7,-12,1234567890123451721347020984.481");
}

std::string string_written(std::string_view text) {
  std::string out;
  {
    JsonLineWriter writer(out, JsonLineWriter::string_room(text));
    writer.string(text);
  }
  return out;
}

// The string's fast check reads words (8 bytes, the last overlapping; 4..7 bytes as two halves):
// a byte that needs escaping is found at every position of every length.
TEST(JsonLineWriterFastPaths, StringEscapesAByteAtEveryPositionOfEveryLength) {
  const std::pair<char, std::string> specials[] = {{'"', "\\\""},       {'\\', "\\\\"},
                                                   {'\n', "\\n"},       {'\x01', "\\u0001"},
                                                   {'\x1f', "\\u001f"}, {'\x80', "\\ufffd"}};
  for (std::size_t length = 1; length <= 24; ++length) {
    const std::string clean(length, 'a');
    ASSERT_EQ(string_written(clean), '"' + clean + '"');
    for (std::size_t at = 0; at < length; ++at) {
      for (const auto& [byte, escaped] : specials) {
        std::string text = clean;
        text[at] = byte;
        const std::string expected =
            '"' + clean.substr(0, at) + escaped + clean.substr(at + 1) + '"';
        ASSERT_EQ(string_written(text), expected) << length << " " << at;
      }
    }
  }
  EXPECT_EQ(string_written(""), "\"\"");
  EXPECT_EQ(string_written("btcusdt@depth@100ms"), "\"btcusdt@depth@100ms\"");
  EXPECT_EQ(string_written("caf\xc3\xa9 ~"), "\"caf\xc3\xa9 ~\"");  // valid UTF-8 is kept
}

std::string compacted(std::string_view json) {
  std::string out;
  {
    JsonLineWriter writer(out, json.size());
    writer.compact_json(json);
  }
  return out;
}

// compact_json's check for whitespace reads 16 bytes a step (the last overlapping): a whitespace
// byte at every position of every length is dropped; bytes that are not JSON whitespace (a
// control byte, UTF-8) are kept wherever they are.
TEST(JsonLineWriterFastPaths, CompactJsonFindsWhitespaceAtEveryPositionOfEveryLength) {
  const std::string levels = R"([["63943.90","46.371"],["63943.80","0.010"],["1","2"]])";
  for (std::size_t length = 1; length <= levels.size(); ++length) {
    const std::string clean = levels.substr(0, length);
    ASSERT_EQ(compacted(clean), clean);
    for (std::size_t at = 0; at <= length; ++at) {
      for (const char* inserted : {" ", "\t", "\n", "\r"}) {
        std::string spaced = clean;
        spaced.insert(at, inserted);
        // inside a quoted decimal the byte is part of the string, outside it is dropped
        const std::string_view before = std::string_view(clean).substr(0, at);
        const bool in_string = std::count(before.begin(), before.end(), '"') % 2 == 1;
        ASSERT_EQ(compacted(spaced), in_string ? spaced : clean) << length << " " << at;
      }
      for (const char* kept : {"\x01", "\xc3\xa9"}) {
        std::string text = clean;
        text.insert(at, kept);
        ASSERT_EQ(compacted(text), text) << length << " " << at;
      }
    }
  }
}

// A record whose bound fits kStagedBytes is written on the stack and appended at finish(); a
// larger one into `out` itself. Both append to what `out` held, exactly what was written, at
// either side of the limit and filling the staged room to its last byte.
TEST(JsonLineWriterFastPaths, StagedAndDirectRecordsAppendTheSameBytes) {
  for (const std::size_t length : {std::size_t{0}, std::size_t{1}, JsonLineWriter::kStagedBytes - 1,
                                   JsonLineWriter::kStagedBytes}) {
    std::string text(length, 'x');
    for (std::size_t i = 0; i < length; ++i) text[i] = static_cast<char>('a' + i % 26);
    for (const std::size_t bound : {length, JsonLineWriter::kStagedBytes,
                                    JsonLineWriter::kStagedBytes + 1, 2 * length + 8192}) {
      if (bound < length) continue;
      std::string out = "held:";
      {
        JsonLineWriter writer(out, bound);
        writer.raw(text);
      }
      ASSERT_EQ(out, "held:" + text) << length << " in " << bound;
    }
  }
}
}  // namespace
}  // namespace depthrec::recording

// RLE / bit-packed hybrid bytes, computed by hand from Parquet's Encodings.md.
#include "parquet/rle_hybrid.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/parquet/byte_literals.hpp"

namespace depthrec::parquet {
namespace {

using test::bytes;

std::string encode(const std::vector<std::uint8_t>& levels, int bit_width = 1) {
  std::string out;
  append_rle_hybrid(levels, bit_width, out);
  return out;
}

TEST(RleHybrid, EmptyIsNothing) {
  EXPECT_EQ(encode({}), "");
}

TEST(RleHybrid, LongRunIsOneRleRun) {
  // header varint(10 << 1) = 0x14, then the value in one byte
  EXPECT_EQ(encode(std::vector<std::uint8_t>(10, 1)), bytes({0x14, 0x01}));
}

TEST(RleHybrid, ShortAlternationIsBitPackedLsbFirst) {
  // one group of 8: header (1 << 1) | 1 = 0x03; values 1,0,1,0,1 then zero padding: 0b00010101
  EXPECT_EQ(encode({1, 0, 1, 0, 1}), bytes({0x03, 0x15}));
}

TEST(RleHybrid, BitPackedStretchEndsOnAGroupOfEightBeforeARun) {
  // 1,0,1 then ten 0s: the first 5 zeros complete the packed group (0b00000101), the other 5 are
  // an RLE run: varint(5 << 1) = 0x0A, value 0.
  std::vector<std::uint8_t> levels = {1, 0, 1};
  levels.insert(levels.end(), 10, 0);
  EXPECT_EQ(encode(levels), bytes({0x03, 0x05, 0x0A, 0x00}));
}

TEST(RleHybrid, RunThenPackedTail) {
  std::vector<std::uint8_t> levels(300, 1);  // varint(600) = 0xD8 0x04
  levels.push_back(0);
  levels.push_back(1);
  EXPECT_EQ(encode(levels), bytes({0xD8, 0x04, 0x01, 0x03, 0x02}));
}

TEST(RleHybrid, WiderValuesPackAcrossBytes) {
  // bit width 3: values 1..5 -> bits 001 010 011 100 101 000 000 000, LSB first:
  // byte0 = 1 | 2<<3 | (3&3)<<6 = 0xD1, byte1 = 3>>2 | 4<<1 | 5<<4 = 0x58, byte2 = 0
  EXPECT_EQ(encode({1, 2, 3, 4, 5}, 3), bytes({0x03, 0xD1, 0x58, 0x00}));
}

TEST(RleHybrid, DictionaryIndicesWiderThanAByte) {
  // bit width 10: an RLE run's value takes 2 bytes (1000 = 0x03E8, little endian)
  std::string out;
  append_rle_hybrid(std::vector<std::uint32_t>(8, 1000), 10, out);
  EXPECT_EQ(out, bytes({0x10, 0xE8, 0x03}));
  // bit-packed, bit width 10: 1023, 1, then six zero-padded values: 1023 fills bits 0-9, 1 sets
  // bit 10 -> 0xFF, 0x07, then 0x00 x 8 (one group of 8 values is 10 bytes)
  out.clear();
  append_rle_hybrid(std::vector<std::uint32_t>{1023, 1}, 10, out);
  EXPECT_EQ(out, bytes({0x03, 0xFF, 0x07, 0, 0, 0, 0, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace depthrec::parquet

// Eight decimal digits at a time in one 64-bit word (little-endian: the first digit in memory is
// the word's low byte): the text <-> integer steps of the hot path's decimals, ids and times,
// by multiplications instead of a division or a multiply per digit.
#pragma once

#include <cstdint>

namespace depthrec::digits {

inline constexpr std::uint64_t kEachByte = 0x0101010101010101ULL;
inline constexpr std::uint64_t kAsciiZeros = '0' * kEachByte;

// The value of eight digit bytes, each 0..9 already (the ASCII '0' taken off), the first in
// memory the most significant: pairs, quads and the eight combined by three multiplies.
inline std::uint64_t eight_digits_value(std::uint64_t digits) {
  digits = digits * 10 + (digits >> 8);
  return (((digits & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((digits >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}

// 0 <= value < 10^8 as exactly eight ASCII digits, the first in memory the most significant:
// the halves, quarters and digits split by multiplications (each exact below 10^8, checked over
// every value), then one byte swap; ~12 instructions where to_chars took ~160 for a 13-19 digit
// id or time.
inline std::uint64_t eight_ascii_digits(std::uint32_t value) {
  std::uint64_t x = value + (0x1'0000'0000ULL - 10000) * ((value * 0x68D'B8BBULL) >> 40);
  x += (0x1'0000 - 100) * (((x * 0x147B) >> 19) & 0x7F'0000'007FULL);
  x += (0x100 - 10) * (((x * 0x67) >> 10) & 0x000F'000F'000F'000FULL);
  return __builtin_bswap64(x) + kAsciiZeros;
}

// How many leading '0' digits eight_ascii_digits(value) has (value > 0).
inline unsigned leading_zero_digits(std::uint64_t ascii) {
  return static_cast<unsigned>(__builtin_ctzll(ascii ^ kAsciiZeros)) / 8;
}

// How many trailing '0' digits it has (value > 0).
inline unsigned trailing_zero_digits(std::uint64_t ascii) {
  return static_cast<unsigned>(__builtin_clzll(ascii ^ kAsciiZeros)) / 8;
}

}  // namespace depthrec::digits

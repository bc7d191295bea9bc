#include "parquet/rle_hybrid.hpp"

#include "parquet/thrift_compact.hpp"

namespace depthrec::parquet {
namespace {

// A run shorter than this is bit-packed with its neighbours: an RLE run of 1 bit-wide levels costs
// 2 bytes, a bit-packed group of 8 levels 1 byte (plus its share of one header).
constexpr std::size_t kMinRleRun = 8;

template <typename T>
void append_bit_packed(const std::vector<T>& levels, std::size_t begin, std::size_t end,
                       int bit_width, std::string& out) {
  const std::size_t groups = (end - begin + 7) / 8;
  append_varint(out, (groups << 1) | 1);
  std::uint64_t buffer = 0;  // fewer than 8 bits left over + one value of at most 32 bits
  int bits = 0;
  for (std::size_t i = begin; i < begin + groups * 8; ++i) {
    const std::uint64_t value = i < end ? levels[i] : 0;  // the last group is padded with zeros
    buffer |= value << bits;
    bits += bit_width;
    while (bits >= 8) {
      out.push_back(static_cast<char>(buffer & 0xFF));
      buffer >>= 8;
      bits -= 8;
    }
  }
}

template <typename T>
void append_hybrid(const std::vector<T>& levels, int bit_width, std::string& out) {
  const std::size_t value_bytes = static_cast<std::size_t>((bit_width + 7) / 8);
  std::size_t i = 0;
  std::size_t packed_begin = 0;  // start of the values waiting to be bit-packed
  while (i < levels.size()) {
    std::size_t run_end = i + 1;
    while (run_end < levels.size() && levels[run_end] == levels[i]) ++run_end;
    // A long run becomes an RLE run once the values before it fill whole groups of 8: a
    // bit-packed stretch may only end on a multiple of 8 values (except the very last one).
    if (run_end - i >= kMinRleRun) {
      const std::size_t pending = i - packed_begin;
      const std::size_t pad = (8 - pending % 8) % 8;  // values of the run that complete the group
      if (pending > 0) append_bit_packed(levels, packed_begin, i + pad, bit_width, out);
      const std::size_t run_begin = i + (pending > 0 ? pad : 0);
      if (run_end > run_begin) {
        append_varint(out, (run_end - run_begin) << 1);
        for (std::size_t byte = 0; byte < value_bytes; ++byte) {
          out.push_back(static_cast<char>((levels[i] >> (8 * byte)) & 0xFF));
        }
      }
      packed_begin = run_end;
    }
    i = run_end;
  }
  if (packed_begin < levels.size()) {
    append_bit_packed(levels, packed_begin, levels.size(), bit_width, out);
  }
}

}  // namespace

void append_rle_hybrid(const std::vector<std::uint8_t>& values, int bit_width, std::string& out) {
  append_hybrid(values, bit_width, out);
}

void append_rle_hybrid(const std::vector<std::uint32_t>& values, int bit_width, std::string& out) {
  append_hybrid(values, bit_width, out);
}

}  // namespace depthrec::parquet

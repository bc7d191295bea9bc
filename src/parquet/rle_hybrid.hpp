// Parquet's RLE / bit-packed hybrid encoding, for definition levels (0 = null, 1 = present for an
// OPTIONAL column at the top level) and dictionary indices. Runs of equal levels are RLE runs
// (header varint(count << 1), then the value in ceil(bit_width / 8) bytes, little endian); a
// stretch that alternates too often for runs is bit-packed in groups of 8 (header varint(groups <<
// 1 | 1), then groups * bit_width bytes, values LSB first).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace depthrec::parquet {

// Appends the hybrid encoding of `values` (each < 2^bit_width, bit_width 1..32) to `out`, without
// the 4-byte length prefix a DataPage v1 puts before definition levels (dictionary indices have a
// bit-width byte before them instead).
void append_rle_hybrid(const std::vector<std::uint8_t>& values, int bit_width, std::string& out);
void append_rle_hybrid(const std::vector<std::uint32_t>& values, int bit_width, std::string& out);

}  // namespace depthrec::parquet

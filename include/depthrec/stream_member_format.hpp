// The gzip member of one stream (docs/records.md, "Files"). A segment is a sequence of standard
// gzip members; each holds ONE stream's lines of one flush period, and its header says which
// stream and how long the member is, so that a reader hops header to header and decompresses
// only the members of the stream it wants. Both fields are standard gzip (RFC 1952): zcat,
// Python's gzip and zlib read the segment as one stream of lines and ignore them.
//
//   offset  bytes  field
//   0       10     1f 8b 08 FLG=0c (FEXTRA|FNAME) MTIME=0 XFL=0 OS=ff
//   10      2      XLEN = 12
//   12      4      subfield id 'D' 'R', subfield length 8           (as BGZF's 'B' 'C')
//   16      4      member size in bytes, header to trailer, little endian
//   20      4      lines in the member, little endian
//   24      n+1    FNAME: the stream name (e.g. btcusdt@depth@100ms), NUL-terminated
//   ...            raw deflate data, CRC32, ISIZE
#pragma once

#include <cstddef>
#include <cstdint>

namespace depthrec::stream_member {

constexpr std::uint8_t kMagic1 = 0x1f;
constexpr std::uint8_t kMagic2 = 0x8b;
constexpr std::uint8_t kDeflate = 8;
constexpr std::uint8_t kFlagExtra = 0x04;
constexpr std::uint8_t kFlagName = 0x08;
constexpr std::uint8_t kSubfield1 = 'D';
constexpr std::uint8_t kSubfield2 = 'R';
constexpr std::size_t kSubfieldDataBytes = 8;                    // size + lines
constexpr std::size_t kExtraBytes = 4 + kSubfieldDataBytes;      // XLEN's value
constexpr std::size_t kFixedHeaderBytes = 10 + 2 + kExtraBytes;  // before FNAME
constexpr std::size_t kTrailerBytes = 8;                         // CRC32 + ISIZE
// The stream of connection-level records (connect, disconnect) of a connection that carries many
// streams: no Binance stream name lacks an '@', so it collides with none. Each stream the
// connection carried still gets its own gap/resync markers in its own members. A connection of one
// stream (the single-symbol recorder) keeps them in that stream, as before.
constexpr const char* kConnectionsStream = "connections";
// Stream names are short ASCII (Binance's longest are ~40 bytes); longer ones are cut.
constexpr std::size_t kMaxNameBytes = 255;

}  // namespace depthrec::stream_member

// Compresses a buffer into one complete gzip member (header, deflate data, CRC32 + size trailer).
// The writer's members are whole buffers, so both compressors work one-shot:
// - level 1 (the default) with ISA-L's igzip (stateless): on a whole market's real members it takes
//   0.57x the instructions and 0.61-0.64x the CPU time of libdeflate's level 1 for 5.2-5.6 % more
//   bytes (bench/README.md, sixth pass); still smaller members than zlib's level 1, at 0.3x its
//   CPU. Its Huffman code goes by the member's size: deflate's static code under 1 KiB, one
//   built once from the first 1 MiB compressed (4 KiB of a member at most) up to 16 KiB, igzip's
//   per-member dynamic code from there (and until that code is built): half the members of a whole
//   market are under 1 KB, where building their own code was most of their time (bench/README.md,
//   seventh pass).
// - levels 0 (stored) and 2-9 with libdeflate, 1:1 onto its levels (2-3x faster than zlib's
//   streaming deflate at the same ratio).
// Both keep their state between members, so steady state does not allocate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct libdeflate_compressor;

namespace depthrec::recording {

class GzipMemberEncoder {
 public:
  // Levels 0 (stored, no compression) to 9, the range zlib had. Throws std::invalid_argument for
  // a level outside 0..9, std::runtime_error if the compressor cannot be allocated (out of memory).
  explicit GzipMemberEncoder(int level);
  ~GzipMemberEncoder();
  GzipMemberEncoder(const GzipMemberEncoder&) = delete;
  GzipMemberEncoder& operator=(const GzipMemberEncoder&) = delete;

  // Appends the member for `input` (which may be empty: an empty member is still valid) to `out`.
  // Returns false only if the compressor reports that the member did not fit in its own bound,
  // leaving `out` as it was.
  bool append_member(std::string_view input, std::string& out);

  // Appends the member of one stream (stream_member_format.hpp): FNAME = `stream` (cut at
  // kMaxNameBytes, NUL bytes written as '?') and the 'DR' subfield with the member's own size and
  // `lines`. Returns false (leaving `out` as it was) if the compressor reports no fit, or the
  // member would not fit the 32-bit size field.
  bool append_stream_member(std::string_view input, std::string_view stream, std::uint32_t lines,
                            std::string& out);

 private:
  // Raw deflate of `input` into scratch_, `written` bytes of it; false if it did not fit.
  bool deflate_to_scratch(std::string_view input, std::size_t& written);
  // Appends the `deflated` bytes of scratch_ and the CRC32 + ISIZE trailer of `input`.
  void append_body(std::size_t deflated, std::string_view input, std::string& out) const;

  struct CompressorDeleter {
    void operator()(libdeflate_compressor* compressor) const;
  };
  struct Igzip;  // ISA-L's stream and level buffer (level 1 only)
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor_;
  std::unique_ptr<Igzip> igzip_;
  // The deflate output before it is appended: as large as the largest member's bound so far (the
  // sink's members stay under its flush threshold plus a line).
  std::vector<char> scratch_;
};

}  // namespace depthrec::recording

// Compresses a buffer into one complete gzip member (header, deflate data, CRC32 + size trailer)
// with libdeflate, which compresses a whole buffer in one call 2-3x faster than zlib's streaming
// deflate at the same ratio; the writer's members are whole buffers already. The compressor is
// allocated once and reused, so steady state does not allocate.
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
  // Levels 0 (stored, no compression) to 9, the range zlib had, mapped 1:1 onto libdeflate's
  // levels. Throws std::invalid_argument for a level outside 0..9, std::runtime_error if the
  // compressor cannot be allocated (out of memory).
  explicit GzipMemberEncoder(int level);

  // Appends the member for `input` (which may be empty: an empty member is still valid) to `out`.
  // `out` grows by libdeflate's worst-case bound before compressing, so a caller that clears and
  // reuses `out` keeps its capacity. Returns false only if libdeflate reports that the member did
  // not fit in its own bound, leaving `out` as it was.
  bool append_member(std::string_view input, std::string& out);

  // Appends the member of one stream (stream_member_format.hpp): FNAME = `stream` (cut at
  // kMaxNameBytes, NUL bytes written as '?') and the 'DR' subfield with the member's own size and
  // `lines`. Returns false (leaving `out` as it was) if libdeflate reports no fit, or the member
  // would not fit the 32-bit size field.
  bool append_stream_member(std::string_view input, std::string_view stream, std::uint32_t lines,
                            std::string& out);

 private:
  struct CompressorDeleter {
    void operator()(libdeflate_compressor* compressor) const;
  };
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor_;
  // append_stream_member's deflate output before it is appended: as large as the largest
  // member's bound so far (the sink's members stay under its flush threshold plus a line).
  std::vector<char> scratch_;
};

}  // namespace depthrec::recording

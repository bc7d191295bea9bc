// Compresses a buffer into one complete gzip member (header, deflate data, CRC32 + size trailer).
// The zlib stream is reset and reused between members, so steady state does not allocate.
#pragma once

#include <string>
#include <string_view>

#include <zlib.h>

namespace depthrec::recording {

class GzipMemberEncoder {
 public:
  // Throws std::invalid_argument for a level outside 0..9, std::runtime_error if zlib cannot
  // initialise (out of memory).
  explicit GzipMemberEncoder(int level);
  ~GzipMemberEncoder();
  GzipMemberEncoder(const GzipMemberEncoder&) = delete;
  GzipMemberEncoder& operator=(const GzipMemberEncoder&) = delete;

  // Appends the member for `input` (which may be empty: an empty member is still valid) to `out`.
  // Returns false only if zlib reports an internal error, leaving `out` as it was.
  bool append_member(std::string_view input, std::string& out);

 private:
  z_stream stream_{};
};

}  // namespace depthrec::recording

#include "recording/gzip_member_encoder.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace depthrec::recording {
namespace {
constexpr int kGzipWindowBits = 15 + 16;  // 16: write a gzip header and trailer, not zlib's
constexpr int kMemoryLevel = 8;
// zlib counts in uInt; feed huge inputs in pieces of this size.
constexpr std::size_t kMaxChunk = std::numeric_limits<uInt>::max() / 2;
}  // namespace

GzipMemberEncoder::GzipMemberEncoder(int level) {
  if (level < 0 || level > 9) {
    throw std::invalid_argument("gzip compression level must be 0..9, got " +
                                std::to_string(level));
  }
  if (deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits, kMemoryLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
}

GzipMemberEncoder::~GzipMemberEncoder() {
  deflateEnd(&stream_);
}

bool GzipMemberEncoder::append_member(std::string_view input, std::string& out) {
  const std::size_t original_size = out.size();
  if (deflateReset(&stream_) != Z_OK) return false;
  // deflateBound covers the gzip wrapper for a single call; grow further if it ever does not.
  std::size_t room = deflateBound(&stream_, static_cast<uLong>(std::min(input.size(), kMaxChunk)));
  if (input.size() > kMaxChunk) room += input.size() / 1000 * 1001 + 64;
  std::size_t used = original_size;
  std::size_t consumed = 0;
  for (;;) {
    if (out.size() - used < 64) out.resize(std::max(out.size() + room, out.size() * 2));
    if (stream_.avail_in == 0 && consumed < input.size()) {
      const std::size_t chunk = std::min(input.size() - consumed, kMaxChunk);
      // zlib's API is not const-correct; deflate never writes through next_in.
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + consumed));
      stream_.avail_in = static_cast<uInt>(chunk);
      consumed += chunk;
    }
    const std::size_t space = std::min(out.size() - used, kMaxChunk);
    stream_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream_.avail_out = static_cast<uInt>(space);
    const int flush_mode = consumed == input.size() ? Z_FINISH : Z_NO_FLUSH;
    const int rc = deflate(&stream_, flush_mode);
    used += space - stream_.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      out.resize(original_size);
      return false;
    }
  }
  out.resize(used);
  return true;
}

}  // namespace depthrec::recording

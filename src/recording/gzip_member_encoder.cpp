#include "recording/gzip_member_encoder.hpp"

#include <libdeflate.h>

#include <stdexcept>

namespace depthrec::recording {
namespace {
constexpr int kMinLevel = 0;
constexpr int kMaxLevel = 9;  // libdeflate goes to 12, but the CLI and config promise zlib's 0..9
}  // namespace

void GzipMemberEncoder::CompressorDeleter::operator()(libdeflate_compressor* compressor) const {
  libdeflate_free_compressor(compressor);
}

GzipMemberEncoder::GzipMemberEncoder(int level) {
  if (level < kMinLevel || level > kMaxLevel) {
    throw std::invalid_argument("gzip compression level must be 0..9, got " +
                                std::to_string(level));
  }
  // The level is valid, so null can only mean the allocation failed.
  compressor_.reset(libdeflate_alloc_compressor(level));
  if (!compressor_) throw std::runtime_error("libdeflate_alloc_compressor failed");
}

bool GzipMemberEncoder::append_member(std::string_view input, std::string& out) {
  const std::size_t original_size = out.size();
  const std::size_t bound = libdeflate_gzip_compress_bound(compressor_.get(), input.size());
  out.resize(original_size + bound);
  const std::size_t written = libdeflate_gzip_compress(
      compressor_.get(), input.data(), input.size(), out.data() + original_size, bound);
  if (written == 0) {  // every gzip member has a header, so 0 means "did not fit"
    out.resize(original_size);
    return false;
  }
  out.resize(original_size + written);
  return true;
}

}  // namespace depthrec::recording

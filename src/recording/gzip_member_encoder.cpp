#include "recording/gzip_member_encoder.hpp"

#include <libdeflate.h>

#include <limits>
#include <stdexcept>

#include "depthrec/stream_member_format.hpp"

namespace depthrec::recording {
namespace {
constexpr int kMinLevel = 0;
constexpr int kMaxLevel = 9;  // libdeflate goes to 12, but the CLI and config promise zlib's 0..9

void put_le32(std::string& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<char>(value >> (8 * i));
}

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

bool GzipMemberEncoder::append_stream_member(std::string_view input, std::string_view stream,
                                             std::uint32_t lines, std::string& out) {
  namespace fmt = stream_member;
  const std::size_t start = out.size();
  const std::string_view name = stream.substr(0, fmt::kMaxNameBytes);
  // Deflate first, into the reused scratch, then append the member at its exact size: growing
  // `out` by the bound zero-filled about as many bytes as the input each member (3.3 % of the
  // writer's instructions at a whole market) and left each member holding the bound's memory.
  const std::size_t bound = libdeflate_deflate_compress_bound(compressor_.get(), input.size());
  if (scratch_.size() < bound) scratch_.resize(bound);
  const std::size_t written = libdeflate_deflate_compress(compressor_.get(), input.data(),
                                                          input.size(), scratch_.data(), bound);
  const std::size_t header_size = fmt::kFixedHeaderBytes + name.size() + 1;
  const std::size_t member_size = header_size + written + fmt::kTrailerBytes;
  if ((written == 0 && !input.empty()) || member_size > std::numeric_limits<std::uint32_t>::max()) {
    return false;
  }
  const char fixed[] = {static_cast<char>(fmt::kMagic1),
                        static_cast<char>(fmt::kMagic2),
                        static_cast<char>(fmt::kDeflate),
                        static_cast<char>(fmt::kFlagExtra | fmt::kFlagName),
                        0,
                        0,
                        0,
                        0,  // MTIME: none (the lines carry their times)
                        0,
                        static_cast<char>(0xff),  // OS: unknown
                        static_cast<char>(fmt::kExtraBytes),
                        0,
                        static_cast<char>(fmt::kSubfield1),
                        static_cast<char>(fmt::kSubfield2),
                        static_cast<char>(fmt::kSubfieldDataBytes),
                        0};
  out.reserve(start + member_size);
  out.append(fixed, sizeof fixed);
  out.append(fmt::kSubfieldDataBytes, '\0');  // size and lines, patched below
  for (char c : name) out.push_back(c == '\0' ? '?' : c);
  out.push_back('\0');
  out.append(scratch_.data(), written);
  out.append(fmt::kTrailerBytes, '\0');
  const std::size_t trailer = start + header_size + written;
  put_le32(out, trailer, libdeflate_crc32(0, input.data(), input.size()));
  put_le32(out, trailer + 4, static_cast<std::uint32_t>(input.size()));  // ISIZE: mod 2^32
  put_le32(out, start + 16, static_cast<std::uint32_t>(member_size));
  put_le32(out, start + 20, lines);
  return true;
}

}  // namespace depthrec::recording

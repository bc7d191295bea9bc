// Page compression: none or zstd (Debian's libzstd; its header is included by page_codec.cpp
// alone). One compression context, reused for every page of a file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace depthrec::parquet {

enum class Codec : std::uint8_t { uncompressed, zstd };

class PageCodec {
 public:
  PageCodec(Codec codec, int zstd_level);
  ~PageCodec();
  PageCodec(const PageCodec&) = delete;
  PageCodec& operator=(const PageCodec&) = delete;

  Codec codec() const { return codec_; }
  // Replaces `out` with the compressed `page`. False (and `error`) only on a codec failure.
  bool compress(std::string_view page, std::string& out, std::string& error);

 private:
  struct Context;
  Codec codec_;
  int level_;
  std::unique_ptr<Context> context_;
};

}  // namespace depthrec::parquet

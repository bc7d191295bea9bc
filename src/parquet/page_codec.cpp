#include "parquet/page_codec.hpp"

#include <zstd.h>

namespace depthrec::parquet {

struct PageCodec::Context {
  ZSTD_CCtx* zstd = ZSTD_createCCtx();
  ~Context() { ZSTD_freeCCtx(zstd); }
  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

PageCodec::PageCodec(Codec codec, int zstd_level)
    : codec_(codec), level_(zstd_level), context_(std::make_unique<Context>()) {}

PageCodec::~PageCodec() = default;

bool PageCodec::compress(std::string_view page, std::string& out, std::string& error) {
  if (codec_ == Codec::uncompressed) {
    out.assign(page);
    return true;
  }
  out.resize(ZSTD_compressBound(page.size()));
  const std::size_t size =
      ZSTD_compressCCtx(context_->zstd, out.data(), out.size(), page.data(), page.size(), level_);
  if (ZSTD_isError(size)) {
    error = std::string("zstd: ") + ZSTD_getErrorName(size);
    return false;
  }
  out.resize(size);
  return true;
}

}  // namespace depthrec::parquet

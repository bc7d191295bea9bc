#include "recording/gzip_member_encoder.hpp"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "depthrec/stream_member_format.hpp"

namespace depthrec::recording {
namespace {
constexpr int kMinLevel = 0;
constexpr int kMaxLevel = 9;    // libdeflate goes to 12, but the CLI and config promise zlib's 0..9
constexpr int kIgzipLevel = 1;  // the level igzip compresses; every other goes to libdeflate
constexpr char kOsUnknown = static_cast<char>(0xff);

void put_le32(std::string& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<char>(value >> (8 * i));
}

// igzip's stateless deflate needs the whole output to fit; when the data does not compress it
// falls back to stored blocks, input plus a few bytes per block. The header's worst case and one
// stored block's framing per 4 KiB bound that with room to spare.
std::size_t igzip_bound(std::size_t input_size) {
  return input_size + input_size / 4096 + ISAL_DEF_MAX_HDR_SIZE + 64;
}

// Level 1's Huffman code per member size (bench/README.md, seventh pass; a whole market's real
// members: median 972 B, p90 18.6 KB). igzip's dynamic code is built per member (~6.5 us, most
// of a small member's time) and is 3-25 % smaller; a code chosen beforehand costs nothing per
// member. Below 1 KiB deflate's static code (no header) is the smaller of the two fixed codes;
// up to 16 KiB a code built once from the recording's own first lines (its ~80-byte header
// outweighs its gain below 1 KiB); from 16 KiB, where most of the bytes are, the dynamic code.
constexpr std::size_t kStaticCodeBelow = 1024;
constexpr std::size_t kDynamicCodeFrom = std::size_t{16} << 10;
// The sample the built code comes from: the first 4 KiB of each member until 1 MiB (1 MiB came
// within 0.4 % of a 16 MiB sample's bytes). Whole members would let a run's first few hot
// members be the sample: at a whole market's start five members were all of it, and that code
// was 21 % larger than the dynamic one on later mid-sized members (7 % with the 4 KiB cap).
constexpr std::size_t kCodeSampleBytes = std::size_t{1} << 20;
constexpr std::size_t kCodeSampleBytesPerMember = std::size_t{4} << 10;

}  // namespace

struct GzipMemberEncoder::Igzip {
  isal_zstream stream{};
  // Level 1's hash table and token buffer: the default size, which lets a large member's
  // blocks be long (a smaller buffer cut 30 KB members into more blocks: 1.3x the time).
  std::vector<std::uint8_t> level_buffer = std::vector<std::uint8_t>(ISAL_DEF_LVL1_DEFAULT);
  // The code built from the sample, once it is complete (the histogram is dropped then).
  std::unique_ptr<isal_huff_histogram> sample = std::make_unique<isal_huff_histogram>();
  std::size_t sampled_bytes = 0;
  std::unique_ptr<isal_hufftables> built_code;

  // Adds the start of `input` to the sample until it is complete, then builds the code. A
  // code ISA-L reports invalid is not used (members keep the dynamic code instead).
  void sample_input(std::string_view input) {
    if (!sample) return;
    const std::size_t take =
        std::min({input.size(), kCodeSampleBytesPerMember, kCodeSampleBytes - sampled_bytes});
    // igzip reads the input only; its API is not const.
    isal_update_histogram(reinterpret_cast<std::uint8_t*>(const_cast<char*>(input.data())),
                          static_cast<int>(take), sample.get());
    sampled_bytes += take;
    if (sampled_bytes < kCodeSampleBytes) return;
    auto code = std::make_unique<isal_hufftables>();
    if (isal_create_hufftables(code.get(), sample.get()) == 0) built_code = std::move(code);
    sample.reset();
  }

  // Level 0 with a code chosen beforehand for a small member, level 1 (a code of its own) else.
  void choose_code(std::size_t input_size) {
    if (input_size < kStaticCodeBelow) {
      stream.level = 0;
      isal_deflate_set_hufftables(&stream, nullptr, IGZIP_HUFFTABLE_STATIC);
    } else if (input_size < kDynamicCodeFrom && built_code) {
      stream.level = 0;
      isal_deflate_set_hufftables(&stream, built_code.get(), IGZIP_HUFFTABLE_CUSTOM);
    } else {
      stream.level = kIgzipLevel;
      stream.level_buf = level_buffer.data();
      stream.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
    }
  }
};

void GzipMemberEncoder::CompressorDeleter::operator()(libdeflate_compressor* compressor) const {
  libdeflate_free_compressor(compressor);
}

GzipMemberEncoder::GzipMemberEncoder(int level) {
  if (level < kMinLevel || level > kMaxLevel) {
    throw std::invalid_argument("gzip compression level must be 0..9, got " +
                                std::to_string(level));
  }
  if (level == kIgzipLevel) {
    igzip_ = std::make_unique<Igzip>();
    return;
  }
  // The level is valid, so null can only mean the allocation failed.
  compressor_.reset(libdeflate_alloc_compressor(level));
  if (!compressor_) throw std::runtime_error("libdeflate_alloc_compressor failed");
}

GzipMemberEncoder::~GzipMemberEncoder() = default;

bool GzipMemberEncoder::deflate_to_scratch(std::string_view input, std::size_t& written) {
  written = 0;
  if (!igzip_) {
    const std::size_t bound = libdeflate_deflate_compress_bound(compressor_.get(), input.size());
    if (scratch_.size() < bound) scratch_.resize(bound);
    written = libdeflate_deflate_compress(compressor_.get(), input.data(), input.size(),
                                          scratch_.data(), bound);
    return written != 0 || input.empty();
  }
  if (input.size() > std::numeric_limits<std::uint32_t>::max()) return false;
  const std::size_t bound = igzip_bound(input.size());
  if (bound > std::numeric_limits<std::uint32_t>::max()) return false;
  if (scratch_.size() < bound) scratch_.resize(bound);
  igzip_->sample_input(input);
  isal_zstream& stream = igzip_->stream;
  isal_deflate_stateless_init(&stream);
  igzip_->choose_code(input.size());
  stream.gzip_flag = IGZIP_DEFLATE;  // raw deflate: the member's framing is written here
  stream.end_of_stream = 1;
  stream.flush = NO_FLUSH;
  // igzip reads the input only; its API is not const.
  stream.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<std::uint32_t>(input.size());
  stream.next_out = reinterpret_cast<std::uint8_t*>(scratch_.data());
  stream.avail_out = static_cast<std::uint32_t>(bound);
  if (isal_deflate_stateless(&stream) != COMP_OK) return false;
  written = stream.total_out;
  return true;
}

void GzipMemberEncoder::append_body(std::size_t deflated, std::string_view input,
                                    std::string& out) const {
  out.append(scratch_.data(), deflated);
  const std::size_t trailer = out.size();
  out.append(stream_member::kTrailerBytes, '\0');
  put_le32(out, trailer, libdeflate_crc32(0, input.data(), input.size()));
  put_le32(out, trailer + 4, static_cast<std::uint32_t>(input.size()));  // ISIZE: mod 2^32
}

bool GzipMemberEncoder::append_member(std::string_view input, std::string& out) {
  namespace fmt = stream_member;
  std::size_t written = 0;
  if (!deflate_to_scratch(input, written)) return false;
  const char header[] = {static_cast<char>(fmt::kMagic1),
                         static_cast<char>(fmt::kMagic2),
                         static_cast<char>(fmt::kDeflate),
                         0,  // FLG: no optional fields
                         0,
                         0,
                         0,
                         0,  // MTIME: none
                         0,
                         kOsUnknown};
  out.reserve(out.size() + sizeof header + written + fmt::kTrailerBytes);
  out.append(header, sizeof header);
  append_body(written, input, out);
  return true;
}

bool GzipMemberEncoder::append_stream_member(std::string_view input, std::string_view stream,
                                             std::uint32_t lines, std::string& out) {
  namespace fmt = stream_member;
  const std::string_view name = stream.substr(0, fmt::kMaxNameBytes);
  // Deflate first, into the reused scratch, then append the member at its exact size: growing
  // `out` by the bound zero-filled about as many bytes as the input each member (3.3 % of the
  // writer's instructions at a whole market) and left each member holding the bound's memory.
  std::size_t written = 0;
  if (!deflate_to_scratch(input, written)) return false;
  const std::size_t header_size = fmt::kFixedHeaderBytes + name.size() + 1;
  const std::size_t member_size = header_size + written + fmt::kTrailerBytes;
  if (member_size > std::numeric_limits<std::uint32_t>::max()) return false;
  const std::size_t start = out.size();
  const char fixed[] = {static_cast<char>(fmt::kMagic1),
                        static_cast<char>(fmt::kMagic2),
                        static_cast<char>(fmt::kDeflate),
                        static_cast<char>(fmt::kFlagExtra | fmt::kFlagName),
                        0,
                        0,
                        0,
                        0,  // MTIME: none (the lines carry their times)
                        0,
                        kOsUnknown,
                        static_cast<char>(fmt::kExtraBytes),
                        0,
                        static_cast<char>(fmt::kSubfield1),
                        static_cast<char>(fmt::kSubfield2),
                        static_cast<char>(fmt::kSubfieldDataBytes),
                        0};
  out.reserve(start + member_size);
  out.append(fixed, sizeof fixed);
  out.append(fmt::kSubfieldDataBytes, '\0');  // size and lines
  put_le32(out, start + 16, static_cast<std::uint32_t>(member_size));
  put_le32(out, start + 20, lines);
  for (char c : name) out.push_back(c == '\0' ? '?' : c);
  out.push_back('\0');
  append_body(written, input, out);
  return true;
}

}  // namespace depthrec::recording

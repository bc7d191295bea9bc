#include "depthrec/stream_segment_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "depthrec/stream_member_format.hpp"

namespace depthrec {
namespace {

namespace fmt = stream_member;

constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;
constexpr std::size_t kMinGzipBytes = 18;  // 10-byte header, empty deflate block, 8-byte trailer

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::string at_offset(std::uint64_t offset, const std::string& what) {
  return "offset " + std::to_string(offset) + ": " + what;
}

struct FileCloser {
  int fd = -1;
  ~FileCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// zlib's inflate state, ended however the read ends.
struct Inflater {
  z_stream stream{};
  bool ready = false;
  Inflater() { ready = inflateInit2(&stream, 15 + 16) == Z_OK; }  // gzip wrapper only
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

}  // namespace

struct StreamSegmentReader::Impl {
  ReadAt read_at;
  std::uint64_t bytes = 0;
  std::shared_ptr<FileCloser> file;  // open(): the fd read_at uses
  std::vector<char> chunk = std::vector<char>(kChunkBytes);

  // Reads exactly `size` bytes at `offset` (the caller checked the range). "" or the error.
  std::string read_exact(std::uint64_t offset, char* buffer, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      const long n = read_at(offset + done, buffer + done, size - done);
      if (n == -EINTR) continue;
      if (n < 0)
        return at_offset(offset, std::string("read: ") + std::strerror(static_cast<int>(-n)));
      if (n == 0) return at_offset(offset, "read: unexpected end of file");
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  // Decompresses the gzip member at `offset` (at most `limit` input bytes, when known): appends
  // its bytes to `out` (if not null), counts its lines, sets `consumed` to the member's size.
  // `truncated` is set when the input ends inside the member.
  std::string inflate_member(std::uint64_t offset, std::uint64_t limit, std::string* out,
                             std::uint64_t& lines, std::uint64_t& consumed, bool& truncated) {
    Inflater inflater;
    if (!inflater.ready) return at_offset(offset, "inflateInit failed (out of memory)");
    z_stream& z = inflater.stream;
    unsigned char output[kChunkBytes];
    std::uint64_t produced = 0;
    std::uint64_t in_pos = offset;
    const std::uint64_t end = std::min(bytes, offset + limit);
    for (;;) {
      if (z.avail_in == 0) {
        if (in_pos >= end) {
          truncated = true;
          return at_offset(offset, "gzip member cut short");
        }
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, end - in_pos));
        if (std::string error = read_exact(in_pos, chunk.data(), want); !error.empty())
          return error;
        z.next_in = reinterpret_cast<unsigned char*>(chunk.data());
        z.avail_in = static_cast<uInt>(want);
        in_pos += want;
      }
      z.next_out = output;
      z.avail_out = sizeof output;
      const int code = inflate(&z, Z_NO_FLUSH);
      const std::size_t got = sizeof output - z.avail_out;
      produced += got;
      if (produced > kMaxMemberBytes) {
        return at_offset(
            offset, "gzip member holds more than " + std::to_string(kMaxMemberBytes) + " bytes");
      }
      lines += static_cast<std::uint64_t>(std::count(output, output + got, '\n'));
      if (out != nullptr) out->append(reinterpret_cast<const char*>(output), got);
      if (code == Z_STREAM_END) {
        consumed = z.total_in;
        return {};
      }
      if (code != Z_OK && !(code == Z_BUF_ERROR && z.avail_in == 0)) {
        return at_offset(offset, std::string("corrupt gzip member: ") +
                                     (z.msg != nullptr ? z.msg : "inflate error"));
      }
    }
  }

  enum class HeaderKind { stream_member, other_gzip, truncated, garbage };

  // Reads the header at `offset`: for a stream member, its name, size and lines.
  HeaderKind read_header(std::uint64_t offset, SegmentMember& member, std::string& why) {
    unsigned char header[fmt::kFixedHeaderBytes + fmt::kMaxNameBytes + 1];
    const std::uint64_t left = bytes - offset;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof header, left));
    why = read_exact(offset, reinterpret_cast<char*>(header), n);
    if (!why.empty()) return HeaderKind::garbage;
    if ((n >= 1 && header[0] != fmt::kMagic1) || (n >= 2 && header[1] != fmt::kMagic2) ||
        (n >= 3 && header[2] != fmt::kDeflate)) {
      char bytes_seen[32];
      std::snprintf(bytes_seen, sizeof bytes_seen, "0x%02x 0x%02x", header[0],
                    n >= 2 ? header[1] : 0);
      why = at_offset(offset, std::string("not a gzip member (starts ") + bytes_seen + ")");
      return HeaderKind::garbage;
    }
    if (n < kMinGzipBytes) return HeaderKind::truncated;
    const bool ours =
        header[3] == (fmt::kFlagExtra | fmt::kFlagName) && n >= fmt::kFixedHeaderBytes &&
        header[10] == fmt::kExtraBytes && header[11] == 0 && header[12] == fmt::kSubfield1 &&
        header[13] == fmt::kSubfield2 && header[14] == fmt::kSubfieldDataBytes && header[15] == 0;
    if (!ours) return HeaderKind::other_gzip;
    const unsigned char* name = header + fmt::kFixedHeaderBytes;
    const auto* nul =
        static_cast<const unsigned char*>(std::memchr(name, 0, n - fmt::kFixedHeaderBytes));
    if (nul == nullptr) {
      if (n < sizeof header) return HeaderKind::truncated;
      why = at_offset(offset,
                      "stream name longer than " + std::to_string(fmt::kMaxNameBytes) + " bytes");
      return HeaderKind::garbage;
    }
    member.stream.assign(reinterpret_cast<const char*>(name), static_cast<std::size_t>(nul - name));
    member.size = le32(header + 16);
    member.lines = le32(header + 20);
    member.offset = offset;
    const std::uint64_t least =
        fmt::kFixedHeaderBytes + member.stream.size() + 1 + 2 + fmt::kTrailerBytes;
    if (member.size < least) {
      why = at_offset(offset,
                      "member size " + std::to_string(member.size) + " is smaller than its header");
      return HeaderKind::garbage;
    }
    if (member.size > left) return HeaderKind::truncated;
    return HeaderKind::stream_member;
  }
};

StreamSegmentReader::StreamSegmentReader(ReadAt read_at, std::uint64_t bytes)
    : impl_(std::make_unique<Impl>()) {
  impl_->read_at = std::move(read_at);
  impl_->bytes = bytes;
}

StreamSegmentReader::~StreamSegmentReader() = default;

std::unique_ptr<StreamSegmentReader> StreamSegmentReader::open(const std::string& path,
                                                               std::string& error) {
  auto file = std::make_shared<FileCloser>();
  file->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (file->fd < 0 || ::fstat(file->fd, &info) != 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  if (!S_ISREG(info.st_mode)) {
    error = path + ": not a regular file";
    return nullptr;
  }
  const int fd = file->fd;
  auto reader = std::make_unique<StreamSegmentReader>(
      [fd](std::uint64_t offset, char* buffer, std::size_t size) -> long {
        const ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
        return n >= 0 ? static_cast<long>(n) : -static_cast<long>(errno);
      },
      static_cast<std::uint64_t>(info.st_size));
  reader->impl_->file = std::move(file);
  return reader;
}

std::unique_ptr<StreamSegmentReader> StreamSegmentReader::from_memory(std::string_view bytes) {
  return std::make_unique<StreamSegmentReader>(
      [bytes](std::uint64_t offset, char* buffer, std::size_t size) -> long {
        if (offset >= bytes.size()) return 0;
        const std::size_t n =
            std::min<std::size_t>(size, bytes.size() - static_cast<std::size_t>(offset));
        std::memcpy(buffer, bytes.data() + offset, n);
        return static_cast<long>(n);
      },
      bytes.size());
}

SegmentListing StreamSegmentReader::list() {
  SegmentListing listing;
  listing.bytes = impl_->bytes;
  std::uint64_t offset = 0;
  while (offset < impl_->bytes) {
    SegmentMember member;
    std::string why;
    switch (impl_->read_header(offset, member, why)) {
      case Impl::HeaderKind::stream_member:
        break;
      case Impl::HeaderKind::truncated:
        listing.truncated = true;
        return listing;
      case Impl::HeaderKind::garbage:
        listing.error = std::move(why);
        return listing;
      case Impl::HeaderKind::other_gzip: {
        member = SegmentMember{};
        member.offset = offset;
        member.indexed = false;
        bool truncated = false;
        why = impl_->inflate_member(offset, impl_->bytes - offset, nullptr, member.lines,
                                    member.size, truncated);
        if (truncated) {
          listing.truncated = true;
          return listing;
        }
        if (!why.empty()) {
          listing.error = std::move(why);
          return listing;
        }
        break;
      }
    }
    offset += member.size;
    listing.members.push_back(std::move(member));
  }
  return listing;
}

std::string StreamSegmentReader::read_member(const SegmentMember& member, std::string& out) {
  if (member.size == 0 || member.offset > impl_->bytes ||
      member.size > impl_->bytes - member.offset) {
    return at_offset(member.offset, "member lies outside the segment");
  }
  std::uint64_t lines = 0;
  std::uint64_t consumed = 0;
  bool truncated = false;
  const std::size_t before = out.size();
  std::string error =
      impl_->inflate_member(member.offset, member.size, &out, lines, consumed, truncated);
  if (error.empty() && consumed != member.size) {
    error = at_offset(member.offset, "member size field says " + std::to_string(member.size) +
                                         " bytes, the data ends after " + std::to_string(consumed));
  }
  if (error.empty() && member.indexed && lines != member.lines) {
    error = at_offset(member.offset, "header says " + std::to_string(member.lines) +
                                         " lines, the member holds " + std::to_string(lines));
  }
  if (!error.empty()) out.resize(before);  // none of a member that does not check out
  return error;
}

std::string StreamSegmentReader::read_stream(std::string_view stream, std::string& out) {
  const SegmentListing listing = list();
  for (const SegmentMember& member : listing.members) {
    if (member.stream != stream) continue;
    if (std::string error = read_member(member, out); !error.empty()) return error;
  }
  return listing.error;
}

}  // namespace depthrec

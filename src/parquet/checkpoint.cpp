#include "parquet/checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "parquet/durable_rename.hpp"

namespace depthrec::parquet {
namespace {

constexpr std::string_view kSidecarMagic = "DRPQFTR1";
constexpr std::string_view kParquetMagic = "PAR1";
constexpr std::size_t kSidecarFixedBytes = 8 + 8 + 4 + 4;
constexpr std::size_t kMaxFooterBytes = 64u << 20;  // far above any footer this writer makes

template <typename Integer>
void append_le(std::string& out, Integer value) {
  for (std::size_t i = 0; i < sizeof(Integer); ++i) {
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff));
  }
}

template <typename Integer>
Integer read_le(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(Integer); ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return static_cast<Integer>(value);
}

std::uint32_t checksum(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const auto piece = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), piece);
    bytes.remove_prefix(piece);
  }
  return static_cast<std::uint32_t>(crc);
}

std::string describe(const std::string& what, const std::string& path, int error_number) {
  return what + " " + path + ": " + std::strerror(error_number);
}

// The sidecar's bytes, or false when it is absent or larger than any sidecar this writer makes.
bool read_sidecar(const std::string& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0 || static_cast<std::uint64_t>(size) > kMaxFooterBytes + kSidecarFixedBytes) {
    return false;
  }
  in.seekg(0);
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return static_cast<bool>(in) || in.eof();
}

bool starts_as_parquet(int fd) {
  char head[4];
  return ::pread(fd, head, 4, 0) == 4 && std::string_view(head, 4) == kParquetMagic;
}

bool write_all_at(int fd, std::string_view bytes, off_t offset) {
  while (!bytes.empty()) {
    const ssize_t written = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (written == 0) errno = ENOSPC;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
    offset += written;
  }
  return true;
}

}  // namespace

std::string encode_checkpoint(std::uint64_t data_end, std::string_view footer) {
  std::string out;
  out.reserve(kSidecarFixedBytes + footer.size());
  out.append(kSidecarMagic);
  append_le<std::uint64_t>(out, data_end);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(footer.size()));
  out.append(footer);
  append_le<std::uint32_t>(out, checksum(out));
  return out;
}

bool decode_checkpoint(std::string_view bytes, FooterCheckpoint& checkpoint, std::string& error) {
  if (bytes.size() < kSidecarFixedBytes || bytes.substr(0, 8) != kSidecarMagic) {
    error = "not a footer checkpoint (too short or wrong magic)";
    return false;
  }
  const auto data_end = read_le<std::uint64_t>(bytes.substr(8));
  const auto footer_size = read_le<std::uint32_t>(bytes.substr(16));
  if (footer_size != bytes.size() - kSidecarFixedBytes) {
    error = "footer checkpoint: its size field does not match its length";
    return false;
  }
  const std::string_view covered = bytes.substr(0, bytes.size() - 4);
  if (read_le<std::uint32_t>(bytes.substr(bytes.size() - 4)) != checksum(covered)) {
    error = "footer checkpoint: checksum mismatch (corrupt or half written)";
    return false;
  }
  const std::string_view footer = bytes.substr(20, footer_size);
  if (footer.size() < 12 || footer.substr(footer.size() - 4) != kParquetMagic ||
      read_le<std::uint32_t>(footer.substr(footer.size() - 8)) != footer.size() - 8) {
    error = "footer checkpoint: the saved footer does not end with its length and PAR1";
    return false;
  }
  if (data_end < kParquetMagic.size()) {
    error = "footer checkpoint: data end before the file's PAR1";
    return false;
  }
  checkpoint.data_end = data_end;
  checkpoint.footer.assign(footer);
  return true;
}

RecoveryOutcome recover_temporary(const std::string& temporary, const std::string& recovered_path,
                                  std::string& error) {
  const std::string sidecar = temporary + std::string(kCheckpointSuffix);
  std::string bytes;
  FooterCheckpoint checkpoint;
  if (!read_sidecar(sidecar, bytes) || !decode_checkpoint(bytes, checkpoint, error)) {
    ::unlink(sidecar.c_str());  // absent or useless: nothing can come of it
    return RecoveryOutcome::unrecoverable;
  }
  const int fd = ::open(temporary.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    error = describe("cannot open", temporary, errno);
    return RecoveryOutcome::failed;
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0 ||
      static_cast<std::uint64_t>(status.st_size) < checkpoint.data_end || !starts_as_parquet(fd)) {
    ::close(fd);
    error = temporary + ": shorter than its footer checkpoint says, or not Parquet";
    ::unlink(sidecar.c_str());
    return RecoveryOutcome::unrecoverable;
  }
  const auto data_end = static_cast<off_t>(checkpoint.data_end);
  const bool written = ::ftruncate(fd, data_end) == 0 &&
                       write_all_at(fd, checkpoint.footer, data_end) && ::fsync(fd) == 0;
  const int write_errno = errno;
  if (::close(fd) != 0 && written) {
    error = describe("cannot close", temporary, errno);
    return RecoveryOutcome::failed;
  }
  if (!written) {
    error = describe("cannot recover", temporary, write_errno);
    return RecoveryOutcome::failed;
  }
  if (!rename_durably(temporary, recovered_path, error)) return RecoveryOutcome::failed;
  ::unlink(sidecar.c_str());
  return RecoveryOutcome::recovered;
}

}  // namespace depthrec::parquet

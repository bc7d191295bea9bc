// Segment names, the directory scan that continues seq numbering, and the POSIX file operations.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <optional>
#include <system_error>

#include "depthrec/gzip_rotating_sink.hpp"
#include "recording/utc_time.hpp"

namespace depthrec {
namespace {

constexpr std::string_view kSuffix = ".ndjson.gz";
constexpr int kSeqWidth = 6;

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "<prefix>.<YYYYmmdd-HHMMSS>Z.<seq>.ndjson.gz" -> seq; nullopt for any other name.
std::optional<std::uint64_t> parse_segment_seq(std::string_view name) {
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  name.remove_suffix(kSuffix.size());
  const std::size_t seq_dot = name.rfind('.');
  if (seq_dot == std::string_view::npos) return std::nullopt;
  const std::string_view seq_text = name.substr(seq_dot + 1);
  const std::string_view head = name.substr(0, seq_dot);
  const std::size_t stamp_dot = head.rfind('.');
  if (stamp_dot == std::string_view::npos) return std::nullopt;
  const std::string_view stamp = head.substr(stamp_dot + 1);  // YYYYmmdd-HHMMSSZ
  if (stamp.size() != recording::kCompactDateTimeChars + 1 || stamp[8] != '-' ||
      stamp.back() != 'Z' || !all_digits(stamp.substr(0, 8)) || !all_digits(stamp.substr(9, 6))) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  if (!all_digits(seq_text)) return std::nullopt;
  const auto result = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  if (result.ec != std::errc()) return std::nullopt;
  return seq;
}

}  // namespace

std::string GzipRotatingSink::segment_file_name(std::string_view prefix,
                                                std::chrono::system_clock::time_point opened,
                                                std::uint64_t seq) {
  const auto epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(opened.time_since_epoch()).count();
  char stamp[recording::kCompactDateTimeChars];
  char digits[24];
  const auto seq_end = std::to_chars(digits, digits + sizeof digits, seq).ptr;
  const auto seq_length = static_cast<int>(seq_end - digits);
  std::string name(prefix);
  name.push_back('.');
  name.append(stamp, recording::format_compact_date_time(epoch_ms, stamp));
  name.append("Z.");
  if (seq_length < kSeqWidth) name.append(static_cast<std::size_t>(kSeqWidth - seq_length), '0');
  name.append(digits, seq_end);
  name.append(kSuffix);
  return name;
}

std::uint64_t GzipRotatingSink::highest_segment_seq(const std::string& directory) {
  std::uint64_t highest = 0;
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (const auto seq = parse_segment_seq(name); seq && *seq > highest) highest = *seq;
  }
  return highest;
}

SegmentFileOps posix_segment_file_ops() {
  SegmentFileOps ops;
  ops.create_exclusive = [](const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    return fd >= 0 ? fd : -errno;
  };
  ops.write = [](int fd, const char* data, std::size_t size) -> long {
    const ssize_t n = ::write(fd, data, size);
    return n >= 0 ? static_cast<long>(n) : -static_cast<long>(errno);
  };
  return ops;
}

}  // namespace depthrec

#include "depthrec/csv_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <system_error>

#include "recording/csv_rows.hpp"
#include "recording/utc_time.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
constexpr int kMaxNameVariants = 99;  // <name>.2.csv ... when a file has another header

// Closes a descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string error_text(const char* operation, const std::string& path, int error_number) {
  return std::string(operation) + " " + path + ": " + std::strerror(error_number);
}

int open_for_append(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    // The market's folder (or the whole directory) is missing: (re)create it once.
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  return fd;
}

bool read_at(int fd, std::string& out, std::size_t size, off_t offset) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(fd, out.data() + done, size - done, offset + off_t(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

// The size of the file without a last row that lacks its '\n' (a write cut short by a crash);
// -1 when it cannot be read.
off_t complete_rows_end(int fd, off_t size) {
  std::string chunk;
  off_t end = size;
  while (end > 0) {
    const off_t start = std::max<off_t>(0, end - 65536);
    if (!read_at(fd, chunk, static_cast<std::size_t>(end - start), start)) return -1;
    const std::size_t newline = chunk.rfind('\n');
    if (newline != std::string::npos) return start + off_t(newline) + 1;
    end = start;
  }
  return 0;
}

std::string name_variant(const std::string& path, int variant) {
  if (variant == 1) return path;
  return path.substr(0, path.size() - 4) + "." + std::to_string(variant) + ".csv";
}

}  // namespace

struct CsvSink::Impl {
  struct PendingFile {
    recording::CsvTable table = recording::CsvTable::depth;
    std::string rows;
    std::uint64_t row_count = 0;
    std::int64_t day = 0;  // UTC day of its rows (days since the epoch)
  };

  CsvSinkConfig config;
  recording::CsvRowFormatter formatter;
  recording::CsvTarget target;
  std::string rows;
  std::string path;
  std::map<std::string, PendingFile> files;     // by the path its rows are named for
  std::map<std::string, std::string> resolved;  // that path -> the file written (checked)
  std::set<std::string> unsynced;               // files written since their last fsync
  std::size_t pending_bytes = 0;
  std::int64_t latest_day = 0;
  mutable std::mutex stats_mutex;
  CsvSinkStats stats;

  explicit Impl(CsvSinkConfig c) : config(std::move(c)) {}

  void fail(const std::string& error) {
    std::lock_guard<std::mutex> lock(stats_mutex);
    ++stats.write_errors;
    stats.last_error = error;
  }

  void file_path_of(const recording::CsvTarget& t, std::string& out) const {
    out.assign(config.directory).append("/").append(t.market).append("/").append(t.file_stem);
    if (config.daily_files) {
      char date[recording::kCompactDateChars];
      recording::format_compact_date(t.recv_ns / 1'000'000, date);
      out.append("_").append(date, sizeof date);
    }
    out.append(".csv");
  }

  // The file `path`'s rows go to: itself, or its first variant whose header is this version's.
  // Cuts off a torn last row. Empty on failure (counted).
  std::string resolve(const std::string& base, recording::CsvTable table) {
    if (const auto found = resolved.find(base); found != resolved.end()) return found->second;
    const std::string_view header = recording::csv_header(table);
    std::string first_line;
    for (int variant = 1; variant <= kMaxNameVariants; ++variant) {
      std::string candidate = name_variant(base, variant);
      const FileDescriptor fd(open_for_append(candidate));
      if (fd.get() < 0) {
        fail(error_text("open", candidate, errno));
        return {};
      }
      const off_t size = ::lseek(fd.get(), 0, SEEK_END);
      if (size < 0) {
        fail(error_text("seek", candidate, errno));
        return {};
      }
      if (size > 0) {
        if (size < off_t(header.size()) || !read_at(fd.get(), first_line, header.size(), 0) ||
            first_line != header)
          continue;  // another table or version: not ours to append to
        const off_t end = complete_rows_end(fd.get(), size);
        if (end < off_t(header.size())) {
          fail(error_text("read", candidate, errno ? errno : EIO));
          return {};
        }
        if (end < size) {
          if (::ftruncate(fd.get(), end) != 0) {
            fail(error_text("truncate", candidate, errno));
            return {};
          }
          std::lock_guard<std::mutex> lock(stats_mutex);
          ++stats.torn_rows_cut;
        }
      }
      resolved.emplace(base, candidate);
      return candidate;
    }
    fail("open " + base + ": " + std::to_string(kMaxNameVariants) +
         " files of that name with another header");
    return {};
  }

  // Appends the file's rows (after its header when it is empty) in one write of whole rows;
  // on failure the file is cut back to its size before.
  bool write_file(const std::string& base, PendingFile& file) {
    const std::string target_path = resolve(base, file.table);
    if (target_path.empty()) return false;
    const FileDescriptor fd(open_for_append(target_path));
    if (fd.get() < 0) {
      resolved.erase(base);  // checked again when it can be opened
      fail(error_text("open", target_path, errno));
      return false;
    }
    const off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0) {
      fail(error_text("seek", target_path, errno));
      return false;
    }
    std::string_view header;
    if (size == 0) header = recording::csv_header(file.table);
    std::string joined;
    if (!header.empty()) joined.assign(header).append(file.rows);
    const std::string_view data = header.empty() ? std::string_view(file.rows) : joined;
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t wrote = ::write(fd.get(), data.data() + done, data.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        const int error_number = wrote < 0 ? errno : ENOSPC;
        if (::ftruncate(fd.get(), size) != 0) resolved.erase(base);
        fail(error_text("write", target_path, error_number));
        return false;
      }
      done += static_cast<std::size_t>(wrote);
    }
    unsynced.insert(target_path);
    std::lock_guard<std::mutex> lock(stats_mutex);
    if (size == 0) ++stats.files_created;
    stats.rows_written += file.row_count;
    stats.bytes_written += data.size();
    return true;
  }

  SinkStatus flush() {
    SinkStatus status;
    for (auto it = files.begin(); it != files.end();) {
      PendingFile& file = it->second;
      if (!file.rows.empty()) {
        if (write_file(it->first, file)) {
          pending_bytes -= file.rows.size();
          file.rows.clear();
          file.row_count = 0;
          if (file.rows.capacity() > (std::size_t{1} << 20)) file.rows.shrink_to_fit();
        } else if (status.ok()) {
          status.code = SinkStatus::Code::failed;
          std::lock_guard<std::mutex> lock(stats_mutex);
          status.message = stats.last_error;
        }
      }
      // A finished day's file leaves the table: memory follows the files of today.
      if (file.rows.empty() && file.day < latest_day) {
        resolved.erase(it->first);
        it = files.erase(it);
      } else {
        ++it;
      }
    }
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.unwritten_bytes = pending_bytes;
    return status;
  }

  SinkStatus write_line(std::string_view line) {
    rows.clear();
    const recording::CsvLineResult result = formatter.format(line, target, rows);
    std::lock_guard<std::mutex> lock(stats_mutex);
    ++stats.lines_in;
    if (result == recording::CsvLineResult::not_csv) {
      ++stats.lines_not_csv;
      return SinkStatus::success();
    }
    if (result == recording::CsvLineResult::unreadable) {
      ++stats.lines_unreadable;
      return SinkStatus::success();
    }
    if (pending_bytes + rows.size() > config.max_unwritten_bytes) {
      ++stats.lines_refused;
      SinkStatus status;
      status.code = SinkStatus::Code::dropped;
      status.message = "csv: " + std::to_string(pending_bytes) + " bytes of rows unwritten";
      return status;
    }
    file_path_of(target, path);
    PendingFile& file = files[path];
    file.table = target.table;
    file.day = target.recv_ns / kNsPerDay;
    latest_day = std::max(latest_day, file.day);
    file.rows += rows;
    file.row_count += static_cast<std::uint64_t>(std::count(rows.begin(), rows.end(), '\n'));
    pending_bytes += rows.size();
    stats.unwritten_bytes = pending_bytes;
    return SinkStatus::success();
  }
};

CsvSink::CsvSink(CsvSinkConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

CsvSink::~CsvSink() {
  close();
}

SinkStatus CsvSink::write(std::string_view lines) {
  SinkStatus status;
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    const std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (line.empty()) continue;
    SinkStatus line_status = impl_->write_line(line);
    if (!line_status.ok() && status.ok()) status = std::move(line_status);
  }
  if (status.ok() && impl_->pending_bytes >= impl_->config.flush_threshold_bytes)
    return impl_->flush();
  return status;
}

SinkStatus CsvSink::flush() {
  return impl_->flush();
}

SinkStatus CsvSink::close() {
  SinkStatus status = impl_->flush();
  // Durable at stop, as the gzip sink's closed segment: each file written is fsync'ed once.
  for (const std::string& file : impl_->unsynced) {
    const FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
      impl_->fail(error_text("fsync", file, errno));
      if (status.ok()) status = {SinkStatus::Code::failed, errno, impl_->stats.last_error};
    }
  }
  impl_->unsynced.clear();
  std::uint64_t lost = 0;
  for (auto& [name, file] : impl_->files) lost += file.row_count;
  impl_->files.clear();
  impl_->resolved.clear();
  impl_->pending_bytes = 0;
  std::lock_guard<std::mutex> lock(impl_->stats_mutex);
  impl_->stats.rows_lost += lost;
  impl_->stats.unwritten_bytes = 0;
  return status;
}

CsvSinkStats CsvSink::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mutex);
  return impl_->stats;
}

}  // namespace depthrec

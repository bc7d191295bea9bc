#include "parquet/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "parquet/checkpoint.hpp"
#include "parquet/durable_rename.hpp"

namespace depthrec::parquet {
namespace {

std::string describe(const std::string& what, const std::string& path, int error_number) {
  return what + " " + path + ": " + std::strerror(error_number);
}

class DiskOutputFile final : public OutputFile {
 public:
  DiskOutputFile(std::string path, int fd, bool crash_checkpoints)
      : path_(std::move(path)), fd_(fd), crash_checkpoints_(crash_checkpoints) {}
  ~DiskOutputFile() override { discard(); }
  DiskOutputFile(const DiskOutputFile&) = delete;
  DiskOutputFile& operator=(const DiskOutputFile&) = delete;

  bool write(std::string_view bytes) override {
    if (fd_ < 0) return false;
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return fail("cannot write", written < 0 ? errno : ENOSPC);
      bytes.remove_prefix(static_cast<std::size_t>(written));
      position_ += static_cast<std::size_t>(written);
    }
    return true;
  }

  bool checkpoint(std::string_view footer) override {
    if (fd_ < 0) return false;
    if (!crash_checkpoints_) return true;
    // The data first: a sidecar must never point past bytes a crash could still lose.
    if (::fdatasync(fd_) != 0) return fail("cannot fsync", errno);
    const std::string sidecar = temporary() + std::string(kCheckpointSuffix);
    const std::string staging = sidecar + ".tmp";
    const int fd = ::open(staging.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("cannot create", errno, staging);
    const std::string bytes = encode_checkpoint(position_, footer);
    const bool written = write_all(fd, bytes) && ::fdatasync(fd) == 0;
    const int write_errno = errno;
    ::close(fd);
    if (!written || std::rename(staging.c_str(), sidecar.c_str()) != 0) {
      const int error_number = written ? errno : write_errno;
      ::unlink(staging.c_str());
      return fail("cannot write", error_number, staging);
    }
    return true;
  }

  bool commit() override {
    if (fd_ < 0) return false;
    if (::fsync(fd_) != 0) return fail("cannot fsync", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail("cannot close", errno);
    std::string rename_error;
    const bool renamed = rename(temporary(), path_, rename_error);
    if (!renamed && !committed_) {
      error_ = rename_error;
      discard();
      return false;
    }
    remove_sidecar();  // a leftover one (crash just now) has no .tmp: recovery removes it
    if (!renamed) error_ = rename_error;  // complete under its name, its directory not fsynced
    return renamed;
  }

  void discard() override {
    if (committed_) return;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(temporary().c_str());
    remove_sidecar();
  }

  std::size_t position() const override { return position_; }
  const std::string& error() const override { return error_; }

 private:
  std::string temporary() const { return path_ + ".tmp"; }
  // rename_durably, noting when the rename itself is done (a failed directory fsync after it
  // leaves a whole file under its final name: it is reported, never discarded).
  bool rename(const std::string& from, const std::string& to, std::string& error) {
    RenameCalls calls = posix_rename_calls();
    const auto rename_call = calls.rename;
    calls.rename = [&](const std::string& source, const std::string& target) {
      const int failed = rename_call(source, target);
      committed_ = failed == 0;
      return failed;
    };
    return rename_durably(from, to, error, calls);
  }
  void remove_sidecar() const {
    if (crash_checkpoints_) ::unlink((temporary() + std::string(kCheckpointSuffix)).c_str());
  }
  static bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        if (written == 0) errno = ENOSPC;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
  }
  bool fail(const std::string& what, int error_number, const std::string& path = {}) {
    if (error_.empty()) error_ = describe(what, path.empty() ? temporary() : path, error_number);
    discard();
    return false;
  }

  std::string path_;
  int fd_ = -1;
  std::size_t position_ = 0;
  bool crash_checkpoints_ = false;
  bool committed_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<OutputFile> open_output_file(const std::string& path, std::string& error,
                                             bool crash_checkpoints) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = describe("cannot create", temporary, errno);
    return nullptr;
  }
  return std::make_unique<DiskOutputFile>(path, fd, crash_checkpoints);
}

bool MemoryOutputFile::write(std::string_view bytes) {
  if (committed_) return false;
  bytes_.append(bytes);
  return true;
}

bool MemoryOutputFile::checkpoint(std::string_view footer) {
  if (committed_) return false;
  checkpoint_end_ = bytes_.size();
  checkpoint_footer_.assign(footer);
  return true;
}

std::string MemoryOutputFile::recoverable() const {
  if (checkpoint_footer_.empty()) return {};
  return bytes_.substr(0, checkpoint_end_) + checkpoint_footer_;
}

bool MemoryOutputFile::commit() {
  committed_ = true;
  return true;
}

void MemoryOutputFile::discard() {
  bytes_.clear();
}

}  // namespace depthrec::parquet

#include "parquet/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace depthrec::parquet {
namespace {

std::string describe(const std::string& what, const std::string& path, int error_number) {
  return what + " " + path + ": " + std::strerror(error_number);
}

class DiskOutputFile final : public OutputFile {
 public:
  DiskOutputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
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

  bool commit() override {
    if (fd_ < 0) return false;
    if (::fsync(fd_) != 0) return fail("cannot fsync", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail("cannot close", errno);
    if (std::rename(temporary().c_str(), path_.c_str()) != 0) return fail("cannot rename", errno);
    committed_ = true;
    return true;
  }

  void discard() override {
    if (committed_) return;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(temporary().c_str());
  }

  std::size_t position() const override { return position_; }
  const std::string& error() const override { return error_; }

 private:
  std::string temporary() const { return path_ + ".tmp"; }
  bool fail(const std::string& what, int error_number) {
    if (error_.empty()) error_ = describe(what, temporary(), error_number);
    discard();
    return false;
  }

  std::string path_;
  int fd_ = -1;
  std::size_t position_ = 0;
  bool committed_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<OutputFile> open_output_file(const std::string& path, std::string& error) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = describe("cannot create", temporary, errno);
    return nullptr;
  }
  return std::make_unique<DiskOutputFile>(path, fd);
}

bool MemoryOutputFile::write(std::string_view bytes) {
  if (committed_) return false;
  bytes_.append(bytes);
  return true;
}

bool MemoryOutputFile::commit() {
  committed_ = true;
  return true;
}

void MemoryOutputFile::discard() {
  bytes_.clear();
}

}  // namespace depthrec::parquet

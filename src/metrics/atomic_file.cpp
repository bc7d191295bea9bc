#include "depthrec/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace depthrec {
namespace {

std::string describe(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes the descriptor and removes the temporary file unless released (after the rename).
class TempFile {
 public:
  explicit TempFile(std::string target) : path_(std::move(target) + ".tmp.XXXXXX") {
    std::vector<char> name(path_.begin(), path_.end());
    name.push_back('\0');
    fd_ = ::mkstemp(name.data());
    created_ = fd_ >= 0;
    if (created_) path_.assign(name.data());
  }
  ~TempFile() {
    close();
    if (created_ && !released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  bool opened() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool close() {
    if (fd_ < 0) return true;
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0;
  }
  void release() { released_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
  bool released_ = false;
};

bool write_all(int fd, std::string_view content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  if (path.empty() || path.back() == '/') {
    error = "not a file path: '" + path + "'";
    return false;
  }
  TempFile temp(path);
  if (!temp.opened()) {
    error = describe("cannot create a temporary file for", path);
    return false;
  }
  if (::fchmod(temp.fd(), 0644) != 0) {
    error = describe("cannot set the mode of", temp.path());
    return false;
  }
  if (!write_all(temp.fd(), content)) {
    error = describe("cannot write", temp.path());
    return false;
  }
  if (::fsync(temp.fd()) != 0) {
    error = describe("cannot fsync", temp.path());
    return false;
  }
  if (!temp.close()) {
    error = describe("cannot close", temp.path());
    return false;
  }
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    error = describe("cannot rename the temporary file to", path);
    return false;
  }
  temp.release();
  // The rename is durable only once the directory entry is on disk.
  const std::string directory = directory_of(path);
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

}  // namespace depthrec

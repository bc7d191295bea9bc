#include "recording/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace depthrec::recording {
namespace {

// The pid the holder wrote into the lock file, or "" when it cannot be read (e.g. it has just
// taken the lock and not written it yet).
std::string holder_pid(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof(text) - 1, 0);
  if (n <= 0) return {};
  std::string pid(text, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  for (char c : pid)
    if (c < '0' || c > '9') return {};
  return pid;
}

}  // namespace

DataDirLock::DataDirLock(const std::string& directory) {
  const std::string path = directory + "/" + kFileName;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
  }
  int result = 0;
  do {
    result = ::flock(fd_, LOCK_EX | LOCK_NB);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    const int error = errno;
    const std::string pid = error == EWOULDBLOCK ? holder_pid(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw std::runtime_error("data directory " + directory + " is in use by another depthrec" +
                               (pid.empty() ? std::string() : " (pid " + pid + ")") +
                               ": one recorder per data directory (" + path + " is locked)");
    }
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
  }
  // Ours now: say who holds it (best effort; the lock, not the text, is what protects).
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace depthrec::recording

#include "parquet/durable_rename.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace depthrec::parquet {
namespace {

int posix_rename(const std::string& from, const std::string& to) {
  return std::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

int posix_fsync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int result = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return result;
}

}  // namespace

RenameCalls posix_rename_calls() {
  return {posix_rename, posix_fsync_directory};
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool rename_durably(const std::string& from, const std::string& to, std::string& error,
                    const RenameCalls& calls) {
  if (const int failed = calls.rename(from, to); failed != 0) {
    error = "cannot rename " + from + " to " + to + ": " + std::strerror(failed);
    return false;
  }
  const auto sync = [&](const std::string& directory) {
    const int failed = calls.fsync_directory(directory);
    if (failed != 0) error = "cannot fsync directory " + directory + ": " + std::strerror(failed);
    return failed == 0;
  };
  const std::string target_directory = directory_of(to);
  const std::string source_directory = directory_of(from);
  if (!sync(target_directory)) return false;
  if (source_directory != target_directory && !sync(source_directory)) return false;
  return true;
}

}  // namespace depthrec::parquet

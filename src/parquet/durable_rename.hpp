// A rename that survives a power loss: rename(2) changes the directory, and until that directory
// is fsynced a power loss may bring back the old name (a closed Parquet file found as .tmp again,
// recovered or lost). So every rename of a finished file is followed by an fsync of the directory
// of its new name (and of its old one, when another).
#pragma once

#include <functional>
#include <string>

namespace depthrec::parquet {

// The two system calls, as functions so a unit test can check their order with a fake.
struct RenameCalls {
  // 0 or an errno, like rename(2) / open(O_DIRECTORY) + fsync(2).
  std::function<int(const std::string& from, const std::string& to)> rename;
  std::function<int(const std::string& directory)> fsync_directory;
};
RenameCalls posix_rename_calls();

// Renames `from` to `to`, then fsyncs the directory of `to` (and of `from` if another). False and
// `error` ("cannot rename X: ...", "cannot fsync directory D: ...") on failure; a failed rename
// fsyncs nothing.
bool rename_durably(const std::string& from, const std::string& to, std::string& error,
                    const RenameCalls& calls = posix_rename_calls());

// The directory part of `path` ("." when it has none).
std::string directory_of(const std::string& path);

}  // namespace depthrec::parquet

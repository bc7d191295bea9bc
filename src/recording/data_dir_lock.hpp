// DataDirLock: one recorder per data directory. Two recorders writing the same directory would
// interleave their segments (every event recorded twice) and overwrite each other's metrics.json.
//
//   <directory>/.depthrec.lock   holds the owner's pid (text), for the second recorder's message
//
// The lock is flock(2) LOCK_EX on that file: advisory, and released by the kernel when the owner
// exits in any way (a SIGKILLed recorder does not block its restart). The file itself is left in
// place; only the lock on it means anything.
#pragma once

#include <string>

namespace depthrec::recording {

class DataDirLock {
 public:
  // Takes the lock or throws std::runtime_error naming the directory and, when the lock file
  // says so, the pid of the recorder that holds it. The directory must exist.
  explicit DataDirLock(const std::string& directory);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  static constexpr const char* kFileName = ".depthrec.lock";

 private:
  int fd_ = -1;
};

}  // namespace depthrec::recording

// Paths of the sync_* fixtures (written by tests/unit/data/sync_make_fixtures.py) and temp files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace depthrec::test {

// The fixtures live in tests/unit/data; DEPTHREC_TEST_DATA_DIR is that folder, or tests/data
// in the CMake setup this was written against, so both are tried.
inline std::string fixture(const std::string& name) {
  const std::filesystem::path base = DEPTHREC_TEST_DATA_DIR;
  for (const auto& dir : {base, base.parent_path() / "unit" / "data"}) {
    if (std::filesystem::exists(dir / name)) return (dir / name).string();
  }
  return (base / name).string();
}

inline std::string real_file(const std::string& name) {
  return std::string(DEPTHREC_REAL_DATA_DIR) + "/" + name;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A directory of its own under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("depthrec_sync_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name, const std::string& bytes) const {
    const std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace depthrec::test

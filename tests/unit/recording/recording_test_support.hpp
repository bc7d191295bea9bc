// Helpers for the recording tests: scratch directories and independent gzip readers (zlib's
// inflate, not our encoder) that check what a user's zcat would see.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace depthrec::testing {

// A fresh directory under the system temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "depthrec-rec-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Decodes every gzip member of `bytes`. Fails the test on anything but complete members
// back to back (a truncated or corrupt tail included); returns the text and the member count.
struct GzipContent {
  std::string text;
  int members = 0;
};
inline GzipContent gunzip_members(const std::string& bytes) {
  GzipContent result;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    z_stream stream{};
    EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + offset));
    stream.avail_in = static_cast<uInt>(bytes.size() - offset);
    char out[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
      stream.next_out = reinterpret_cast<Bytef*>(out);
      stream.avail_out = sizeof out;
      rc = inflate(&stream, Z_NO_FLUSH);
      result.text.append(out, sizeof out - stream.avail_out);
    }
    const std::size_t used = (bytes.size() - offset) - stream.avail_in;
    inflateEnd(&stream);
    if (rc != Z_STREAM_END) {
      ADD_FAILURE() << "member " << result.members << " at byte " << offset
                    << " is not a complete gzip member (zlib " << rc << ")";
      return result;
    }
    ++result.members;
    offset += used;
  }
  return result;
}

inline GzipContent gunzip_file(const std::filesystem::path& path) {
  return gunzip_members(read_bytes(path));
}

// The directory's regular files, sorted by name (= recording order for segments).
inline std::vector<std::filesystem::path> sorted_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace depthrec::testing

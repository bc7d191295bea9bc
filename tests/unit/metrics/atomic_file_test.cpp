#include "depthrec/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace depthrec {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("depthrec_metrics_atomic_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesTheContentWithMode0644AndLeavesNoTemporary) {
  const std::string path = (dir_ / "metrics.json").string();
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, "{\"a\":1}\n", error)) << error;
  EXPECT_EQ(read(path), "{\"a\":1}\n");
  ASSERT_TRUE(write_file_atomically(path, "second", error)) << error;
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(entries(), 1u);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST_F(AtomicFileTest, ReadersNeverSeeAPartialFile) {
  const std::string path = (dir_ / "metrics.json").string();
  const std::string a(256 * 1024, 'a');
  const std::string b(300 * 1024, 'b');
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, a, error)) << error;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::string seen = read(path);
      if (seen != a && seen != b) ++torn;
      ++reads;
    }
  });
  bool all_ok = true;
  for (int i = 0; i < 40; ++i) all_ok = write_file_atomically(path, i % 2 ? a : b, error) && all_ok;
  // Make sure the reader has read at least a few times before stopping it.
  while (reads.load() < 3) std::this_thread::yield();
  done = true;
  reader.join();
  EXPECT_TRUE(all_ok) << error;
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, MissingDirectoryIsAClearError) {
  const std::string path = (dir_ / "no_such_dir" / "metrics.json").string();
  std::string error;
  EXPECT_FALSE(write_file_atomically(path, "x", error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

TEST_F(AtomicFileTest, TargetThatIsADirectoryFailsAndRemovesTheTemporary) {
  fs::create_directories(dir_ / "metrics.json");
  std::string error;
  EXPECT_FALSE(write_file_atomically((dir_ / "metrics.json").string(), "x", error));
  EXPECT_NE(error.find("rename"), std::string::npos) << error;
  EXPECT_EQ(entries(), 1u);  // only the directory itself
}

TEST_F(AtomicFileTest, EmptyPathIsRefused) {
  std::string error;
  EXPECT_FALSE(write_file_atomically("", "x", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(write_file_atomically((dir_ / "").string(), "x", error));
}

}  // namespace
}  // namespace depthrec

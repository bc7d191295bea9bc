// rename_durably (parquet/durable_rename.hpp): the directory of a renamed file is fsynced after
// the rename, never before and never after a failed one, so a closed or recovered live file's
// name survives a power loss.
#include "parquet/durable_rename.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace depthrec::parquet {
namespace {

// Records every call in order; fails the ones it is told to.
struct RenameCallLog {
  std::vector<std::string> calls;
  int rename_result = 0;
  int fsync_result = 0;

  RenameCalls fake() {
    return {[this](const std::string& from, const std::string& to) {
              calls.push_back("rename " + from + " -> " + to);
              return rename_result;
            },
            [this](const std::string& directory) {
              calls.push_back("fsync " + directory);
              return fsync_result;
            }};
  }
};

TEST(DurableRename, FsyncsTheDirectoryAfterTheRename) {
  RenameCallLog log;
  std::string error;
  ASSERT_TRUE(rename_durably("out/d/part-000000-000.parquet.tmp", "out/d/part-000000-000.parquet",
                             error, log.fake()))
      << error;
  EXPECT_EQ(log.calls,
            (std::vector<std::string>{
                "rename out/d/part-000000-000.parquet.tmp -> out/d/part-000000-000.parquet",
                "fsync out/d"}));
  EXPECT_EQ(error, "");
}

TEST(DurableRename, AMoveBetweenDirectoriesFsyncsBoth) {
  RenameCallLog log;
  std::string error;
  ASSERT_TRUE(rename_durably("a/x.tmp", "b/x", error, log.fake()));
  EXPECT_EQ(log.calls, (std::vector<std::string>{"rename a/x.tmp -> b/x", "fsync b", "fsync a"}));
  log.calls.clear();
  ASSERT_TRUE(rename_durably("x.tmp", "/x", error, log.fake()));
  EXPECT_EQ(log.calls, (std::vector<std::string>{"rename x.tmp -> /x", "fsync /", "fsync ."}));
}

TEST(DurableRename, AFailedRenameFsyncsNothingAndSaysWhy) {
  RenameCallLog log;
  log.rename_result = EXDEV;
  std::string error;
  EXPECT_FALSE(rename_durably("a/x.tmp", "b/x", error, log.fake()));
  EXPECT_EQ(log.calls, (std::vector<std::string>{"rename a/x.tmp -> b/x"}));
  EXPECT_NE(error.find("cannot rename a/x.tmp to b/x"), std::string::npos) << error;
}

TEST(DurableRename, AFailedDirectoryFsyncIsAnError) {
  RenameCallLog log;
  log.fsync_result = EIO;
  std::string error;
  EXPECT_FALSE(rename_durably("d/x.tmp", "d/x", error, log.fake()));
  EXPECT_EQ(log.calls, (std::vector<std::string>{"rename d/x.tmp -> d/x", "fsync d"}));
  EXPECT_NE(error.find("cannot fsync directory d"), std::string::npos) << error;
}

TEST(DurableRename, RenamesOnDisk) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("durable_rename_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream((dir / "f.tmp").string()) << "PAR1";
  std::string error;
  EXPECT_TRUE(rename_durably((dir / "f.tmp").string(), (dir / "f").string(), error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir / "f"));
  EXPECT_FALSE(std::filesystem::exists(dir / "f.tmp"));
  EXPECT_FALSE(rename_durably((dir / "f.tmp").string(), (dir / "g").string(), error));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace depthrec::parquet

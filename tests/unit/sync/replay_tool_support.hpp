// Runs the depthrec-replay executable itself (DEPTHREC_BINARY_DIR/depthrec-replay). Each run is
// bounded by coreutils `timeout`, and popen/pclose wait for the child, so no process outlives
// its test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace depthrec::test {

inline const std::string kReplayBinary = std::string(DEPTHREC_BINARY_DIR) + "/depthrec-replay";

struct ToolRun {
  int exit_code = -1;
  std::string out;  // stdout (and stderr when merged)
};

inline std::string quoted(const std::string& text) {
  return "'" + text + "'";  // test paths hold no single quote
}

inline ToolRun run_tool(const std::string& args, bool merge_stderr = true) {
  const std::string command = "timeout 120 " + quoted(kReplayBinary) + " " + args +
                              (merge_stderr ? " 2>&1" : " 2>/dev/null");
  ToolRun run;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class ReplayTool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kReplayBinary)) {
      GTEST_SKIP() << kReplayBinary << " is not built";
    }
  }
};

}  // namespace depthrec::test

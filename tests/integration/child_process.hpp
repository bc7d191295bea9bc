// A process started by a test and always stopped by its pid: the destructor sends SIGTERM, waits,
// and escalates to SIGKILL, so no test leaves a simulator or recorder behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace itest {

class ChildProcess {
 public:
  // Starts `program` with `args`; stdout and stderr go to `output_file`.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::string& output_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool signal(int signal_number);
  // Waits for the process to exit; returns its exit code (128 + signal when killed), or empty on
  // timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  std::string output() const;  // what it printed so far

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string output_file_;
};

// Polls `predicate` every 20 ms until it holds or `timeout` passes.
template <typename Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds timeout);

std::string read_file(const std::string& path);
std::string make_temp_dir(const std::string& prefix);

}  // namespace itest

#include <thread>

template <typename Predicate>
bool itest::wait_until(Predicate predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

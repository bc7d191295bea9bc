// What the fault-matrix tests (faults_*.cpp) share beyond the end-to-end harness: a recorder
// started with any endpoints and run directory, nested metrics.json figures, records by reason,
// the simulator's per-connection figures, /proc figures of a process, and the offline tools.
#pragma once

#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace itest {

// Every fault test needs both tools; a missing one is a build problem, not a skip.
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!binary_exists("depthsim") || !binary_exists("depthrec")) GTEST_FAIL() << "tools not built";
  }
};

// depthrec with exactly `args` plus --data-dir DIR/data --log-dir DIR/logs --no-summary, where DIR
// is `dir` (created when empty). For tests that need no simulator or their own directories.
RecorderRun launch_recorder(const std::vector<std::string>& args, std::string dir = {});
// The usual flags pointing at `sim` (endpoints and CA file), for launch_recorder.
std::vector<std::string> sim_flags(const Simulator& sim);

// A figure inside metrics.json, e.g. metric_at(m, {"parse_errors", "too_large"}); 0 when absent.
std::uint64_t metric_at(const rapidjson::Value& metrics, std::initializer_list<const char*> path);
bool metric_flag(const rapidjson::Value& metrics, std::initializer_list<const char*> path);
double metric_number(const rapidjson::Value& metrics, std::initializer_list<const char*> path);
// Waits until metrics.json exists and satisfies `holds`.
bool wait_for_metrics(const RecorderRun& run,
                      const std::function<bool(const rapidjson::Document&)>& holds,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
// SIGTERM, a clean exit (0) expected, then the final metrics.json (a null document if missing).
rapidjson::Document stop_and_read_metrics(RecorderRun& run);

// Waits until the recording holds at least `events` depth records of connection `conn_id`
// (0: of any connection); the open segment is flushed about once a second.
bool wait_for_recorded(const RecorderRun& run, std::uint64_t conn_id, std::uint64_t events,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Records of `type` whose "reason" is `reason`.
std::vector<const rapidjson::Document*> records_with_reason(
    const std::vector<rapidjson::Document>& records, const char* type, const std::string& reason);
std::uint64_t sum_of(const std::vector<const rapidjson::Document*>& records, const char* field);
std::int64_t i64(const rapidjson::Value& value, const char* field);

// The simulator's depth events sent on WebSocket connection `id` (1-based); 0 if unknown.
std::uint64_t sim_depth_sent(const rapidjson::Document& stats, std::uint64_t id);
std::size_t sim_connection_count(const rapidjson::Document& stats);
std::uint64_t sim_fault_count(const rapidjson::Document& stats, const char* kind);
// Waits until connection `id` has sent at least `events` depth events.
bool wait_for_sim_events(const Simulator& sim, std::uint64_t id, std::uint64_t events,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Waits until the simulator shows connection `id` closed (its counts are final then).
bool wait_for_sim_closed(const Simulator& sim, std::uint64_t id,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

// /proc/<pid>/status field in kB (VmRSS, VmHWM...), -1 when unreadable.
long proc_status_kb(pid_t pid, const std::string& field);
// Entries of /proc/<pid>/<dir> ("fd", "task"), -1 when unreadable.
long proc_entry_count(pid_t pid, const std::string& dir);

// Runs a built tool (depthrec-replay, depthrec-check) to completion: exit code and output.
struct ToolRun {
  int exit_code = -1;
  std::string output;
};
ToolRun run_tool(const std::string& name, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Mounts a tmpfs of `size` ("2m", "64k") over a directory for its lifetime (needs CAP_SYS_ADMIN;
// tests skip when mounted() is false). `read_only` mounts it read-only.
class SmallDisk {
 public:
  SmallDisk(std::string dir, const std::string& size, bool read_only = false);
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  unsigned long long free_bytes() const;
  // Fills the disk with `path` until it is full (ENOSPC).
  void fill(const std::string& path) const;

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

// The segment's seq number, from "<symbol>_depth.<time>Z.<seq>.ndjson.gz"; 0 if not one.
std::uint64_t segment_seq(const std::string& path);

}  // namespace itest

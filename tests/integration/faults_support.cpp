#include "faults_support.hpp"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace itest {
namespace {

const rapidjson::Value* find_path(const rapidjson::Value& root,
                                  std::initializer_list<const char*> path) {
  const rapidjson::Value* value = &root;
  for (const char* key : path) {
    if (!value->IsObject()) return nullptr;
    auto it = value->FindMember(key);
    if (it == value->MemberEnd()) return nullptr;
    value = &it->value;
  }
  return value;
}

}  // namespace

RecorderRun launch_recorder(const std::vector<std::string>& args, std::string dir) {
  RecorderRun run;
  run.dir = dir.empty() ? make_temp_dir("depthrec-fault") : std::move(dir);
  std::vector<std::string> all = args;
  all.insert(all.end(),
             {"--data-dir", run.data_dir(), "--log-dir", run.dir + "/logs", "--no-summary"});
  // A restart into the same directory gets its own output file: output-1.txt, output-2.txt...
  int start = 1;
  while (access((run.dir + "/output-" + std::to_string(start) + ".txt").c_str(), F_OK) == 0)
    ++start;
  const std::string output = run.dir + "/output-" + std::to_string(start) + ".txt";
  run.process = std::make_unique<ChildProcess>(binary("depthrec"), all, output);
  return run;
}

std::vector<std::string> sim_flags(const Simulator& sim) {
  return {"--endpoint",        sim.ws_endpoint(), "--rest-endpoint",
          sim.rest_endpoint(), "--ca-file",       sim.ca_file()};
}

std::uint64_t metric_at(const rapidjson::Value& metrics, std::initializer_list<const char*> path) {
  const rapidjson::Value* value = find_path(metrics, path);
  if (!value || !value->IsNumber()) return 0;
  return value->IsUint64() ? value->GetUint64() : static_cast<std::uint64_t>(value->GetDouble());
}

bool metric_flag(const rapidjson::Value& metrics, std::initializer_list<const char*> path) {
  const rapidjson::Value* value = find_path(metrics, path);
  return value && value->IsBool() && value->GetBool();
}

double metric_number(const rapidjson::Value& metrics, std::initializer_list<const char*> path) {
  const rapidjson::Value* value = find_path(metrics, path);
  return value && value->IsNumber() ? value->GetDouble() : -1.0;
}

bool wait_for_metrics(const RecorderRun& run,
                      const std::function<bool(const rapidjson::Document&)>& holds,
                      std::chrono::milliseconds timeout) {
  return wait_until(
      [&] {
        auto metrics = read_metrics(run.metrics_path());
        return metrics && holds(*metrics);
      },
      timeout);
}

rapidjson::Document stop_and_read_metrics(RecorderRun& run) {
  rapidjson::Document metrics;
  if (!run.process->signal(SIGTERM)) {
    ADD_FAILURE() << "depthrec was not running at the end: " << run.process->output();
  }
  const auto code = run.process->wait_exit(std::chrono::seconds(20));
  EXPECT_TRUE(code.has_value()) << "depthrec did not stop on SIGTERM";
  if (code) {
    EXPECT_EQ(*code, 0) << run.process->output();
  }
  if (auto final_metrics = read_metrics(run.metrics_path())) metrics = std::move(*final_metrics);
  return metrics;
}

bool wait_for_recorded(const RecorderRun& run, std::uint64_t conn_id, std::uint64_t events,
                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (count_depth_records(read_records(run.data_dir()), conn_id) >= events) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<const rapidjson::Document*> records_with_reason(
    const std::vector<rapidjson::Document>& records, const char* type, const std::string& reason) {
  std::vector<const rapidjson::Document*> out;
  for (const auto* record : records_of_type(records, type)) {
    if (str(*record, "reason") == reason) out.push_back(record);
  }
  return out;
}

std::uint64_t sum_of(const std::vector<const rapidjson::Document*>& records, const char* field) {
  std::uint64_t total = 0;
  for (const auto* record : records) total += u64(*record, field);
  return total;
}

std::int64_t i64(const rapidjson::Value& value, const char* field) {
  auto it = value.FindMember(field);
  if (it == value.MemberEnd() || !it->value.IsInt64()) return 0;
  return it->value.GetInt64();
}

std::uint64_t sim_depth_sent(const rapidjson::Document& stats, std::uint64_t id) {
  const rapidjson::Value* connection = sim_connection(stats, id);
  return connection ? u64(*connection, "depth_events_sent") : 0;
}

std::size_t sim_connection_count(const rapidjson::Document& stats) {
  if (!stats.IsObject() || !stats.HasMember("connections")) return 0;
  return stats["connections"].GetArray().Size();
}

std::uint64_t sim_fault_count(const rapidjson::Document& stats, const char* kind) {
  return metric_at(stats, {"faults", kind});
}

bool wait_for_sim_events(const Simulator& sim, std::uint64_t id, std::uint64_t events,
                         std::chrono::milliseconds timeout) {
  return wait_until([&] { return sim_depth_sent(sim.stats(), id) >= events; }, timeout);
}

bool wait_for_sim_closed(const Simulator& sim, std::uint64_t id,
                         std::chrono::milliseconds timeout) {
  return wait_until(
      [&] {
        const auto stats = sim.stats();
        const rapidjson::Value* connection = sim_connection(stats, id);
        return connection && connection->HasMember("open") && (*connection)["open"].IsBool() &&
               !(*connection)["open"].GetBool();
      },
      timeout);
}

long proc_status_kb(pid_t pid, const std::string& field) {
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, field.size() + 1, field + ":") == 0) {
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return -1;
}

long proc_entry_count(pid_t pid, const std::string& dir) {
  DIR* handle = opendir(("/proc/" + std::to_string(pid) + "/" + dir).c_str());
  if (!handle) return -1;
  long count = 0;
  while (dirent* entry = readdir(handle)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(handle);
  return count;
}

ToolRun run_tool(const std::string& name, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout) {
  ToolRun result;
  const std::string dir = make_temp_dir("depthrec-tool");
  ChildProcess process(binary(name), args, dir + "/output.txt");
  const auto code = process.wait_exit(timeout);
  result.exit_code = code ? *code : -1;
  result.output = process.output();
  return result;
}

std::uint64_t segment_seq(const std::string& path) {
  const std::string suffix = ".ndjson.gz";
  if (path.size() <= suffix.size() ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return 0;
  }
  const std::string stem = path.substr(0, path.size() - suffix.size());
  const std::size_t dot = stem.rfind('.');
  if (dot == std::string::npos) return 0;
  return std::strtoull(stem.c_str() + dot + 1, nullptr, 10);
}

SmallDisk::SmallDisk(std::string dir, const std::string& size, bool read_only)
    : dir_(std::move(dir)) {
  const unsigned long flags = read_only ? MS_RDONLY : 0;
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", flags, ("size=" + size).c_str()) == 0) {
    mounted_ = true;
  } else {
    error_ = std::strerror(errno);
  }
}

SmallDisk::~SmallDisk() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

unsigned long long SmallDisk::free_bytes() const {
  struct statvfs info {};
  if (::statvfs(dir_.c_str(), &info) != 0) return 0;
  return static_cast<unsigned long long>(info.f_bavail) * info.f_frsize;
}

void SmallDisk::fill(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  const std::string block(4096, 'x');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
  }
}

}  // namespace itest

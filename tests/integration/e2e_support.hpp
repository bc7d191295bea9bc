// Small helpers shared by the end-to-end test files.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

namespace itest {

inline std::uint64_t u64(const rapidjson::Value& value, const char* field) {
  auto it = value.FindMember(field);
  if (it == value.MemberEnd() || !it->value.IsUint64()) return 0;
  return it->value.GetUint64();
}

inline std::string str(const rapidjson::Value& value, const char* field) {
  auto it = value.FindMember(field);
  if (it == value.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

// The `stream` of one NDJSON record line ("?" when the line is not a record with one).
inline std::string stream_of_line(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  return doc.IsObject() && doc.HasMember("stream") ? str(doc, "stream") : "?";
}

// The simulator's record of connection `id` (1-based), or nullptr.
// depthsim's ground truth of `symbol` (/sim/truth); not an object when it could not be had.
inline rapidjson::Document sim_truth(const Simulator& sim, const std::string& symbol,
                                     int port = 0) {
  rapidjson::Document truth;
  if (const auto text = sim.get("/sim/truth?symbol=" + symbol, port)) truth.Parse(text->c_str());
  return truth;
}

inline const rapidjson::Value* sim_connection(const rapidjson::Document& stats, std::uint64_t id) {
  if (!stats.IsObject() || !stats.HasMember("connections")) return nullptr;
  for (const auto& connection : stats["connections"].GetArray()) {
    if (u64(connection, "id") == id) return &connection;
  }
  return nullptr;
}

// Waits until depthrec's metrics.json reports at least `messages` depth events.
inline bool wait_for_messages(const RecorderRun& run, std::uint64_t messages,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  return wait_until(
      [&] {
        auto metrics = read_metrics(run.metrics_path());
        return metrics && metric_u64(*metrics, nullptr, "total_messages") >= messages;
      },
      timeout);
}

// Waits until depthrec's metrics.json reports at least `resyncs` resyncs (all streams together).
inline bool wait_for_resyncs(const RecorderRun& run, std::uint64_t resyncs,
                             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  return wait_until(
      [&] {
        auto metrics = read_metrics(run.metrics_path());
        return metrics && metric_u64(*metrics, "continuity", "resyncs") >= resyncs;
      },
      timeout);
}

// SIGTERM, then expect a clean exit (0) within 20 s.
inline void stop_recorder(RecorderRun& run) {
  ASSERT_TRUE(run.process->signal(SIGTERM));
  const auto code = run.process->wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "depthrec did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << run.process->output();
}

// Depth records in recording order, optionally of one connection. The pointers point into
// `records`, which must outlive them.
inline std::vector<const rapidjson::Document*> depth_records(
    const std::vector<rapidjson::Document>& records, std::uint64_t conn_id = 0) {
  std::vector<const rapidjson::Document*> out;
  for (const auto* record : records_of_type(records, "depth")) {
    if (conn_id == 0 || u64(*record, "conn_id") == conn_id) out.push_back(record);
  }
  return out;
}

std::vector<const rapidjson::Document*> depth_records(std::vector<rapidjson::Document>&& records,
                                                      std::uint64_t conn_id = 0) = delete;

inline std::size_t count_depth_records(const std::vector<rapidjson::Document>& records,
                                       std::uint64_t conn_id = 0) {
  return depth_records(records, conn_id).size();
}

// Futures continuity inside a run of depth records: each pu equals the previous u.
inline int futures_breaks(const std::vector<const rapidjson::Document*>& depth) {
  int breaks = 0;
  for (size_t i = 1; i < depth.size(); ++i) {
    if (u64(*depth[i], "pu") != u64(*depth[i - 1], "u")) ++breaks;
  }
  return breaks;
}

// Runs depthrec-replay --json with `args`; returns its exit code and parsed report.
struct ReplayReport {
  int exit_code = -1;
  rapidjson::Document json;
};

inline ReplayReport run_replay(const std::vector<std::string>& args) {
  const std::string dir = make_temp_dir("replay");
  std::vector<std::string> all{"--json"};
  all.insert(all.end(), args.begin(), args.end());
  ChildProcess replay(binary("depthrec-replay"), all, dir + "/report.json");
  ReplayReport report;
  const auto code = replay.wait_exit(std::chrono::seconds(60));
  report.exit_code = code ? *code : -1;
  report.json.Parse(replay.output().c_str());
  return report;
}

// "60001.40" and "60001.4" are the same price: compare canonical text.
inline std::string canonical(std::string decimal) {
  if (decimal.find('.') != std::string::npos) {
    while (!decimal.empty() && decimal.back() == '0') decimal.pop_back();
    if (!decimal.empty() && decimal.back() == '.') decimal.pop_back();
  }
  return decimal;
}

inline std::map<std::string, std::string> side(const rapidjson::Value& levels) {
  std::map<std::string, std::string> out;
  for (const auto& level : levels.GetArray()) {
    out[canonical(level[0].GetString())] = canonical(level[1].GetString());
  }
  return out;
}

}  // namespace itest

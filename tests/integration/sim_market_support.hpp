// What the depthsim market-scale and limit tests share: the depthsim process and its plain
// WebSocket client (tests/unit/depthsim/sim_test_support.hpp), each market's port from the
// listening line, REST GETs with their headers, SUBSCRIBE, and the process's CPU time and RSS.
#pragma once

#include <rapidjson/document.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/depthsim/sim_test_support.hpp"

namespace simtest {

using depthsim_test::http_get;
using depthsim_test::HttpResult;
using depthsim_test::PlainWsClient;
using depthsim_test::SimProcess;

// The port of `market` on "depthsim listening port=N tls=0 spot=N usdm=N coinm=N"; with one
// market, port=.
inline std::uint16_t market_port(const SimProcess& sim, const std::string& market) {
  const std::string& line = sim.listening_line();
  const std::size_t at = line.find(" " + market + "=");
  if (at == std::string::npos) return sim.port();
  return static_cast<std::uint16_t>(std::stoi(line.substr(at + market.size() + 2)));
}

inline HttpResult get(std::uint16_t port, const std::string& path) {
  return http_get("http://127.0.0.1:" + std::to_string(port) + path);
}

inline rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  return doc;
}

// A response header's value (names compared case-insensitively); empty when absent.
inline std::string header(const HttpResult& result, const std::string& name) {
  std::istringstream lines(result.headers);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t colon = line.find(':');
    if (colon != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < colon && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (!same) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "";
}

inline std::string subscribe_request(const std::vector<std::string>& streams, int id) {
  std::string request = R"({"method":"SUBSCRIBE","params":[)";
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (i > 0) request += ",";
    request += "\"" + streams[i] + "\"";
  }
  return request + "],\"id\":" + std::to_string(id) + "}";
}

// The reply to request `id`, skipping data frames (bounded); empty when none came.
inline std::string reply_to(PlainWsClient& client, int id, int max_frames = 100000) {
  const std::string tag = "\"id\":" + std::to_string(id) + "}";
  for (int i = 0; i < max_frames; ++i) {
    const PlainWsClient::Frame frame = client.next();
    if (frame.opcode == -1 || frame.opcode == 8) return "";
    if (frame.payload.find(tag) != std::string::npos) return frame.payload;
  }
  return "";
}

inline int close_code(const PlainWsClient::Frame& frame) {
  if (frame.opcode != 8 || frame.payload.size() < 2) return -1;
  return (static_cast<unsigned char>(frame.payload[0]) << 8) |
         static_cast<unsigned char>(frame.payload[1]);
}

// The next close frame (data frames skipped, bounded); -1 when none came.
inline int next_close_code(PlainWsClient& client, int max_frames = 100000) {
  for (int i = 0; i < max_frames; ++i) {
    const PlainWsClient::Frame frame = client.next();
    if (frame.opcode == -1) return -1;
    if (frame.opcode == 8) return close_code(frame);
  }
  return -1;
}

// REST weight windows are calendar minutes: a test whose requests must fall in one minute starts
// at least 5 s before the minute ends (it waits out the last 5 s, a clock condition, at most 5 s).
inline void avoid_minute_edge() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto into_minute = now % std::chrono::minutes(1);
  if (into_minute > std::chrono::seconds(55)) {
    std::this_thread::sleep_for(std::chrono::minutes(1) - into_minute +
                                std::chrono::milliseconds(100));
  }
}

// User + system CPU seconds of a process (/proc/<pid>/stat fields 14 and 15).
inline double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace simtest

// What the Prometheus exposition's end-to-end and fault tests share: the address depthrec says it
// serves (its "serving /metrics" line), a plain HTTP GET (libcurl), and one series' value read
// from a scrape in the text format.
#pragma once

#include <chrono>
#include <optional>
#include <sstream>
#include <string>

#include "../unit/depthsim/sim_test_support.hpp"
#include "e2e_support.hpp"

namespace itest {

using depthsim_test::HttpResult;

// "127.0.0.1:PORT" from depthrec's output, once it printed it (empty until then).
inline std::string served_address(const RecorderRun& run) {
  const std::string output = run.process->output();
  const std::string marker = "serving /metrics and /healthz on http://";
  const std::size_t at = output.find(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  return output.substr(start, output.find('\n', start) - start);
}

inline std::string wait_for_served_address(const RecorderRun& run) {
  std::string address;
  wait_until([&] { return !(address = served_address(run)).empty(); }, std::chrono::seconds(20));
  return address;
}

inline HttpResult http(const std::string& address, const std::string& path) {
  return depthsim_test::http_get("http://" + address + path, "", 10000);
}

// The value of the series `name` whose labels contain every `label="value"` in `labels` (e.g.
// {"symbol=\"BTCUSDT\""}); nullopt when no line matches.
inline std::optional<double> series_value(const std::string& scrape, const std::string& name,
                                          const std::vector<std::string>& labels = {}) {
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    bool all = true;
    for (const std::string& label : labels) all = all && line.find(label) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

}  // namespace itest

#include "cli/recorder_status.hpp"

#include <chrono>

#include "depthrec/metrics_check.hpp"

namespace depthrec::cli {

StatusReport describe_status(const RecorderConfig& config) {
  StatusReport report;
  const std::string path = config.data_dir + "/metrics.json";
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const CheckReport check = check_metrics_file(path, CheckOptions{}, now_ns);
  report.found = true;
  for (const MetricCheck& line : check.checks) report.found = report.found && line.metric != "file";
  report.text = "metrics: " + path + "\n";
  for (const MetricCheck& line : check.checks) report.text += format_check_line(line) + "\n";
  for (const std::string& line : format_stream_lines(check)) report.text += line + "\n";
  report.text += format_status_line(check) + "\n";
  return report;
}

}  // namespace depthrec::cli

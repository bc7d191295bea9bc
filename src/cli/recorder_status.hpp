// depthrec --status (seed 003's command): the state of the recorder writing to --data-dir, read
// from its metrics.json and checked as depthrec-check checks it (default thresholds).
#pragma once

#include <string>

#include "depthrec/recorder_config.hpp"

namespace depthrec::cli {

struct StatusReport {
  std::string text;
  bool found = false;  // false: no readable metrics.json in the data directory
};

StatusReport describe_status(const RecorderConfig& config);

}  // namespace depthrec::cli

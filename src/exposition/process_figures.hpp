// The standard process_* figures of a Prometheus exporter, read from /proc at scrape time
// (prometheus-cpp does not collect them): CPU seconds, memory, file descriptors, start time.
#pragma once

#include <optional>
#include <string_view>

namespace depthrec::exposition {

struct ProcessFigures {
  double cpu_seconds = 0.0;  // user + system
  double resident_memory_bytes = 0.0;
  double virtual_memory_bytes = 0.0;
  double open_fds = 0.0;
  double max_fds = 0.0;
  double start_time_seconds = 0.0;  // since the Unix epoch
};

// This process's figures; nullopt when /proc cannot be read (not Linux, /proc not mounted).
std::optional<ProcessFigures> read_process_figures();

// The parts of /proc/self/stat and /proc/stat's btime, separated for the unit tests: nullopt
// when `stat` is not the kernel's format.
std::optional<ProcessFigures> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                              double page_bytes, double boot_time_seconds);

}  // namespace depthrec::exposition

#include "exposition/process_figures.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace depthrec::exposition {
namespace {

std::string read_whole(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// /proc/stat's "btime <seconds>": when the machine booted; process start times count from it.
double boot_time_seconds() {
  std::istringstream in(read_whole("/proc/stat"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return std::strtod(line.c_str() + 6, nullptr);
  }
  return 0.0;
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0.0;
  double count = 0.0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') count += 1.0;
  }
  closedir(dir);
  return count - 1.0;  // the directory stream's own descriptor
}

}  // namespace

std::optional<ProcessFigures> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                              double page_bytes, double boot_time_seconds) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // from the last ')'. After it, field 3 (state) is the first; utime is 14, stime 15,
  // starttime 22, vsize 23, rss 24 (proc(5)).
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0.0) return std::nullopt;
  std::istringstream in{std::string(stat.substr(close + 1))};
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  if (fields.size() < 22) return std::nullopt;
  const auto at = [&](int number) { return std::strtod(fields[number - 3].c_str(), nullptr); };
  ProcessFigures figures;
  figures.cpu_seconds = (at(14) + at(15)) / ticks_per_second;
  figures.start_time_seconds = boot_time_seconds + at(22) / ticks_per_second;
  figures.virtual_memory_bytes = at(23);
  figures.resident_memory_bytes = at(24) * page_bytes;
  return figures;
}

std::optional<ProcessFigures> read_process_figures() {
  const std::string stat = read_whole("/proc/self/stat");
  std::optional<ProcessFigures> figures =
      parse_proc_stat(stat, static_cast<double>(sysconf(_SC_CLK_TCK)),
                      static_cast<double>(sysconf(_SC_PAGESIZE)), boot_time_seconds());
  if (!figures) return std::nullopt;
  figures->open_fds = open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) figures->max_fds = static_cast<double>(limit.rlim_cur);
  return figures;
}

}  // namespace depthrec::exposition

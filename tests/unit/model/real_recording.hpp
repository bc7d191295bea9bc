// Reads the real Binance recordings in /work/shared/data/real: gzip text, one
// `<recv_ns> <json>` per line.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace depthrec::testing {

struct RecordedLine {
  std::int64_t recv_ns = 0;
  std::string json;
};

inline std::string real_data_path(const std::string& file) {
  return std::string(DEPTHREC_REAL_DATA_DIR) + "/" + file;
}

inline std::vector<RecordedLine> read_recording(const std::string& path) {
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<RecordedLine> lines;
  std::string line;
  char chunk[1 << 16];
  while (gzgets(file.get(), chunk, sizeof chunk) != nullptr) {
    line += chunk;
    if (line.empty() || line.back() != '\n') continue;  // a longer line: keep reading
    line.pop_back();
    const std::size_t space = line.find(' ');
    if (space == std::string::npos) throw std::runtime_error("no receive time in " + path);
    lines.push_back(RecordedLine{std::stoll(line.substr(0, space)), line.substr(space + 1)});
    line.clear();
  }
  if (!line.empty()) throw std::runtime_error("unterminated last line in " + path);
  return lines;
}

}  // namespace depthrec::testing

// Where depthrec-ofi's windows go: NDJSON lines to a file or stdout (--out), human lines (--print).
// One stream: the lines name its symbol, as always. Several: each line also names its market.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ofi_calculator.hpp"
#include "ofi_streams.hpp"

namespace depthrec::ofi {

class WindowOutput {
 public:
  // Throws std::runtime_error when `out` cannot be opened for appending.
  WindowOutput(const std::string& out, bool print, std::vector<OfiStream> streams,
               WindowClock clock);

  // A window of streams[stream]. Lines are buffered until flush().
  void write(std::size_t stream, const OfiWindow& window);
  // Flushes the lines written since the last flush: a reader can follow the file. Called after
  // each batch of windows, not each line (with many symbols, one flush a line is a syscall each).
  void flush();
  std::uint64_t write_errors() const { return write_errors_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, FileCloser> owned_;
  std::FILE* json_ = nullptr;  // owned_ or stdout; null without --out
  std::FILE* text_ = nullptr;  // stdout, stderr (when the JSON takes stdout) or null
  std::vector<OfiStream> streams_;
  bool with_market_ = false;  // several streams: lines name the market too
  WindowClock clock_;
  bool unflushed_ = false;
  std::uint64_t write_errors_ = 0;
};

}  // namespace depthrec::ofi

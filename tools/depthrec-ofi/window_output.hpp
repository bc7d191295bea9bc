// Where depthrec-ofi's windows go: NDJSON lines to a file or stdout (--out), human lines (--print).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "ofi_calculator.hpp"

namespace depthrec::ofi {

class WindowOutput {
 public:
  // Throws std::runtime_error when `out` cannot be opened for appending.
  WindowOutput(const std::string& out, bool print, std::string symbol, WindowClock clock);

  void write(const OfiWindow& window);  // each line is flushed: a reader can follow the file
  std::uint64_t write_errors() const { return write_errors_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, FileCloser> owned_;
  std::FILE* json_ = nullptr;  // owned_ or stdout; null without --out
  std::FILE* text_ = nullptr;  // stdout, stderr (when the JSON takes stdout) or null
  std::string symbol_;
  WindowClock clock_;
  std::uint64_t write_errors_ = 0;
};

}  // namespace depthrec::ofi

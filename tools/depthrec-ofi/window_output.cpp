#include "window_output.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ofi_window_format.hpp"

namespace depthrec::ofi {
namespace {

bool write_line(std::FILE* file, const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), file) == line.size() &&
         std::fputc('\n', file) != EOF && std::fflush(file) == 0;
}

}  // namespace

WindowOutput::WindowOutput(const std::string& out, bool print, std::string symbol,
                           WindowClock clock)
    : symbol_(std::move(symbol)), clock_(clock) {
  if (out == "-") {
    json_ = stdout;
  } else if (!out.empty()) {
    owned_.reset(std::fopen(out.c_str(), "a"));
    if (!owned_) throw std::runtime_error("cannot open " + out + ": " + std::strerror(errno));
    json_ = owned_.get();
  }
  if (print) text_ = json_ == stdout ? stderr : stdout;
}

void WindowOutput::write(const OfiWindow& window) {
  if (json_ && !write_line(json_, to_json_line(window, symbol_, clock_))) ++write_errors_;
  if (text_ && !write_line(text_, to_text_line(window, symbol_))) ++write_errors_;
}

}  // namespace depthrec::ofi

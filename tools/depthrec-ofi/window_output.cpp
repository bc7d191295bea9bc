#include "window_output.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "ofi_window_format.hpp"

namespace depthrec::ofi {
namespace {

bool write_line(std::FILE* file, const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), file) == line.size() &&
         std::fputc('\n', file) != EOF;
}

}  // namespace

WindowOutput::WindowOutput(const std::string& out, bool print, std::vector<OfiStream> streams,
                           WindowClock clock)
    : streams_(std::move(streams)), with_market_(streams_.size() > 1), clock_(clock) {
  if (out == "-") {
    json_ = stdout;
  } else if (!out.empty()) {
    owned_.reset(std::fopen(out.c_str(), "a"));
    if (!owned_) throw std::runtime_error("cannot open " + out + ": " + std::strerror(errno));
    json_ = owned_.get();
  }
  if (print) text_ = json_ == stdout ? stderr : stdout;
}

void WindowOutput::write(std::size_t stream, const OfiWindow& window) {
  const OfiStream& s = streams_.at(stream);
  const std::string_view market = with_market_ ? to_string(s.market) : std::string_view();
  if (json_ && !write_line(json_, to_json_line(window, s.symbol, clock_, market))) ++write_errors_;
  if (text_ && !write_line(text_, to_text_line(window, s.symbol, market))) ++write_errors_;
  unflushed_ = true;
}

void WindowOutput::flush() {
  if (!unflushed_) return;
  unflushed_ = false;
  // A failed flush loses lines already counted as written: count it once per stream of output.
  if (json_ && std::fflush(json_) != 0) ++write_errors_;
  if (text_ && std::fflush(text_) != 0) ++write_errors_;
}

}  // namespace depthrec::ofi

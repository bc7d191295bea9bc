// Log lines that a peer can cause once per frame (refused frames, server events, continuity
// breaks) go through a LogThrottle: the first few are logged, then one in a thousand, so a
// hostile or broken stream cannot flood the log. What they report is counted in metrics anyway.
#pragma once

#include <cstdint>
#include <string>

namespace depthrec::session {

class LogThrottle {
 public:
  static constexpr std::uint64_t kFirst = 20;
  static constexpr std::uint64_t kEvery = 1000;

  // Counts one occurrence; true when it is to be logged.
  bool admit() {
    ++count_;
    return count_ <= kFirst || count_ % kEvery == 0;
  }
  // " (N so far)", for the line admit() let through.
  std::string so_far() const { return " (" + std::to_string(count_) + " so far)"; }

 private:
  std::uint64_t count_ = 0;
};

}  // namespace depthrec::session

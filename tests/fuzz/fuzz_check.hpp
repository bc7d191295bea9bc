// Invariant checks for the fuzz targets. A failed check is a finding: it prints what failed and
// aborts, so libFuzzer stops and saves the input (crash-<sha1>) for reproduction.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace depthrec::fuzz {

// `view` is empty or lies inside `text` (a parser's views must point into its input).
inline bool is_view_inside(std::string_view view, std::string_view text) {
  const auto begin = reinterpret_cast<std::uintptr_t>(text.data());
  const auto first = reinterpret_cast<std::uintptr_t>(view.data());
  return view.empty() || (first >= begin && first + view.size() <= begin + text.size());
}

[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "\nfuzz invariant violated at %s:%d: %s\n", file, line, what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace depthrec::fuzz

// A macro so that the message names the failed expression and its line.
#define FUZZ_CHECK(condition)                                                 \
  do {                                                                        \
    if (!(condition)) ::depthrec::fuzz::fail(__FILE__, __LINE__, #condition); \
  } while (false)

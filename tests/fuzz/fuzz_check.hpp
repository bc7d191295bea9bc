// Invariant checks for the fuzz targets. A failed check is a finding: it prints what failed and
// aborts, so libFuzzer stops and saves the input (crash-<sha1>) for reproduction.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace depthrec::fuzz {

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

// --metrics-listen's address (a flag or a config file's recorder.metrics-listen) and the
// /proc/self/stat line the exposition reads at each scrape. From one buffer:
//  - the bytes as an address, with and without --metrics-allow-remote: an accepted address
//    prints as text that parses back to the same address; without the flag only loopback is
//    accepted; a refused one always says why (the error names --metrics-listen);
//  - the bytes as a stat line: parsed or refused, never a crash, figures never negative for
//    digits-only fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "exposition/listen_address.hpp"
#include "exposition/process_figures.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace depthrec::exposition;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool allow_remote : {false, true}) {
    std::string error;
    const auto address = parse_listen_address(text, allow_remote, error);
    if (!address) {
      FUZZ_CHECK(error.find("--metrics-listen") != std::string::npos);
      continue;
    }
    FUZZ_CHECK(allow_remote || address->loopback);
    FUZZ_CHECK(address->port >= 0 && address->port <= 65535);
    std::string again_error;
    const auto again = parse_listen_address(address->text(), allow_remote, again_error);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->text() == address->text());
    FUZZ_CHECK(again->loopback == address->loopback);
  }
  const auto figures = parse_proc_stat(text, 100.0, 4096.0, 1'700'000'000.0);
  if (figures) FUZZ_CHECK(figures->start_time_seconds == figures->start_time_seconds);  // no NaN
  return 0;
}

// depthrec::cli::parse_command_line with argv = "depthrec" + the input split on NUL bytes.
// Invariant: either the parser asks to exit (exit_code >= 0) with something to print, or it hands
// back a config that validate() accepts, with a valid upper-case symbol, a known depth, finite
// positive durations, and URLs that can be built from it; its symbol selection (--symbols or
// --symbol) is then exactly that one symbol on that market (this build records one).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/cli_options.hpp"
#include "depthrec/market.hpp"
#include "depthrec/recorder_config.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::size_t kMaxArgs = 64;  // CLI11's cost grows with argc; 64 covers every flag twice

bool all_upper(const std::string& text) {
  for (char c : text) {
    if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"depthrec"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (size > 0) args.push_back(current);
  if (args.size() > kMaxArgs) return -1;  // not added to the corpus
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);

  const depthrec::cli::ParsedCommandLine parsed =
      depthrec::cli::parse_command_line(static_cast<int>(args.size()), argv.data());
  if (parsed.exit_code >= 0) {
    FUZZ_CHECK(parsed.exit_code == 0 || parsed.exit_code == 2);
    FUZZ_CHECK(!parsed.message.empty());
    return 0;
  }
  FUZZ_CHECK(parsed.exit_code == -1);
  const depthrec::RecorderConfig& config = parsed.config;
  FUZZ_CHECK(depthrec::validate(config).empty());
  FUZZ_CHECK(depthrec::is_valid_symbol(config.symbol));
  FUZZ_CHECK(all_upper(config.symbol));
  FUZZ_CHECK(config.depth_levels == 0 || config.depth_levels == 5 || config.depth_levels == 10 ||
             config.depth_levels == 20);
  FUZZ_CHECK(depthrec::parse_market(depthrec::to_string(config.market)) == config.market);
  // The run time becomes int64 milliseconds (recorder.cpp): NaN or infinity would pass a "<= 0"
  // check and make that conversion undefined.
  if (config.run_minutes) {
    FUZZ_CHECK(*config.run_minutes > 0 && *config.run_minutes * 60'000 < 9.2e18);
  }
  FUZZ_CHECK(config.stall_timeout.count() > 0);
  FUZZ_CHECK(config.backoff_max.count() > 0);
  FUZZ_CHECK(config.rest_timeout.count() > 0);
  // The REST scheduler's window and shares (NaN would pass a "<= 0" check).
  FUZZ_CHECK(config.rest_weight_per_minute >= 0);
  FUZZ_CHECK(config.rest_weight_window.count() > 0);
  FUZZ_CHECK(config.rest_safety_share > 0 && config.rest_safety_share <= 1);
  FUZZ_CHECK(config.rest_initial_share > 0 && config.rest_initial_share <= 1);
  FUZZ_CHECK(config.gzip_level >= 1 && config.gzip_level <= 9);
  FUZZ_CHECK(depthrec::validate_selection(parsed.selection).empty());
  FUZZ_CHECK(parsed.selection.items.size() == 1 && !parsed.selection.has_all());
  FUZZ_CHECK(parsed.selection.items[0].symbol == config.symbol);
  FUZZ_CHECK(parsed.selection.items[0].market == config.market);

  const std::string stream = depthrec::stream_url(config);
  FUZZ_CHECK(stream.find("/stream?streams=" + depthrec::to_lower(config.symbol) + "@depth") !=
             std::string::npos);
  FUZZ_CHECK(depthrec::snapshot_url(config).find("symbol=" + config.symbol) != std::string::npos);
  return 0;
}

// depthrec::config::load_config_text on any text, with depthrec's own flag table (what the
// `recorder:` section may set). Invariant: either an error that names the file ("fuzz.yaml:"),
// or a config whose mode is one of seed 003's, whose symbols are valid upper-case symbols, each
// with streams that are recorded channels or known Binance channels not recorded yet, and whose
// settings each name a flag of the table with at least one value and a line in the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/cli_flags.hpp"
#include "config/config_file.hpp"
#include "depthrec/market.hpp"
#include "fuzz_check.hpp"

namespace {

bool all_upper(const std::string& text) {
  for (char c : text) {
    if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}

depthrec::config::LoadOptions make_options() {
  CLI::App app;
  depthrec::cli::FlagValues values;
  depthrec::cli::add_flags(app, values);
  depthrec::config::LoadOptions options;
  options.flags = depthrec::cli::config_flag_specs(app);
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const depthrec::config::LoadOptions options = make_options();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const depthrec::config::LoadResult result =
      depthrec::config::load_config_text(text, "fuzz.yaml", options);
  if (!result.error.empty()) {
    FUZZ_CHECK(result.error.rfind("fuzz.yaml", 0) == 0);
    return 0;
  }
  const depthrec::config::LoadedConfig& config = result.config;
  FUZZ_CHECK(config.mode == "development" || config.mode == "production");
  FUZZ_CHECK(!config.symbols.empty());
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const depthrec::config::ConfigSymbol& symbol : config.symbols) {
    FUZZ_CHECK(depthrec::is_valid_symbol(symbol.symbol));
    FUZZ_CHECK(all_upper(symbol.symbol));
    FUZZ_CHECK(!symbol.streams.empty());
    for (const depthrec::config::ConfigStream& stream : symbol.streams) {
      FUZZ_CHECK(stream.parsed.kind == depthrec::config::StreamNameKind::recorded ||
                 stream.parsed.kind == depthrec::config::StreamNameKind::unsupported);
      FUZZ_CHECK(stream.line >= 1 && static_cast<std::size_t>(stream.line) <= lines);
    }
  }
  for (const depthrec::config::ConfigSetting& setting : config.settings) {
    bool known = false;
    for (const depthrec::config::FlagSpec& spec : options.flags)
      known = known || spec.name == setting.flag;
    FUZZ_CHECK(known);
    FUZZ_CHECK(!setting.values.empty());
    FUZZ_CHECK(setting.line >= 1 && static_cast<std::size_t>(setting.line) <= lines);
  }
  return 0;
}

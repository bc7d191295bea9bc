// The config loader (src/config/): seed 003's files as written, and every error path, each
// naming the file, the line and the key.
#include "config/config_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace depthrec::config {
namespace {

const std::string kSeedDir = std::string(DEPTHREC_TEST_DATA_DIR) + "/../../data/config";

LoadOptions options_with_flags() {
  LoadOptions options;
  options.flags = {{"data-dir", true, false},       {"gzip-level", true, false},
                   {"book-ticker", false, false},   {"market-endpoint", true, true},
                   {"queue-capacity", true, false}, {"run-minutes", true, false}};
  return options;
}

LoadResult load(const std::string& text, const std::string& mode = "") {
  LoadOptions options = options_with_flags();
  options.mode = mode;
  return load_config_text(text, "c.yaml", options);
}

// A valid file's head: development mode, one symbol, with `extra` appended at the top level.
std::string valid(const std::string& extra = "") {
  return "mode: development\n"
         "modes:\n"
         "  development:\n"
         "    symbols:\n"
         "      - symbol: BTCUSDT\n"
         "        streams: [depth@100ms]\n" +
         extra;
}

// The error of `text`, checked to start with "c.yaml:<line>: <key>: ".
void expect_error(const std::string& text, int line, const std::string& key, const std::string& why,
                  const std::string& mode = "") {
  const LoadResult result = load(text, mode);
  const std::string prefix =
      "c.yaml:" + std::to_string(line) + ": " + (key.empty() ? "" : key + ": ");
  EXPECT_EQ(result.error.substr(0, prefix.size()), prefix) << result.error << "\n--- in:\n" << text;
  EXPECT_NE(result.error.find(why), std::string::npos) << result.error;
}

const ConfigSetting* setting(const LoadedConfig& config, const std::string& flag) {
  for (const ConfigSetting& s : config.settings) {
    if (s.flag == flag) return &s;
  }
  return nullptr;
}

bool has_warning(const LoadedConfig& config, const std::string& text) {
  for (const std::string& warning : config.warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(ConfigFile, SeedDevelopmentFileAsWritten) {
  const LoadResult result =
      load_config_file(kSeedDir + "/seed003_development.yaml", options_with_flags());
  ASSERT_EQ(result.error, "");
  const LoadedConfig& c = result.config;
  EXPECT_EQ(c.mode, "development");
  ASSERT_EQ(c.symbols.size(), 2u);
  EXPECT_EQ(c.symbols[0].symbol, "BTCUSDT");
  EXPECT_EQ(c.symbols[1].symbol, "ETHUSDT");
  ASSERT_EQ(c.symbols[0].streams.size(), 3u);
  EXPECT_EQ(c.symbols[0].streams[1].parsed.kind, StreamNameKind::recorded);
  EXPECT_EQ(c.symbols[0].streams[1].parsed.channel, Channel::diff_depth(StreamSpeed::ms0));
  // aggTrade and kline_1m are recorded (issue 13): every stream of the seed's file.
  EXPECT_EQ(c.symbols[0].streams[0].parsed.channel, Channel::agg_trade());
  EXPECT_EQ(c.symbols[1].streams[2].parsed.channel, Channel::kline(KlineInterval::m1));
  EXPECT_TRUE(c.unsupported_streams.empty());
  // Seed keys mapped onto flags, with the key and line that set them.
  ASSERT_NE(setting(c, "run-minutes"), nullptr);
  EXPECT_EQ(setting(c, "run-minutes")->values.front(), "5");
  EXPECT_EQ(setting(c, "run-minutes")->key, "modes.development.run_duration");
  EXPECT_EQ(setting(c, "run-minutes")->line, 9);
  ASSERT_NE(setting(c, "queue-capacity"), nullptr);
  EXPECT_EQ(setting(c, "queue-capacity")->values.front(), "10000");
  ASSERT_NE(setting(c, "data-dir"), nullptr);
  EXPECT_EQ(setting(c, "data-dir")->values.front(), "./data");
  // Keys depthrec cannot honour: each said, with why.
  EXPECT_TRUE(has_warning(c, ":10: modes.development.max_workers: not applied"));
  EXPECT_TRUE(has_warning(c, ":27: performance.batch_size: not applied"));
  EXPECT_TRUE(has_warning(c, ":29: performance.process_priority: not applied"));
  EXPECT_FALSE(has_warning(c, "flush_interval"));  // 1 s: what depthrec does
  EXPECT_EQ(c.warnings.size(), 3u);
  // storage.file_format: csv and daily_rotation: true are honoured: CSV files named by date.
  ASSERT_NE(setting(c, "format"), nullptr);
  EXPECT_EQ(setting(c, "format")->values.front(), "csv");
  EXPECT_EQ(setting(c, "format")->line, 33);
  ASSERT_NE(setting(c, "csv-rotation"), nullptr);
  EXPECT_EQ(setting(c, "csv-rotation")->values.front(), "daily");
  EXPECT_EQ(setting(c, "csv-rotation")->key, "storage.daily_rotation");
}

TEST(ConfigFile, SeedProductionFileAndModeOverride) {
  const LoadResult result =
      load_config_file(kSeedDir + "/seed003_production.yaml", options_with_flags());
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.mode, "production");
  EXPECT_EQ(setting(result.config, "run-minutes")->values.front(), "1440");
  EXPECT_EQ(setting(result.config, "queue-capacity")->values.front(), "50000");
  EXPECT_EQ(setting(result.config, "data-dir")->values.front(), "/data/binance");
  EXPECT_EQ(result.config.symbols.size(), 2u);

  // --mode picks another mode of the file; one the file lacks is an error.
  const std::string two_modes = valid() +
                                "  production:\n"
                                "    symbols:\n"
                                "      - {symbol: ETHUSDT, streams: [depth5]}\n";
  const LoadResult production = load(two_modes, "production");
  ASSERT_EQ(production.error, "");
  ASSERT_EQ(production.config.symbols.size(), 1u);
  EXPECT_EQ(production.config.symbols[0].symbol, "ETHUSDT");
  expect_error(valid(), 2, "modes", "has no 'production'", "production");
}

TEST(ConfigFile, RecorderSectionSetsFlagsByName) {
  const LoadResult result =
      load(valid("recorder:\n"
                 "  data-dir: /tmp/x\n"
                 "  book-ticker: yes\n"
                 "  market-endpoint: [spot=wss://a, usdm=wss://b]\n"));
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(setting(result.config, "data-dir")->values.front(), "/tmp/x");
  EXPECT_EQ(setting(result.config, "book-ticker")->values.front(), "true");
  EXPECT_EQ(setting(result.config, "market-endpoint")->values.size(), 2u);
  EXPECT_EQ(setting(result.config, "data-dir")->key, "recorder.data-dir");
  EXPECT_EQ(setting(result.config, "data-dir")->line, 8);
}

TEST(ConfigFileErrors, NotYamlOrNotAMapping) {
  expect_error("mode: [development\n", 2, "", "not valid YAML");
  expect_error("a: b\n  c: d\n", 2, "", "not valid YAML");
  expect_error("", 1, "", "empty");
  expect_error("# only a comment\n", 1, "", "empty");
  expect_error("- mode\n- modes\n", 1, "", "must be a mapping");
  expect_error("just text\n", 1, "", "must be a mapping");
  // Nesting beyond yaml-cpp's depth guard: refused with what it means, never a stack overflow.
  const LoadResult deep = load(std::string(100'000, '['));
  EXPECT_NE(deep.error.find("levels deep"), std::string::npos) << deep.error;
  EXPECT_EQ(deep.error.rfind("c.yaml:", 0), 0u) << deep.error;
}

TEST(ConfigFileErrors, UnknownKeys) {
  expect_error(valid("verbose: true\n"), 7, "verbose", "unknown key (known here: mode, modes,");
  expect_error(valid("performance:\n  queue_size: 5\n"), 8, "performance.queue_size",
               "unknown key");
  expect_error(valid("storage:\n  format: csv\n"), 8, "storage.format", "unknown key");
  expect_error("mode: development\nmodes:\n  development:\n    workers: 2\n    symbols: []\n", 4,
               "modes.development.workers", "unknown key");
  expect_error("mode: development\nmodes:\n  staging:\n    symbols: []\n", 3, "modes.staging",
               "unknown key (known here: development, production)");
  expect_error(
      "mode: development\nmodes:\n  development:\n    symbols:\n      - symbol: BTCUSDT\n"
      "        stream: [depth]\n",
      6, "modes.development.symbols[0].stream", "unknown key");
  expect_error(valid("recorder:\n  data_dir: /x\n"), 8, "recorder.data_dir",
               "did you mean data-dir?");
  expect_error(valid("recorder:\n  colour: red\n"), 8, "recorder.colour", "not a depthrec flag");
}

TEST(ConfigFileErrors, WrongTypes) {
  const std::string head = "mode: development\nmodes:\n  development:\n";
  expect_error(head + "    run_duration: five\n    symbols: [{symbol: A, streams: [depth]}]\n", 4,
               "modes.development.run_duration", "must be a number, not 'five'");
  expect_error(head + "    run_duration: -1\n    symbols: [{symbol: A, streams: [depth]}]\n", 4,
               "modes.development.run_duration", "must be 0 to");
  expect_error(head + "    max_workers: 1.5\n    symbols: [{symbol: A, streams: [depth]}]\n", 4,
               "modes.development.max_workers", "must be a whole number");
  expect_error(head + "    symbols: BTCUSDT\n", 4, "modes.development.symbols",
               "must be a list of symbols");
  expect_error(head + "    symbols:\n      - BTCUSDT\n", 5, "modes.development.symbols[0]",
               "must be a mapping");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: depth}\n", 5,
               "modes.development.symbols[0].streams", "must be a list");
  expect_error(head + "    symbols:\n      - {symbol: [BTCUSDT], streams: [depth]}\n", 5,
               "modes.development.symbols[0].symbol", "must be a text");
  expect_error(head + "    symbols:\n      - {symbol: BTC/USDT, streams: [depth]}\n", 5,
               "modes.development.symbols[0].symbol", "not a symbol");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: [depth], enabled: maybe}\n",
               5, "modes.development.symbols[0].enabled", "must be true or false");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: [depth], market: moon}\n",
               5, "modes.development.symbols[0].market", "must be spot, usdm or coinm");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: [[depth]]}\n", 5,
               "modes.development.symbols[0].streams[0]", "must be a text");
  expect_error(valid("performance:\n  queue_maxsize: -5\n"), 8, "performance.queue_maxsize",
               "must be 1 to");
  expect_error(valid("performance:\n  flush_interval: soon\n"), 8, "performance.flush_interval",
               "must be a number");
  expect_error(valid("storage:\n  daily_rotation: daily\n"), 8, "storage.daily_rotation",
               "must be true or false");
  expect_error(valid("storage:\n  file_format: parquet\n"), 8, "storage.file_format",
               "must be ndjson, csv or both");
  expect_error(valid("storage:\n  output_directory: ''\n"), 8, "storage.output_directory",
               "must not be empty");
  expect_error(valid("storage: ./data\n"), 7, "storage", "must be a mapping");
  expect_error(valid("recorder:\n  book-ticker: sometimes\n"), 8, "recorder.book-ticker",
               "must be true or false");
  expect_error(valid("recorder:\n  data-dir: [a, b]\n"), 8, "recorder.data-dir", "must be a text");
  expect_error(valid("recorder:\n  data-dir:\n"), 8, "recorder.data-dir", "needs a value");
  expect_error("mode: [development]\nmodes: {}\n", 1, "mode", "must be a text");
}

TEST(ConfigFileErrors, Duplicates) {
  expect_error("mode: development\n" + valid().substr(std::string("mode: development\n").size()) +
                   "mode: production\n",
               7, "mode", "set twice (a duplicate key)");
  expect_error(valid() + "      - symbol: btcusdt\n        streams: [depth]\n", 7,
               "modes.development.symbols[1].symbol", "BTCUSDT is listed twice (also line 5)");
  expect_error(valid() + "      - symbol: ETHUSDT\n        streams: [depth, depth5, depth]\n", 8,
               "modes.development.symbols[1].streams[2]", "'depth' is listed twice");
  expect_error(
      valid() + "      - symbol: ETHUSDT\n        symbol: ETHUSDT\n        streams: [depth]\n", 8,
      "modes.development.symbols[1].symbol", "set twice");
  // Two keys setting one flag.
  expect_error(valid("storage:\n  output_directory: /a\nrecorder:\n  data-dir: /b\n"), 10,
               "recorder.data-dir", "sets --data-dir, as storage.output_directory (line 8) does");
}

TEST(ConfigFileErrors, EmptyOrDisabledSymbols) {
  const std::string head = "mode: development\nmodes:\n  development:\n";
  expect_error(head + "    symbols: []\n", 4, "modes.development.symbols", "is empty");
  expect_error(head + "    run_duration: 5\n", 3, "modes.development.symbols", "missing");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: []}\n", 5,
               "modes.development.symbols[0].streams", "is empty");
  expect_error(head + "    symbols:\n      - {streams: [depth]}\n", 5,
               "modes.development.symbols[0].symbol", "missing");
  expect_error(head + "    symbols:\n      - {symbol: BTCUSDT, streams: [depth], enabled: false}\n",
               4, "modes.development.symbols", "every symbol is disabled");
  expect_error("modes:\n  development:\n    symbols: [{symbol: A, streams: [depth]}]\n", 1, "mode",
               "missing: set mode: development|production or pass --mode");
  expect_error("mode: development\n", 1, "modes", "missing");
  expect_error("mode: staging\nmodes: {}\n", 1, "mode", "must be development or production");
}

TEST(ConfigFileErrors, StreamNamesAndKlineIntervals) {
  const std::string head =
      "mode: development\nmodes:\n  development:\n    symbols:\n      - symbol: BTCUSDT\n"
      "        streams:\n          - depth\n";
  expect_error(head + "          - depht@100ms\n", 8, "modes.development.symbols[0].streams[1]",
               "'depht@100ms' is not a Binance stream name");
  expect_error(head + "          - depth@50ms\n", 8, "modes.development.symbols[0].streams[1]",
               "not a Binance stream name");
  expect_error(head + "          - depth15\n", 8, "modes.development.symbols[0].streams[1]",
               "not a Binance stream name");
  expect_error(head + "          - kline_7m\n", 8, "modes.development.symbols[0].streams[1]",
               "Binance has no kline interval '7m'");
  expect_error(head + "          - kline_\n", 8, "modes.development.symbols[0].streams[1]",
               "no kline interval ''");
  // Known Binance channels not recorded yet: listed, not an error of the loader.
  const LoadResult later =
      load(head +
           "          - kline_1M\n          - trade\n          - "
           "markPrice@1s\n          - rpiDepth@500ms\n          - miniTicker\n");
  ASSERT_EQ(later.error, "");
  ASSERT_EQ(later.config.unsupported_streams.size(), 1u);  // kline, trade, markPrice, RPI recorded
  EXPECT_NE(later.config.unsupported_streams[0].find("'miniTicker'"), std::string::npos);
}

TEST(ConfigFileErrors, FilesThatCannotBeRead) {
  const LoadResult missing = load_config_file("/nonexistent/c.yaml", options_with_flags());
  EXPECT_EQ(missing.error, "/nonexistent/c.yaml: cannot be read");
  const LoadResult huge =
      load_config_text(std::string(kMaxConfigBytes + 1, '#'), "big.yaml", options_with_flags());
  EXPECT_NE(huge.error.find("big.yaml: larger than"), std::string::npos) << huge.error;
}

TEST(StreamNames, DepthChannelsAndBookTicker) {
  EXPECT_EQ(parse_stream_name("depth").channel, Channel::diff_depth(StreamSpeed::exchange_default));
  EXPECT_EQ(parse_stream_name("depth@500ms").channel, Channel::diff_depth(StreamSpeed::ms500));
  EXPECT_EQ(parse_stream_name("depth20@100ms").channel,
            Channel::partial_depth(20, StreamSpeed::ms100));
  EXPECT_EQ(parse_stream_name("depth10").channel,
            Channel::partial_depth(10, StreamSpeed::exchange_default));
  EXPECT_EQ(parse_stream_name("bookTicker").channel, Channel::book_ticker());
  for (const char* name : {"depth@", "depth5@", "depth05", "depth5x", "Depth", "bookticker"})
    EXPECT_EQ(parse_stream_name(name).kind, StreamNameKind::unknown) << name;
  EXPECT_EQ(parse_stream_name("trade").channel, Channel::trade());
  EXPECT_EQ(parse_stream_name("aggTrade").channel, Channel::agg_trade());
  for (const char* name : {"aggtrade", "Trade", "trades"})
    EXPECT_EQ(parse_stream_name(name).kind, StreamNameKind::unknown) << name;
  EXPECT_EQ(parse_stream_name("kline_1s").channel, Channel::kline(KlineInterval::s1));
  EXPECT_EQ(parse_stream_name("kline_1w").channel, Channel::kline(KlineInterval::w1));
  EXPECT_EQ(parse_stream_name("kline_1M").channel, Channel::kline(KlineInterval::mo1));
  EXPECT_EQ(parse_stream_name("markPrice").channel, Channel::mark_price(false));
  EXPECT_EQ(parse_stream_name("markPrice@1s").channel, Channel::mark_price(true));
  EXPECT_EQ(parse_stream_name("forceOrder").channel, Channel::force_order());
  for (const char* name : {"kline_1m", "markPrice", "markPrice@1s", "forceOrder"})
    EXPECT_EQ(to_string(parse_stream_name(name).channel), name);
  for (const char* name : {"markprice", "markPrice@3s", "kline_1m@1s", "forceorder"})
    EXPECT_NE(parse_stream_name(name).kind, StreamNameKind::recorded) << name;
  EXPECT_EQ(parse_stream_name("rpiDepth@500ms").channel, Channel::rpi_depth());
  EXPECT_EQ(parse_stream_name("rpiDepth").channel, Channel::rpi_depth());
  EXPECT_EQ(to_string(parse_stream_name("rpiDepth").channel), "rpiDepth@500ms");
  for (const char* name : {"rpiDepth@100ms", "rpidepth", "rpiDepth@"})
    EXPECT_EQ(parse_stream_name(name).kind, StreamNameKind::unknown) << name;
  EXPECT_EQ(parse_stream_name("ticker").kind, StreamNameKind::unsupported);
  EXPECT_EQ(parse_stream_name("kline_1y").kind, StreamNameKind::bad_interval);
}

}  // namespace
}  // namespace depthrec::config

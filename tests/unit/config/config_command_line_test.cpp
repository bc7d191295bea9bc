// depthrec --config FILE on the command line: every flag has a config key, the command line
// overrides the file, the file's symbols become the run's streams, values CLI11 refuses are
// reported at their file line, and --check-config plans without connecting.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_flags.hpp"
#include "cli/cli_options.hpp"
#include "cli/run_plan.hpp"

namespace depthrec::cli {
namespace {

class ConfigCommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/depthrec-config-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string write(const std::string& text) {
    const std::string path = dir_ + "/config" + std::to_string(++files_) + ".yaml";
    std::ofstream(path) << text;
    return path;
  }

  static ParsedCommandLine parse(std::vector<std::string> args) {
    args.insert(args.begin(), "depthrec");
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    argv.push_back(nullptr);
    return parse_command_line(static_cast<int>(args.size()), argv.data());
  }

  std::string dir_;
  int files_ = 0;
};

const std::string kTwoSymbols =
    "mode: development\n"
    "modes:\n"
    "  development:\n"
    "    run_duration: 300\n"
    "    symbols:\n"
    "      - {symbol: BTCUSDT, streams: [depth@0ms, bookTicker]}\n"
    "      - {symbol: ethbtc, market: spot, streams: [depth20@100ms]}\n"
    "      - {symbol: XRPUSDT, streams: [depth], enabled: false}\n"
    "  production:\n"
    "    symbols:\n"
    "      - {symbol: SOLUSDT, streams: [depth5@500ms]}\n";

TEST_F(ConfigCommandLine, EveryFlagHasAConfigKey) {
  CLI::App app;
  FlagValues values;
  add_flags(app, values);
  std::set<std::string> keys;
  for (const config::FlagSpec& spec : config_flag_specs(app)) keys.insert(spec.name);
  const std::set<std::string> commands{"config",       "mode",   "check-config",
                                       "list-symbols", "status", "help"};
  std::size_t flags = 0;
  for (const CLI::Option* option : app.get_options()) {
    const std::string& name = option->get_lnames().front();
    if (commands.count(name)) continue;
    ++flags;
    EXPECT_TRUE(keys.count(name)) << "--" << name << " has no recorder." << name << " key";
  }
  EXPECT_GT(flags, 40u);  // the table is depthrec's, not an empty app
  EXPECT_EQ(keys.size(), flags);
}

TEST_F(ConfigCommandLine, RecorderKeysApplyAndTheCommandLineOverrides) {
  const std::string path =
      write(kTwoSymbols +
            "recorder:\n"
            "  data-dir: " +
            dir_ +
            "/from-file\n"
            "  gzip-level: 6\n"
            "  no-summary: true\n"
            "  rest-weight-per-minute: 1200\n"
            "  market-endpoint: [spot=wss://127.0.0.1:1, usdm=wss://127.0.0.1:2]\n");
  const ParsedCommandLine file_only = parse({"--config", path});
  ASSERT_EQ(file_only.exit_code, -1) << file_only.message;
  EXPECT_EQ(file_only.config.data_dir, dir_ + "/from-file");
  EXPECT_EQ(file_only.config.gzip_level, 6);
  EXPECT_FALSE(file_only.config.print_summary);
  EXPECT_EQ(file_only.config.rest_weight_per_minute, 1200);
  EXPECT_EQ(file_only.config.market_ws_endpoints[static_cast<std::size_t>(Market::spot)],
            "wss://127.0.0.1:1");
  ASSERT_TRUE(file_only.config.run_minutes.has_value());
  EXPECT_DOUBLE_EQ(*file_only.config.run_minutes, 5.0);  // run_duration: 300 s

  const ParsedCommandLine overridden =
      parse({"--config", path, "--data-dir", dir_ + "/cli", "--gzip-level", "2",
             "--no-summary=false", "--run-minutes", "0.05"});
  ASSERT_EQ(overridden.exit_code, -1) << overridden.message;
  EXPECT_EQ(overridden.config.data_dir, dir_ + "/cli");
  EXPECT_EQ(overridden.config.gzip_level, 2);
  EXPECT_TRUE(overridden.config.print_summary);
  EXPECT_DOUBLE_EQ(*overridden.config.run_minutes, 0.05);
  EXPECT_EQ(overridden.config.rest_weight_per_minute, 1200);  // not overridden: the file's
}

// --metrics-listen and --metrics-allow-remote come from the flag table: recorder.metrics-listen.
TEST_F(ConfigCommandLine, MetricsListenIsAConfigKeyLikeEveryFlag) {
  const std::string path = write(kTwoSymbols +
                                 "recorder:\n"
                                 "  metrics-listen: 0.0.0.0:9464\n"
                                 "  metrics-allow-remote: true\n");
  const ParsedCommandLine file_only = parse({"--config", path});
  ASSERT_EQ(file_only.exit_code, -1) << file_only.message;
  EXPECT_EQ(file_only.config.metrics_listen, "0.0.0.0:9464");
  EXPECT_TRUE(file_only.config.metrics_allow_remote);
  const ParsedCommandLine overridden = parse({"--config", path, "--metrics-listen", "127.0.0.1:0"});
  ASSERT_EQ(overridden.exit_code, -1) << overridden.message;
  EXPECT_EQ(overridden.config.metrics_listen, "127.0.0.1:0");
  const ParsedCommandLine off = parse({"--symbol", "BTCUSDT"});
  EXPECT_TRUE(off.config.metrics_listen.empty()) << "off by default";
  EXPECT_FALSE(off.config.metrics_allow_remote);
}

TEST_F(ConfigCommandLine, TheFilesSymbolsAreTheRunsStreams) {
  const ParsedCommandLine parsed = parse({"--config", write(kTwoSymbols)});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  const std::vector<SubscriptionKey> expected{
      {Venue::binance, Market::usdm, "BTCUSDT", Channel::diff_depth(StreamSpeed::ms0)},
      {Venue::binance, Market::usdm, "BTCUSDT", Channel::book_ticker()},
      {Venue::binance, Market::spot, "ETHBTC", Channel::partial_depth(20, StreamSpeed::ms100)}};
  EXPECT_EQ(parsed.config.subscriptions, expected);  // XRPUSDT is disabled
  EXPECT_EQ(parsed.command, Command::record);

  // --mode production: that mode's one symbol is the seed's single stream.
  const ParsedCommandLine production =
      parse({"--config", write(kTwoSymbols), "--mode", "production"});
  ASSERT_EQ(production.exit_code, -1) << production.message;
  EXPECT_TRUE(production.config.subscriptions.empty());
  EXPECT_EQ(production.config.symbol, "SOLUSDT");
  EXPECT_EQ(production.config.depth_levels, 5);
  EXPECT_EQ(production.config.speed, "500ms");
  EXPECT_FALSE(production.config.run_minutes.has_value());

  // --symbols replaces the file's list, and says so.
  const ParsedCommandLine symbols = parse({"--config", write(kTwoSymbols), "--symbols", "ADAUSDT"});
  ASSERT_EQ(symbols.exit_code, -1) << symbols.message;
  EXPECT_EQ(symbols.config.symbol, "ADAUSDT");
  ASSERT_FALSE(symbols.warnings.empty());
  EXPECT_NE(symbols.warnings.back().find("modes.development.symbols not used"), std::string::npos);
}

TEST_F(ConfigCommandLine, UnsupportedStreamsAreAnErrorUnlessSkipped) {
  const std::string path = write(
      "mode: development\nmodes:\n  development:\n    symbols:\n"
      "      - {symbol: BTCUSDT, streams: [aggTrade, depth@0ms, miniTicker]}\n"
      "      - {symbol: ETHUSDT, streams: [ticker]}\n");
  const ParsedCommandLine refused = parse({"--config", path});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(
      refused.message.find(path + ":5: modes.development.symbols[0].streams[2]: 'miniTicker'"),
      std::string::npos)
      << refused.message;
  // aggTrade is recorded now: not among the streams refused.
  EXPECT_EQ(refused.message.find("'aggTrade'"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("--skip-unsupported-streams"), std::string::npos);

  const ParsedCommandLine skipped = parse({"--config", path, "--skip-unsupported-streams"});
  ASSERT_EQ(skipped.exit_code, -1) << skipped.message;
  EXPECT_EQ(skipped.config.symbol, "BTCUSDT");
  // depth@0ms and aggTrade of BTCUSDT: the many-stream engine's two keys.
  ASSERT_EQ(skipped.config.subscriptions.size(), 2u);
  EXPECT_EQ(skipped.config.subscriptions[0].channel, Channel::agg_trade());
  EXPECT_EQ(skipped.config.subscriptions[1].channel, Channel::diff_depth(StreamSpeed::ms0));
  // One warning per stream skipped, and ETHUSDT, which has nothing recorded, says so.
  std::size_t skipped_streams = 0, nothing = 0;
  for (const std::string& warning : skipped.warnings) {
    skipped_streams += warning.find("skipped (--skip-unsupported-streams)") != std::string::npos;
    nothing += warning.find("ETHUSDT has no stream depthrec records yet") != std::string::npos;
  }
  EXPECT_EQ(skipped_streams, 2u);
  EXPECT_EQ(nothing, 1u);

  // The same from the file itself: recorder.skip-unsupported-streams.
  const ParsedCommandLine from_file = parse(
      {"--config", write("recorder:\n  skip-unsupported-streams: true\n" +
                         std::string("mode: development\nmodes:\n  development:\n"
                                     "    symbols: [{symbol: A, streams: [trade, depth]}]\n"))});
  EXPECT_EQ(from_file.exit_code, -1) << from_file.message;
}

TEST_F(ConfigCommandLine, ParquetBookKeysSetTheLiveBookDataset) {
  const ParsedCommandLine parsed =
      parse({"--config", write(kTwoSymbols + "recorder:\n  parquet: " + dir_ +
                               "/pq\n  parquet-book-levels: 10\n  parquet-book-every: 1s\n")});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  EXPECT_EQ(parsed.config.parquet_book_levels, 10u);
  EXPECT_EQ(parsed.config.parquet_book_every_ns, 1'000'000'000);
}

TEST_F(ConfigCommandLine, ErrorsNameFileLineAndKeyAndExit2) {
  const std::string head =
      "mode: development\nmodes:\n  development:\n"
      "    symbols: [{symbol: BTCUSDT, streams: [depth]}]\n";
  // A value CLI11 refuses, at its line.
  const std::string bad_level = write(head + "recorder:\n  gzip-level: fast\n");
  ParsedCommandLine parsed = parse({"--config", bad_level});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_EQ(parsed.message.rfind("depthrec: " + bad_level + ":6: recorder.gzip-level: ", 0), 0u)
      << parsed.message;
  const std::string bad_rotate = write(head + "recorder:\n  rotate: weekly\n");
  parsed = parse({"--config", bad_rotate});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find(":6: recorder.rotate: "), std::string::npos) << parsed.message;
  // A value validate() refuses (run as a whole): named too.
  parsed = parse({"--config", write(head + "recorder:\n  gzip-level: 12\n")});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("--gzip-level must be 1 to 9"), std::string::npos);
  // A bookTicker without its symbol's depth stream.
  parsed = parse({"--config", write("mode: development\nmodes:\n  development:\n"
                                    "    symbols: [{symbol: BTCUSDT, streams: [bookTicker]}]\n")});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find(":4: modes.development.symbols[0].streams: BTCUSDT: bookTicker"),
            std::string::npos)
      << parsed.message;
  // No file, not YAML, a --mode the file lacks.
  parsed = parse({"--config", dir_ + "/missing.yaml"});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("missing.yaml: cannot be read"), std::string::npos);
  parsed = parse({"--config", write("{[\n")});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("not valid YAML"), std::string::npos);
  parsed = parse({"--config", write(head), "--mode", "production"});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("has no 'production'"), std::string::npos);
  parsed = parse({"--config", write(head), "--mode", "staging"});
  EXPECT_EQ(parsed.exit_code, 2);
}

// --check-config checks --metrics-listen as a run would (without binding it): exit 2 on a
// non-loopback address without the allow flag, the address in the plan otherwise.
TEST_F(ConfigCommandLine, CheckConfigChecksTheMetricsAddress) {
  ParsedCommandLine parsed =
      parse({"--symbol", "BTCUSDT", "--check-config", "--metrics-listen", "0.0.0.0:9464"});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  PlanReport plan = describe_plan(parsed);
  EXPECT_FALSE(plan.ok);
  EXPECT_NE(plan.text.find("refused: --metrics-listen '0.0.0.0:9464': 0.0.0.0 is not a loopback"),
            std::string::npos)
      << plan.text;
  parsed = parse({"--symbol", "BTCUSDT", "--check-config", "--metrics-listen", "127.0.0.1:9464"});
  plan = describe_plan(parsed);
  EXPECT_TRUE(plan.ok) << plan.text;
  EXPECT_NE(plan.text.find("metrics: /metrics and /healthz on 127.0.0.1:9464\n"), std::string::npos)
      << plan.text;
}

// --repair-trades (a flag, and so a config key): the plan says what a repair costs, and that it
// waits behind every snapshot.
TEST_F(ConfigCommandLine, CheckConfigShowsTheTradeRepair) {
  const ParsedCommandLine parsed =
      parse({"--symbols", "BTCUSDT,ETHUSDT", "--streams", "depth@100ms,aggTrade", "--repair-trades",
             "--check-config"});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  EXPECT_TRUE(parsed.config.repair_trades);
  const PlanReport plan = describe_plan(parsed);
  EXPECT_TRUE(plan.ok) << plan.text;
  EXPECT_NE(plan.text.find("repair-trades: 2 aggTrade streams; a gap is fetched in requests of up "
                           "to 1000 ids, weight 4 spot / 20 futures each, at low priority"),
            std::string::npos)
      << plan.text;
}

TEST_F(ConfigCommandLine, CheckConfigPrintsThePlan) {
  const ParsedCommandLine parsed = parse(
      {"--config", write(kTwoSymbols), "--check-config", "--futures-streams-per-connection", "2"});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  ASSERT_EQ(parsed.command, Command::check_config);
  const PlanReport plan = describe_plan(parsed);
  EXPECT_TRUE(plan.ok);
  EXPECT_NE(plan.text.find("streams: 3 (2 depth, 1 bookTicker)"), std::string::npos) << plan.text;
  // usdm: depth + bookTicker on one connection (planned one below 2 per connection: 2 of them),
  // spot: one.
  EXPECT_NE(plan.text.find("connections: 3"), std::string::npos) << plan.text;
  EXPECT_NE(plan.text.find("binance:spot: 1 streams: ethbtc@depth20@100ms"), std::string::npos)
      << plan.text;
  // One diff-depth snapshot on futures: weight 20 of the 1920 initial syncs may use per minute.
  EXPECT_NE(plan.text.find("initial sync futures: 1 snapshots (limit 1000), weight 20 / 1920"),
            std::string::npos)
      << plan.text;

  const ParsedCommandLine list = parse({"--config", write(kTwoSymbols), "--list-symbols"});
  ASSERT_EQ(list.command, Command::list_symbols);
  EXPECT_EQ(describe_symbols(list),
            "usdm:BTCUSDT depth@0ms bookTicker\nspot:ETHBTC depth20@100ms\n"
            "usdm:XRPUSDT depth [disabled]\n");
}

}  // namespace
}  // namespace depthrec::cli

namespace depthrec::cli {
namespace {

std::size_t count_channel(const RecorderConfig& c, const Channel& channel) {
  return static_cast<std::size_t>(
      std::count_if(c.subscriptions.begin(), c.subscriptions.end(),
                    [&](const SubscriptionKey& key) { return key.channel == channel; }));
}

ParsedCommandLine parse_flags(std::vector<std::string> args) {
  args.insert(args.begin(), "depthrec");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(StreamsFlag, AppliesEveryNamedChannelToEverySymbol) {
  const ParsedCommandLine two = parse_flags({"--symbols", "usdm:BTCUSDT,spot:ETHUSDT", "--streams",
                                             "depth@100ms,trade,aggTrade,bookTicker"});
  ASSERT_EQ(two.exit_code, -1) << two.message;
  EXPECT_EQ(two.config.subscriptions.size(), 8u);
  EXPECT_EQ(count_channel(two.config, Channel::diff_depth(StreamSpeed::ms100)), 2u);
  EXPECT_EQ(count_channel(two.config, Channel::book_ticker()), 2u);
  EXPECT_EQ(count_channel(two.config, Channel::trade()), 2u);
  EXPECT_EQ(count_channel(two.config, Channel::agg_trade()), 2u);

  // One symbol with a trade channel runs on the many-stream engine (subscriptions set).
  const ParsedCommandLine one =
      parse_flags({"--symbol", "BTCUSDT", "--streams", "depth5,aggTrade"});
  ASSERT_EQ(one.exit_code, -1) << one.message;
  ASSERT_EQ(one.config.subscriptions.size(), 2u);
  EXPECT_EQ(count_channel(one.config, Channel::partial_depth(5, StreamSpeed::exchange_default)),
            1u);
  EXPECT_EQ(count_channel(one.config, Channel::agg_trade()), 1u);

  // Depth and bookTicker only: the single-stream recorder as --depth/--book-ticker would run it.
  const ParsedCommandLine plain =
      parse_flags({"--symbol", "BTCUSDT", "--streams", "depth,bookTicker"});
  ASSERT_EQ(plain.exit_code, -1) << plain.message;
  EXPECT_TRUE(plain.config.subscriptions.empty());
  EXPECT_EQ(plain.config.depth_levels, 0);
  EXPECT_TRUE(plain.config.record_book_ticker);
}

// With ALL the event channels go to every symbol the engine resolves or sees listed
// (subscriptions_of adds them): the config keeps them, not keys.
TEST(StreamsFlag, EventChannelsWithAllGoToEverySymbolFollowed) {
  const ParsedCommandLine all = parse_flags(
      {"--symbols", "usdm:ALL", "--streams", "depth@100ms,bookTicker,trade,aggTrade,kline_1m"});
  ASSERT_EQ(all.exit_code, -1) << all.message;
  EXPECT_TRUE(all.config.subscriptions.empty());
  EXPECT_TRUE(all.config.record_book_ticker);
  ASSERT_EQ(all.config.event_channels.size(), 3u);
  const std::vector<SubscriptionKey> keys =
      subscriptions_of(all.config, {{Market::usdm, "BTCUSDT"}, {Market::usdm, "ETHUSDT"}});
  ASSERT_EQ(keys.size(), 10u) << "depth, bookTicker and three channels per symbol";
  EXPECT_EQ(keys[2].channel, Channel::trade());
  EXPECT_EQ(keys[2].symbol, "BTCUSDT");
  EXPECT_EQ(keys[4].channel.kind, ChannelKind::kline);
  EXPECT_EQ(keys[9].symbol, "ETHUSDT");
  // A stream's own config (stream_config) carries no list of channels.
  EXPECT_TRUE(stream_config(all.config, keys[0], true).event_channels.empty());
}

TEST(StreamsFlag, RefusesWhatItCannotRecordWithExit2) {
  for (const auto& [streams, expected] : std::vector<std::pair<std::string, std::string>>{
           {"depth,miniTicker", "'miniTicker' is a Binance stream depthrec does not record yet"},
           {"depth,kline_7m", "Binance has no kline interval '7m'"},
           {"depth,trades", "'trades' is not a Binance stream name"},
           {"trade,aggTrade", "name the depth stream"},
           {"depth,depth5", "one depth stream per symbol"}}) {
    const ParsedCommandLine refused = parse_flags({"--symbol", "BTCUSDT", "--streams", streams});
    EXPECT_EQ(refused.exit_code, 2) << streams;
    EXPECT_NE(refused.message.find(expected), std::string::npos) << refused.message;
  }
  // With ALL a channel every selected market must offer: spot has no markPrice.
  const ParsedCommandLine all =
      parse_flags({"--symbols", "usdm:ALL,spot:ALL", "--streams", "depth,markPrice"});
  EXPECT_EQ(all.exit_code, 2);
  EXPECT_NE(all.message.find("markPrice with --symbols spot:ALL"), std::string::npos)
      << all.message;

  const ParsedCommandLine skipped = parse_flags(
      {"--symbol", "BTCUSDT", "--streams", "depth,ticker,trade", "--skip-unsupported-streams"});
  ASSERT_EQ(skipped.exit_code, -1) << skipped.message;
  EXPECT_EQ(count_channel(skipped.config, Channel::trade()), 1u);
  ASSERT_FALSE(skipped.warnings.empty());
  EXPECT_NE(skipped.warnings.front().find("skipped"), std::string::npos);
}

// rpiDepth (or rpiDepth@500ms): USD-M's RPI book, a key of its own beside each symbol's depth
// key; refused before connecting (exit 2) on spot and COIN-M.
TEST(StreamsFlag, RpiDepthIsABookOfItsOwnOnUsdmOnly) {
  for (const char* name : {"rpiDepth", "rpiDepth@500ms"}) {
    const ParsedCommandLine usdm = parse_flags(
        {"--symbols", "BTCUSDT,ETHUSDT", "--streams", std::string("depth@100ms,") + name});
    ASSERT_EQ(usdm.exit_code, -1) << usdm.message;
    EXPECT_EQ(count_channel(usdm.config, Channel::rpi_depth()), 2u) << name;
    EXPECT_EQ(count_channel(usdm.config, Channel::diff_depth(StreamSpeed::ms100)), 2u) << name;
  }
  const ParsedCommandLine one = parse_flags({"--symbol", "BTCUSDT", "--streams", "depth,rpiDepth"});
  ASSERT_EQ(one.exit_code, -1) << one.message;
  ASSERT_EQ(one.config.subscriptions.size(), 2u);  // the many-stream engine's: two books
  EXPECT_EQ(count_channel(one.config, Channel::rpi_depth()), 1u);
  // The plan counts the RPI book apart, and its snapshot (weight 20) in the futures budget.
  const PlanReport plan = describe_plan(one);
  EXPECT_NE(plan.text.find("streams: 2 (1 depth, 0 bookTicker, 1 rpiDepth)"), std::string::npos)
      << plan.text;
  EXPECT_NE(plan.text.find("btcusdt@depth btcusdt@rpiDepth@500ms"), std::string::npos) << plan.text;
  EXPECT_NE(plan.text.find("initial sync futures: 2 snapshots (limit 1000), weight 40 / 1920"),
            std::string::npos)
      << plan.text;
  for (const char* market : {"spot", "coinm"}) {
    const ParsedCommandLine refused =
        parse_flags({"--symbol", "BTCUSDT", "--market", market, "--streams", "depth,rpiDepth"});
    EXPECT_EQ(refused.exit_code, 2) << market;
    EXPECT_NE(refused.message.find(std::string(market) + " has no rpiDepth (the RPI book is USD-M "
                                                         "only: rpiDepth@500ms)"),
              std::string::npos)
        << refused.message;
  }
}

TEST_F(ConfigCommandLine, RpiDepthInAConfigFile) {
  const std::string head = "mode: development\nmodes:\n  development:\n    symbols:\n";
  const ParsedCommandLine usdm = parse(
      {"--config", write(head + "      - {symbol: BTCUSDT, streams: [depth@0ms, rpiDepth@500ms]}\n"
                                "      - {symbol: ETHUSDT, streams: [rpiDepth]}\n")});
  ASSERT_EQ(usdm.exit_code, -1) << usdm.message;
  ASSERT_EQ(usdm.config.subscriptions.size(), 3u);
  EXPECT_EQ(usdm.config.subscriptions[1].channel, Channel::rpi_depth());
  EXPECT_EQ(usdm.config.subscriptions[2].symbol, "ETHUSDT");
  const ParsedCommandLine spot =
      parse({"--config", write(head + "      - {symbol: BTCUSDT, market: "
                                      "spot, streams: [depth, rpiDepth]}\n")});
  EXPECT_EQ(spot.exit_code, 2);
  EXPECT_NE(spot.message.find("spot has no rpiDepth"), std::string::npos) << spot.message;
}

TEST(StreamsFlag, KlinesMarkPriceAndForceOrderPerMarketAndKlinesMode) {
  const ParsedCommandLine usdm = parse_flags(
      {"--symbols", "BTCUSDT,ETHUSDT", "--streams",
       "depth@100ms,kline_1m,kline_1M,markPrice,markPrice@1s,forceOrder", "--klines", "closed"});
  ASSERT_EQ(usdm.exit_code, -1) << usdm.message;
  EXPECT_TRUE(usdm.config.klines_closed_only);
  EXPECT_EQ(count_channel(usdm.config, Channel::kline(KlineInterval::m1)), 2u);
  EXPECT_EQ(count_channel(usdm.config, Channel::kline(KlineInterval::mo1)), 2u);
  EXPECT_EQ(count_channel(usdm.config, Channel::mark_price(false)), 2u);
  EXPECT_EQ(count_channel(usdm.config, Channel::mark_price(true)), 2u);
  EXPECT_EQ(count_channel(usdm.config, Channel::force_order()), 2u);
  const ParsedCommandLine all_updates =
      parse_flags({"--symbol", "BTCUSDT", "--streams", "depth,kline_1m"});
  ASSERT_EQ(all_updates.exit_code, -1) << all_updates.message;
  EXPECT_FALSE(all_updates.config.klines_closed_only);

  // What a market does not offer is refused before connecting, with exit 2.
  for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--market", "spot", "--streams", "depth,markPrice"}, "spot has no markPrice"},
           {{"--market", "spot", "--streams", "depth,forceOrder"}, "spot has no forceOrder"},
           {{"--market", "usdm", "--streams", "depth,kline_1s"}, "usdm has no kline_1s"},
           {{"--streams", "depth,kline_1m", "--klines", "some"}, "--klines"}}) {
    std::vector<std::string> argv{"--symbol", "BTCUSDT"};
    argv.insert(argv.end(), args.begin(), args.end());
    const ParsedCommandLine refused = parse_flags(argv);
    EXPECT_EQ(refused.exit_code, 2) << expected;
    EXPECT_NE(refused.message.find(expected), std::string::npos) << refused.message;
  }
  const ParsedCommandLine spot_1s =
      parse_flags({"--symbol", "BTCUSDT", "--market", "spot", "--streams", "depth,kline_1s"});
  EXPECT_EQ(spot_1s.exit_code, -1) << spot_1s.message;
}

// Every on/off key takes a YAML boolean only: each switch of depthrec's own flag table (not a
// hand-made list: `book-ticker: 7` once ran as true because the table called it a valued option),
// symbols[].enabled and storage.daily_rotation. Anything else: file, line and key, exit 2.
TEST_F(ConfigCommandLine, EveryBooleanKeyRefusesANonBoolean) {
  CLI::App app;
  FlagValues values;
  add_flags(app, values);
  std::vector<std::string> switches;
  for (const config::FlagSpec& spec : config_flag_specs(app)) {
    if (!spec.takes_value) switches.push_back(spec.name);
  }
  for (const char* known : {"book-ticker", "repair-trades", "no-summary", "no-rollover",
                            "skip-unsupported-streams", "metrics-allow-remote"}) {
    EXPECT_NE(std::find(switches.begin(), switches.end(), known), switches.end())
        << known << " is not a switch in the flag table";
  }
  const std::string head =
      "mode: development\n"
      "modes:\n"
      "  development:\n"
      "    symbols:\n";
  const std::string symbol = "      - {symbol: BTCUSDT, streams: [depth]}\n";
  struct BooleanCase {
    std::string text;  // the file
    int line;
    std::string key;
  };
  std::vector<BooleanCase> cases;
  for (const char* bad : {"7", "0", "1", "\"true\"", "'yes'", "maybe", "[true]", "{on: 1}"}) {
    for (const std::string& name : switches)
      cases.push_back(
          {head + symbol + "recorder:\n  " + name + ": " + bad + "\n", 7, "recorder." + name});
    cases.push_back({head + "      - {symbol: BTCUSDT, streams: [depth], enabled: " + bad + "}\n",
                     5, "modes.development.symbols[0].enabled"});
    cases.push_back(
        {head + symbol + "storage:\n  daily_rotation: " + bad + "\n", 7, "storage.daily_rotation"});
  }
  for (const BooleanCase& c : cases) {
    const ParsedCommandLine refused = parse({"--config", write(c.text), "--check-config"});
    EXPECT_EQ(refused.exit_code, 2) << c.text;
    const std::string where = "config" + std::to_string(files_) +
                              ".yaml:" + std::to_string(c.line) + ": " + c.key +
                              ": must be true or false";
    EXPECT_NE(refused.message.find(where), std::string::npos)
        << refused.message << "\n--- wanted: " << where << "\n--- in:\n"
        << c.text;
  }
  // YAML's booleans are taken, in each spelling yaml-cpp's as<bool> knows.
  for (const auto& [word, on] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                          {"False", false},
                                                                          {"yes", true},
                                                                          {"NO", false},
                                                                          {"on", true},
                                                                          {"off", false}}) {
    const ParsedCommandLine taken =
        parse({"--config", write(head + symbol + "recorder:\n  book-ticker: " + word + "\n")});
    ASSERT_EQ(taken.exit_code, -1) << word << ": " << taken.message;
    EXPECT_EQ(taken.config.record_book_ticker, on) << word;
  }
}

}  // namespace
}  // namespace depthrec::cli

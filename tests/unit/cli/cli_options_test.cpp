// The depthrec command line: --symbols beside the seed's --symbol, --quote, --max-symbols, many
// symbols as subscription keys, and ALL handed to the engine as a selection to resolve.
#include "cli/cli_options.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec::cli {
namespace {

ParsedCommandLine parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"depthrec"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(nullptr);
  return parse_command_line(static_cast<int>(argv.size() - 1), argv.data());
}

std::string items_of(const SymbolSelection& selection) {
  std::string text;
  for (const SelectionItem& item : selection.items)
    text += (text.empty() ? "" : ",") + to_string(item);
  return text;
}

// Everything a run is built from: two parses that agree on this record the same thing.
std::string run_of(const ParsedCommandLine& parsed) {
  const RecorderConfig& c = parsed.config;
  return std::string(to_string(c.market)) + " " + c.symbol + " " + stream_url(c) + " " +
         snapshot_url(c) + " " + server_time_url(c) + " depth=" + std::to_string(c.depth_levels) +
         " selection=" + items_of(parsed.selection);
}

// The command line is refused (exit 2) with a message that holds `expected`.
void refuses(std::initializer_list<const char*> args, std::string_view expected) {
  const ParsedCommandLine parsed = parse(args);
  EXPECT_EQ(parsed.exit_code, 2) << parsed.message;
  EXPECT_NE(parsed.message.find(expected), std::string::npos)
      << "'" << parsed.message << "' lacks '" << expected << "'";
}

TEST(CliSymbols, OneSymbolIsExactlyTheSeedsSymbol) {
  const ParsedCommandLine seed = parse({"--symbol", "BTCUSDT", "--depth", "full"});
  const ParsedCommandLine symbols = parse({"--symbols", "btcusdt", "--depth", "full"});
  ASSERT_EQ(seed.exit_code, -1) << seed.message;
  ASSERT_EQ(symbols.exit_code, -1) << symbols.message;
  EXPECT_EQ(run_of(symbols), run_of(seed));
  EXPECT_EQ(seed.config.symbol, "BTCUSDT");
  EXPECT_EQ(items_of(seed.selection), "usdm:BTCUSDT");

  // A market prefix is --market for that symbol.
  const ParsedCommandLine spot = parse({"--symbol", "ETHBTC", "--market", "spot", "--depth", "20"});
  const ParsedCommandLine prefixed = parse({"--symbols", "spot:ETHBTC", "--depth", "20"});
  ASSERT_EQ(prefixed.exit_code, -1) << prefixed.message;
  EXPECT_EQ(run_of(prefixed), run_of(spot));
  EXPECT_EQ(prefixed.config.market, Market::spot);

  // No flag at all: the seed's default symbol, as before.
  const ParsedCommandLine defaults = parse({});
  ASSERT_EQ(defaults.exit_code, -1);
  EXPECT_EQ(defaults.config.symbol, "ETHUSDT");
  EXPECT_EQ(items_of(defaults.selection), "usdm:ETHUSDT");
}

TEST(CliSymbols, TheLastOfSymbolAndSymbolsWins) {
  EXPECT_EQ(parse({"--symbol", "ETHUSDT", "--symbols", "BTCUSDT"}).config.symbol, "BTCUSDT");
  EXPECT_EQ(parse({"--symbols", "BTCUSDT", "--symbol", "ETHUSDT"}).config.symbol, "ETHUSDT");
  // tools/run.sh passes --symbol BTCUSDT before the user's flags.
  const ParsedCommandLine wrapped =
      parse({"--symbol", "BTCUSDT", "--depth", "full", "--symbols", "coinm:BTCUSD_PERP"});
  ASSERT_EQ(wrapped.exit_code, -1) << wrapped.message;
  EXPECT_EQ(wrapped.config.symbol, "BTCUSD_PERP");
  EXPECT_EQ(wrapped.config.market, Market::coinm);
}

// ALL is resolved by the engine against exchangeInfo at start: the command line hands it the
// selection as given (ALL beside named symbols of other markets, --quote, --max-symbols) and no
// subscription of its own.
TEST(CliSymbols, AllIsTheEnginesSelectionToResolve) {
  const ParsedCommandLine parsed = parse({"--symbols", "usdm:ALL,spot:ETHBTC", "--quote",
                                          "usdt,USDC", "--max-symbols", "100", "--depth", "full"});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  const SymbolSelection& selection = parsed.config.symbol_selection;
  EXPECT_TRUE(selection.has_all());
  EXPECT_EQ(items_of(selection), "usdm:ALL,spot:ETHBTC");
  EXPECT_EQ(selection.quote_assets, (std::vector<std::string>{"USDT", "USDC"}));
  EXPECT_EQ(selection.max_symbols, 100u);
  EXPECT_TRUE(parsed.config.subscriptions.empty());
  EXPECT_EQ(parsed.config.depth_levels, 0);

  const ParsedCommandLine all = parse({"--symbols", "ALL", "--market", "spot"});
  ASSERT_EQ(all.exit_code, -1) << all.message;
  EXPECT_EQ(items_of(all.config.symbol_selection), "spot:ALL");
  // Named symbols alone are not resolved: they are subscriptions as before.
  EXPECT_FALSE(parse({"--symbols", "BTCUSDT,ETHUSDT"}).config.symbol_selection.has_all());
}

// More than one symbol is one run of the many-stream engine: a key per stream, each on its own
// market, the depth channel of --depth/--speed, a bookTicker beside each with --book-ticker.
TEST(CliSymbols, ManySymbolsAreOneSubscriptionPerStream) {
  const ParsedCommandLine parsed =
      parse({"--symbols", "usdm:BTCUSDT,spot:ETHUSDT", "--depth", "full", "--book-ticker",
             "--market-endpoint", "spot=ws://127.0.0.1:1", "--market-rest-endpoint",
             "spot=http://127.0.0.1:1"});
  ASSERT_EQ(parsed.exit_code, -1) << parsed.message;
  std::string keys;
  for (const SubscriptionKey& key : parsed.config.subscriptions) keys += to_string(key) + " ";
  EXPECT_EQ(keys,
            "binance:usdm:BTCUSDT:depth@100ms binance:usdm:BTCUSDT:bookTicker "
            "binance:spot:ETHUSDT:depth@100ms binance:spot:ETHUSDT:bookTicker ");
  EXPECT_EQ(parsed.config.market_ws_endpoints[static_cast<std::size_t>(Market::spot)],
            "ws://127.0.0.1:1");
  EXPECT_EQ(parsed.config.market_rest_endpoints[static_cast<std::size_t>(Market::spot)],
            "http://127.0.0.1:1");
  // One symbol stays the seed's single-stream run (no subscriptions list).
  EXPECT_TRUE(parse({"--symbols", "BTCUSDT"}).config.subscriptions.empty());
  EXPECT_EQ(parse({"--symbols", "A,B,C"}).config.subscriptions.size(), 3u);
  const ParsedCommandLine bad = parse({"--symbols", "A,B", "--market-endpoint", "moon=ws://x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.message.find("use MARKET=URL"), std::string::npos) << bad.message;
}

TEST(CliSymbols, BadSelectionsAreRefusedWithTheReason) {
  refuses({"--symbols", ""}, "depthrec: --symbols is empty");
  refuses({"--symbols", "BTCUSDT,btcusdt"}, "lists usdm:BTCUSDT twice");
  refuses({"--symbols", "ALL,BTCUSDT"}, "both ALL and BTCUSDT on usdm");
  refuses({"--symbols", "perp:BTCUSDT"}, "unknown market 'perp'");
  refuses({"--symbols", "../x"}, "invalid symbol '../x'");
  refuses({"--symbols", "BTCUSDT", "--quote", "USDT"}, "--quote filters ALL");
  refuses({"--symbols", "ALL", "--quote", "US DT"}, "invalid asset 'US DT'");
  refuses({"--symbols", "A,B,C", "--max-symbols", "2"}, "more than --max-symbols 2");
  refuses({"--max-symbols", "-1"}, "--max-symbols");
  refuses({"--max-symbols", "x"}, "--max-symbols");
  refuses({"--symbol", "../x"}, "invalid symbol '../X'");  // the seed's flag, as before
}

TEST(CliSymbols, HelpDocumentsTheNewFlags) {
  const ParsedCommandLine help = parse({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--symbol ", "--symbols", "--quote", "--max-symbols", "usdm:ALL"})
    EXPECT_NE(help.message.find(flag), std::string::npos) << flag;
}

// The pre-sync bounds of a many-symbol run (README "Resource bounds"): defaults, flags, and
// validation's clear errors.
TEST(CliPresync, DefaultsFlagsAndTheirLimits) {
  const ParsedCommandLine defaults = parse({"--symbols", "BTCUSDT,ETHUSDT"});
  EXPECT_EQ(defaults.config.presync_tail, std::chrono::milliseconds(3'000));
  EXPECT_EQ(defaults.config.max_presync_buffer_bytes, std::size_t{256} << 20);
  const ParsedCommandLine set = parse(
      {"--symbols", "BTCUSDT,ETHUSDT", "--presync-tail-ms", "0", "--max-presync-buffer-mb", "64"});
  ASSERT_LT(set.exit_code, 0) << set.message;
  EXPECT_EQ(set.config.presync_tail, std::chrono::milliseconds(0));
  EXPECT_EQ(set.config.max_presync_buffer_bytes, std::size_t{64} << 20);
  EXPECT_EQ(validate(set.config), "");
  RecorderConfig config = set.config;
  config.presync_tail = std::chrono::milliseconds(-1);
  EXPECT_EQ(validate(config), "--presync-tail-ms must not be negative");
  config = set.config;
  config.max_presync_buffer_bytes = 0;
  EXPECT_EQ(validate(config), "--max-presync-buffer-mb must be at least 1");
}

// --redis and its companions (README "Redis Streams"): defaults, flags, and clear refusals.
TEST(CliRedis, FlagsDefaultsAndRefusals) {
  const ParsedCommandLine defaults = parse({"--symbols", "BTCUSDT"});
  EXPECT_TRUE(defaults.config.redis_url.empty());
  EXPECT_EQ(defaults.config.redis_keys, "depthrec");
  EXPECT_EQ(defaults.config.redis_maxlen, 10'000u);
  EXPECT_FALSE(defaults.config.redis_hash_tags);
  EXPECT_EQ(defaults.config.redis_book_every, 0u);
  const ParsedCommandLine set =
      parse({"--symbols", "BTCUSDT", "--redis", "redis://:pw@10.1.2.3:6380/2", "--redis-keys",
             "seed001", "--redis-hash-tags", "--redis-maxlen", "0", "--redis-queue", "500",
             "--redis-book-every", "1000"});
  ASSERT_LT(set.exit_code, 0) << set.message;
  EXPECT_EQ(set.config.redis_url, "redis://:pw@10.1.2.3:6380/2");
  EXPECT_EQ(set.config.redis_keys, "seed001");
  EXPECT_TRUE(set.config.redis_hash_tags);
  EXPECT_EQ(set.config.redis_maxlen, 0u);
  EXPECT_EQ(set.config.redis_queue_capacity, 500u);
  EXPECT_EQ(set.config.redis_book_every, 1000u);
  EXPECT_EQ(validate(set.config), "");
  refuses({"--redis", "rediss://h"}, "hiredis 0.14 has no TLS");
  refuses({"--redis", "redis://h:99999"}, "--redis: the port must be");
  refuses({"--redis", "localhost:6379"}, "is no Redis URL");
  refuses({"--redis-keys", "other"}, "--redis-keys");
  refuses({"--redis-book-every", "5 s"}, "wants N events or a duration");
  refuses({"--redis-book-every", "100"}, "--redis-book-every needs --redis");
  refuses({"--redis", "unix:///tmp/r.sock", "--redis-queue", "1"}, "--redis-queue must be");
}

// --parquet and its rotation (docs/parquet.md "Live"): defaults, flags, and clear refusals.
TEST(CliParquet, FlagsDefaultsAndRefusals) {
  const ParsedCommandLine defaults = parse({"--symbols", "BTCUSDT"});
  EXPECT_TRUE(defaults.config.parquet_dir.empty());
  EXPECT_EQ(defaults.config.parquet_rotate_sec, 3600);
  EXPECT_EQ(defaults.config.parquet_row_group_bytes, 8u << 20);
  const ParsedCommandLine set = parse({"--symbols", "BTCUSDT", "--parquet", "/tmp/pq",
                                       "--parquet-rotate", "15m", "--parquet-row-group-mb", "2"});
  ASSERT_LT(set.exit_code, 0) << set.message;
  EXPECT_EQ(set.config.parquet_dir, "/tmp/pq");
  EXPECT_EQ(set.config.parquet_rotate_sec, 900);
  EXPECT_EQ(set.config.parquet_row_group_bytes, 2u << 20);
  EXPECT_EQ(validate(set.config), "");
  refuses({"--parquet", "/tmp/pq", "--parquet-rotate", "25h"}, "--parquet-rotate '25h'");
  refuses({"--parquet", "/tmp/pq", "--parquet-rotate", "1d"}, "s, m or h");
  refuses({"--parquet", "/tmp/pq", "--parquet-row-group-mb", "0"}, "--parquet-row-group-mb");
  const ParsedCommandLine small =
      parse({"--symbols", "BTCUSDT", "--parquet", "/tmp/pq", "--parquet-row-group-mb", "0.0625"});
  EXPECT_EQ(small.config.parquet_row_group_bytes, 64u << 10);
  EXPECT_EQ(validate(small.config), "");
  refuses({"--parquet", "/tmp/pq", "--parquet-row-group-mb", "0.05"}, "--parquet-row-group-mb");
  refuses({"--parquet", "/tmp/pq", "--parquet-row-group-mb", "-1"}, "--parquet-row-group-mb");
}

// --parquet-book-levels / --parquet-book-every: the live `book` dataset (docs/parquet.md).
TEST(CliParquet, BookLevelsAndIntervalWithClearRefusals) {
  const ParsedCommandLine defaults = parse({"--symbols", "BTCUSDT"});
  EXPECT_EQ(defaults.config.parquet_book_levels, 0u);
  EXPECT_EQ(defaults.config.parquet_book_every_ns, 100'000'000);
  const ParsedCommandLine set =
      parse({"--symbols", "BTCUSDT", "--parquet", "/tmp/pq", "--parquet-book-levels", "5",
             "--parquet-book-every", "250ms"});
  ASSERT_LT(set.exit_code, 0) << set.message;
  EXPECT_EQ(set.config.parquet_book_levels, 5u);
  EXPECT_EQ(set.config.parquet_book_every_ns, 250'000'000);
  EXPECT_EQ(validate(set.config), "");
  refuses({"--parquet", "/tmp/pq", "--parquet-book-levels", "5", "--parquet-book-every", "event"},
          "--parquet-book-every 'event'");
  refuses({"--parquet", "/tmp/pq", "--parquet-book-every", "1h"}, "--parquet-book-every '1h'");
  refuses({"--parquet-book-levels", "5"}, "--parquet-book-levels needs --parquet DIR");
  refuses({"--parquet", "/tmp/pq", "--parquet-book-levels", "1001"}, "at most 1000");
  refuses({"--parquet", "/tmp/pq", "--parquet-book-levels", "-1"}, "--parquet-book-levels");
}

}  // namespace
}  // namespace depthrec::cli

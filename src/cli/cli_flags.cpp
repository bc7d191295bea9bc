#include "cli/cli_flags.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "redis/age_trim.hpp"

namespace depthrec::cli {
namespace {

// Flags that are not settings of a run: the file names them or they act on it.
constexpr std::array<std::string_view, 7> kNotInConfig{
    "config", "mode", "check-config", "list-symbols", "status", "help", "version"};

}  // namespace

void add_flags(CLI::App& app, FlagValues& v) {
  RecorderConfig& c = v.config;
  add_symbol_flags(
      app, c.symbol, v.symbol_flags,
      "Several symbols are recorded in one process (one file set, metrics.json per "
      "stream); ALL is resolved at start, a named symbol the exchange does not list is "
      "logged and left out");
  app.add_option("--depth", v.depth,
                 "Book depth: 5, 10 or 20 records the partial-depth stream of that many levels; "
                 "'full' records the diff stream and keeps a full local book (snapshot + diffs)")
      ->capture_default_str();
  app.add_option("--rotate", v.rotate, "Rotation of data segments and text logs: interval or size")
      ->check(CLI::IsMember({"interval", "size"}))
      ->capture_default_str();
  app.add_option("--rotate-sec", c.rotate_sec, "Rotation interval in seconds (--rotate interval)")
      ->capture_default_str();
  app.add_option("--max-bytes", c.max_bytes,
                 "Rotation size in bytes (--rotate size; uncompressed bytes for data segments)")
      ->capture_default_str();
  app.add_option("--backups", c.backups,
                 "Rotated text log files kept (recorded data is never deleted)")
      ->capture_default_str();
  app.add_option("--print-interval", c.print_interval_sec,
                 "Seconds between SUMMARY lines and metrics.json refreshes")
      ->capture_default_str();
  app.add_option("--exchange-info-interval-sec", c.exchange_info_interval_sec,
                 "With --symbols ALL: seconds between exchangeInfo fetches that follow the list "
                 "while running (new listings subscribed, delisted or halted symbols "
                 "unsubscribed); 0: the list of the start only. Ignored without ALL")
      ->capture_default_str();
  app.add_option("--run-minutes", v.run_minutes,
                 "Stop after this many minutes (default: run until stopped)");

  app.add_option("--market", v.market,
                 "Market: usdm (USD-M futures), coinm (COIN-M futures) or spot")
      ->check(CLI::IsMember({"usdm", "coinm", "spot"}))
      ->capture_default_str();
  app.add_option("--speed", c.speed,
                 "Stream update speed: 0ms, 100ms, 250ms, 500ms, 1000ms, or '' for the default")
      ->capture_default_str();
  app.add_flag("--book-ticker", c.record_book_ticker,
               "Also record <symbol>@bookTicker (ground truth for depthrec-replay)");
  app.add_option("--streams", v.streams,
                 "Channels recorded for every symbol, as Binance names them: one depth stream "
                 "(depth, depth@100ms, depth5...; replaces --depth/--speed), bookTicker (as "
                 "--book-ticker), trade, aggTrade (ids checked for gaps), kline_<interval> "
                 "(1s spot only, 1m ... 1M), markPrice, markPrice@1s, forceOrder (futures), e.g. "
                 "depth@100ms,trade,aggTrade,kline_1m,bookTicker")
      ->delimiter(',');
  app.add_option("--klines", v.klines,
                 "kline_<interval> streams: all (every update of the open candle) or closed "
                 "(only each candle's closing update, as seed 000 captures them)")
      ->check(CLI::IsMember({"all", "closed"}))
      ->capture_default_str();
  app.add_flag("--repair-trades", c.repair_trades,
               "An aggTrade id gap is fetched from REST (aggTrades?fromId=, low priority in the "
               "shared weight budget), recorded with source rest and closed by a gap_fill record; "
               "trade gaps stay marked (Binance's historicalTrades needs an API key)");
  app.add_option(
      "--endpoint", c.ws_endpoint,
      "WebSocket base URL (default: Binance's host for the market), e.g. wss://127.0.0.1:9443");
  app.add_option("--rest-endpoint", c.rest_endpoint,
                 "REST base URL for snapshots (default: Binance's host for the market)");
  app.add_option("--futures-streams-per-connection", c.futures_streams_per_connection,
                 "With several symbols: streams per USD-M/COIN-M connection (Binance documents 200 "
                 "and 1024; 1 to 1024)")
      ->capture_default_str();
  app.add_option("--spot-streams-per-connection", c.spot_streams_per_connection,
                 "With several symbols: streams per spot connection (Binance allows 1024; the URL "
                 "names the first 100, the rest are SUBSCRIBEd at open; 2 to 1024)")
      ->capture_default_str();
  app.add_option("--market-endpoint", v.market_endpoints,
                 "A market's own WebSocket base URL in a run of several markets, e.g. "
                 "spot=wss://127.0.0.1:9443 (repeat per market; others take --endpoint)");
  app.add_option("--market-rest-endpoint", v.market_rest_endpoints,
                 "A market's own REST base URL, e.g. spot=https://127.0.0.1:9443 (repeat per "
                 "market; others take --rest-endpoint)");
  app.add_option(
         "--ca-file", c.ca_file,
         "Extra CA certificate (PEM) to trust, e.g. the simulator's; TLS is always verified")
      ->check(CLI::ExistingFile);
  app.add_option("--snapshot-limit", c.snapshot_limit, "REST snapshot depth for --depth full")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "Directory for NDJSON segments and metrics.json")
      ->capture_default_str();
  app.add_option("--log-dir", c.log_dir, "Directory for text logs")->capture_default_str();
  app.add_option("--gzip-level", c.gzip_level,
                 "gzip level of data segments (1 fastest: ISA-L's igzip; 2 .. 9 smaller: "
                 "libdeflate's)")
      ->capture_default_str();
  app.add_option("--format", v.format,
                 "Recording files: ndjson (gzip segments, docs/records.md), csv (one file per "
                 "table, symbol and UTC day under DATA_DIR/csv/MARKET, docs/csv.md) or both")
      ->check(CLI::IsMember({"ndjson", "csv", "both"}))
      ->capture_default_str();
  app.add_option("--csv-rotation", v.csv_rotation,
                 "CSV files: daily (named by their rows' UTC date, seed 003's daily_rotation) or "
                 "none (one file per table and symbol)")
      ->check(CLI::IsMember({"daily", "none"}))
      ->capture_default_str();
  app.add_flag("!--no-summary", c.print_summary, "Do not print SUMMARY lines on stdout");
  app.add_option(
         "--queue-capacity", c.queue_capacity,
         "Writer queue bound in records; when full the newest record is dropped, counted and "
         "marked as a gap (the network thread never blocks)")
      ->capture_default_str();
  app.add_option("--queue-max-bytes", c.max_queue_bytes,
                 "Writer queue bound in bytes; beyond it records are dropped, counted and marked "
                 "as with --queue-capacity")
      ->capture_default_str();
  app.add_option("--max-frame-bytes", c.max_frame_bytes, "Larger frames are refused and counted")
      ->capture_default_str();
  app.add_option("--max-unwritten-bytes", c.max_unwritten_bytes,
                 "Recording held in memory while storage fails (disk full...); beyond it records "
                 "are dropped, counted and marked as a gap")
      ->capture_default_str();
  app.add_option("--max-buffered-events", c.max_buffered_events,
                 "Events buffered while waiting for a snapshot; beyond it the sync restarts")
      ->capture_default_str();
  app.add_option("--max-book-levels", c.max_book_levels,
                 "Levels kept per side of the book; beyond it the farthest from the top are "
                 "dropped and counted (book.levels_dropped); the top stays exact")
      ->capture_default_str();
  app.add_option("--max-buffered-bytes", c.max_buffered_bytes,
                 "Memory of the events buffered while waiting for a snapshot (levels included); "
                 "beyond it the sync restarts")
      ->capture_default_str();
  app.add_option("--presync-tail-ms", v.presync_tail_ms,
                 "Many symbols: while a book's snapshot request waits for the REST weight budget, "
                 "keep only its events of this last stretch (the snapshot will be newer); 0: all")
      ->capture_default_str();
  app.add_option("--max-presync-buffer-mb", v.max_presync_mb,
                 "Many symbols: memory of the events all books buffer while waiting for a "
                 "snapshot; beyond it the growing book drops its oldest (counted, fetched again)")
      ->capture_default_str();
  app.add_option("--stall-timeout-ms", v.stall_ms,
                 "Reconnect when no depth event of the stream arrives for this long (pings and "
                 "other frames do not count)")
      ->capture_default_str();
  app.add_option("--backoff-max-ms", v.backoff_max_ms, "Cap of the reconnect backoff")
      ->capture_default_str();
  app.add_option("--rest-timeout-ms", v.rest_timeout_ms, "Timeout of a REST snapshot request")
      ->capture_default_str();
  app.add_option("--max-connection-age-sec", v.max_age_sec,
                 "Connection age (seconds) at which it is replaced, before Binance's 24 h cut: a "
                 "successor connection opens and takes over without a gap (make-before-break)")
      ->capture_default_str();
  app.add_flag("--no-rollover", v.no_rollover,
               "At --max-connection-age-sec, close and reconnect instead (a gap and a resync)");
  app.add_option("--rest-weight-per-minute", c.rest_weight_per_minute,
                 "REST weight budget per minute (0: the market's documented limit)")
      ->capture_default_str();
  app.add_option("--rest-weight-window-ms", v.rest_window_ms,
                 "The REST budget's window (Binance: one minute; shorter against a simulator)")
      ->capture_default_str();
  app.add_option("--rest-safety-share", c.rest_safety_share,
                 "Share of the REST budget the scheduler plans at most (a margin below the limit)")
      ->capture_default_str();
  app.add_option("--rest-initial-share", c.rest_initial_share,
                 "Share of the REST budget initial syncs may use (resyncs go first and may use "
                 "up to --rest-safety-share)")
      ->capture_default_str();

  app.add_option("--metrics-listen", c.metrics_listen,
                 "Serve Prometheus /metrics and /healthz on HOST:PORT, e.g. 127.0.0.1:9464 (port "
                 "0: the OS picks one, written in metrics.json metrics_listen); off by default");
  app.add_flag("--metrics-allow-remote", c.metrics_allow_remote,
               "Let --metrics-listen bind an address that is not loopback (reachable from other "
               "machines)");

  app.add_option("--realtime-priority", c.realtime_priority,
                 "Run the network thread and the Redis sink's thread under SCHED_FIFO at this "
                 "priority (1-99; 0: off), for the lowest latency on a busy machine; needs root, "
                 "CAP_SYS_NICE or LimitRTPRIO")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  app.add_option("--redis", c.redis_url,
                 "Also publish every record to Redis Streams: redis://[:password@]host[:port][/db] "
                 "or unix:///path[?db=N] (no TLS: hiredis 0.14); its own queue and thread, "
                 "entry ids from the exchange sequence (exactly-once across recorders)");
  app.add_option("--redis-keys", c.redis_keys,
                 "Stream keys: depthrec (depthrec:<market>:<SYMBOL>:<channel>) or seed001 "
                 "(binance:raw:depth:20, binance:raw:trade...)")
      ->check(CLI::IsMember({"depthrec", "seed001"}))
      ->capture_default_str();
  app.add_flag("--redis-hash-tags", c.redis_hash_tags,
               "Write the symbol as a hash tag {BTCUSDT} in keys (Redis Cluster: one shard a "
               "symbol)");
  app.add_option("--redis-maxlen", c.redis_maxlen,
                 "Trim each stream with XADD MAXLEN ~ N (0: no trimming)")
      ->capture_default_str();
  app.add_option("--redis-max-age", c.redis_max_age,
                 "Trim each stream by age instead: XADD MINID ~ keeps the entries whose exchange "
                 "event time is within DURATION (90s, 10m, 2h, 1d) of the stream's newest, mapped "
                 "onto the sequence ids by one mark a second (README, Redis Streams)");
  app.add_option_function<std::string>(
         "--redis-book-every",
         [&c](const std::string& text) {
           if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
               text.size() <= 19) {
             c.redis_book_every = std::stoull(text);
             c.redis_book_every_ms = 0;
             return;
           }
           const auto ms = redis::parse_duration_ms(text);
           if (!ms)
             throw CLI::ValidationError(
                 "--redis-book-every", "wants N events or a duration (5s, 1m), not '" + text + "'");
           c.redis_book_every_ms = *ms;
           c.redis_book_every = 0;
         },
         "Publish the local book as a `book` entry every N depth events applied, or every "
         "DURATION (5s, 1m: at the first event applied after it), where a consumer of the stream "
         "alone can start a book (0: only the sync snapshots)")
      ->default_str("0");
  app.add_option("--redis-queue", c.redis_queue_capacity,
                 "Records the Redis sink may hold while Redis is slow or away; beyond, records are "
                 "dropped, counted and marked by a gap entry")
      ->capture_default_str();

  app.add_option("--parquet", c.parquet_dir,
                 "Also write the recording as Parquet datasets while recording (depthrec-export's "
                 "tables and Hive layout, docs/parquet.md): DIR/channel=/market=/symbol=/date=/"
                 "part-HHMMSS.parquet; its own queue and thread");
  app.add_option("--parquet-rotate", v.parquet_rotate,
                 "Period of each --parquet file (s, m or h; 1s..24h, cut at UTC midnight)")
      ->capture_default_str();
  app.add_option("--parquet-row-group-mb", v.parquet_row_group_mb,
                 "Uncompressed MiB a --parquet file buffers before writing a row group (its "
                 "memory bound per open file, and what a crash can lose of it); 0.0625..")
      ->capture_default_str();
  app.add_option("--parquet-book-levels", c.parquet_book_levels,
                 "Also write --parquet's `book` dataset: the synced book's top N levels per side "
                 "every --parquet-book-every, as depthrec-export --book-levels N (0: none)")
      ->capture_default_str();
  app.add_option("--parquet-book-every", v.parquet_book_every,
                 "Sampling interval of --parquet-book-levels (100ms, 1s, 250us, 1m): a row per "
                 "UTC-aligned grid point of receive time while the book is synced")
      ->capture_default_str();

  app.add_option("-c,--config", v.config_file,
                 "A YAML config file in seed 003's shape (docs/config.md); the command line "
                 "overrides what it sets");
  app.add_option("--mode", v.mode,
                 "With --config: the mode to run, modes.<mode> (default: the file's mode)")
      ->check(CLI::IsMember({"development", "production"}));
  app.add_flag("--skip-unsupported-streams", v.skip_unsupported_streams,
               "With --config: a stream depthrec does not record yet (aggTrade, kline_1m...) is a "
               "warning instead of an error; the others are recorded");
  app.add_flag("--check-config", v.check_config,
               "Validate the flags (and --config) and print the resolved plan: streams, "
               "connections, REST budget, expected initial sync time; exits 0 or 2 without "
               "connecting");
  app.add_flag("--list-symbols", v.list_symbols,
               "Print the configured symbols and their streams, then exit");
  app.add_flag("--status", v.status,
               "Print the state of the recorder writing to --data-dir (its metrics.json: each "
               "check as depthrec-check makes it), then exit; 2 when there is none");
}

std::vector<config::FlagSpec> config_flag_specs(const CLI::App& app) {
  std::vector<config::FlagSpec> specs;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;  // positional: depthrec has none
    const std::string& name = option->get_lnames().front();
    if (std::find(kNotInConfig.begin(), kNotInConfig.end(), name) != kNotInConfig.end()) continue;
    config::FlagSpec spec;
    spec.name = name;
    // A switch (add_flag) expects no argument; its type size is 1 (the bool it sets), so it is
    // not what tells a switch from a valued option: with it `book-ticker: 7` ran as true.
    spec.takes_value = option->get_expected_max() != 0;
    spec.repeatable = option->get_expected_max() > 1;
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace depthrec::cli

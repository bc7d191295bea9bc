// Everything a Recorder needs to know, with the defaults of the seed's Python client where it had
// one. The CLI maps its flags one to one onto these fields (see `depthrec --help`).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "depthrec/market.hpp"
#include "depthrec/subscription.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec {

enum class RotateMode : std::uint8_t { interval, size };
// What the recording files are (--format): gzip NDJSON segments (docs/records.md), CSV files per
// table, symbol and UTC day (docs/csv.md), or both from the same records.
enum class OutputFormat : std::uint8_t { ndjson, csv, both };

struct RecorderConfig {
  // What to record.
  Market market = Market::usdm;
  std::string symbol = "ETHUSDT";
  int depth_levels = 5;  // 5, 10, 20: partial-depth stream; 0: diff stream and a full local book
  std::string speed = "100ms";      // stream speed suffix ("" for the exchange default)
  bool record_book_ticker = false;  // also subscribe to <sym>@bookTicker and record `ticker` lines
  // One stream's config (stream_config) of a rpiDepth key: the book is USD-M's RPI book
  // (<sym>@rpiDepth@500ms, snapshot /fapi/v1/rpiDepth limit 1000), synced like the diff book.
  bool rpi_book = false;
  bool klines_closed_only = false;  // --klines closed: kline streams record closing updates only
  // --repair-trades: an aggTrade id gap is fetched from REST (aggTrades?fromId=) and recorded
  // with source rest, then a gap_fill record (docs/records.md).
  bool repair_trades = false;
  // Many streams in one process (issue 12): each depth key (diff or partial) is a book of its own,
  // each bookTicker key is recorded beside its symbol's depth key (one must be listed). Empty:
  // the single stream of market/symbol/depth_levels/speed/record_book_ticker above, recorded
  // exactly as before. Depth keys take their market, symbol, levels and speed from the key; every
  // other field here applies to all of them.
  std::vector<SubscriptionKey> subscriptions;
  // --symbols with ALL (usdm:ALL, spot:ALL,usdm:BTCUSDT...): the many-stream engine fetches each
  // market's exchangeInfo at start and records every symbol the selection resolves to (TRADING,
  // --quote, --max-symbols; named symbols checked against the exchange), each with the channel of
  // depth_levels/speed and, with record_book_ticker, its bookTicker. `subscriptions` is then
  // built by the engine. Without ALL it is unused.
  SymbolSelection symbol_selection;
  // The event channels (trade, aggTrade, kline_<interval>, markPrice, forceOrder...) every
  // symbol of subscriptions_of() gets beside its depth stream: with ALL, every symbol resolved at
  // start and every later listing (SUBSCRIBEd live; unsubscribed with its symbol's delisting).
  std::vector<Channel> event_channels;
  // With ALL: seconds between the exchangeInfo fetches that follow the list while running (a new
  // listing subscribed, a delisted or halted symbol unsubscribed, no restart). 0: resolved once at
  // start only. Without ALL it is unused.
  int exchange_info_interval_sec = 60;
  // Streams per futures connection in a many-stream run (Binance documents 200 and 1024). 2 to
  // 1024.
  std::size_t futures_streams_per_connection = 200;
  // Streams per spot connection (Binance's limit is 1024). Every stream is named in the
  // connection's URL until live SUBSCRIBE lands: depthsim refuses a URL over 16,000 bytes (HTTP
  // 431), ~700 streams of ~22 bytes; a whole-market run sets fewer (bench/whole_market.py). 2 to
  // 1024.
  std::size_t spot_streams_per_connection = 1024;

  // Where from. Empty endpoints mean Binance's production hosts for the market.
  std::string
      ws_endpoint;  // e.g. "wss://127.0.0.1:9443" (the path /stream?streams=... is appended)
  std::string
      rest_endpoint;  // e.g. "https://127.0.0.1:9443" (the path /fapi/v1/depth?... is appended)
  // Per market (index: Market), for runs of several markets: empty takes ws_endpoint /
  // rest_endpoint (a many-stream run adds the venue's route to it, e.g. /public on USD-M).
  std::array<std::string, 3> market_ws_endpoints;
  std::array<std::string, 3> market_rest_endpoints;
  std::string ca_file;  // extra CA bundle (the simulator's certificate); TLS is always verified
  int snapshot_limit = 1000;  // REST depth limit for the full book

  // Where to. Recording files are never deleted by depthrec.
  bool write_files = true;  // false: library use that only keeps the book and metrics
  std::string data_dir = "data/order_book";
  std::string log_dir = "logs";
  RotateMode rotate = RotateMode::interval;
  int rotate_sec = 60;
  std::uint64_t max_bytes = 5'000'000;
  int backups = 7;  // rotated text logs kept (recorded data is never deleted)
  int gzip_level = 1;
  OutputFormat output_format = OutputFormat::ndjson;
  // CSV files (--format csv|both) under <data_dir>/csv/<market>/, named by their rows' UTC day
  // (seed 003's daily_rotation); false: one file per table and symbol.
  bool csv_daily_files = true;

  // Reporting.
  int print_interval_sec = 10;        // SUMMARY line and metrics.json refresh
  bool print_summary = true;          // SUMMARY lines on stdout
  std::optional<double> run_minutes;  // unset: run until stopped
  // Prometheus exposition (--metrics-listen HOST:PORT): the address served, written into
  // metrics.json ("metrics_listen"); the CLI binds it before the run and puts the bound port here.
  std::string metrics_listen;         // empty: /metrics is not served
  bool metrics_allow_remote = false;  // a non-loopback HOST is refused without it
  // --realtime-priority N (1-99; 0: off): the network thread and the Redis sink's thread under
  // SCHED_FIFO at N, for the lowest receipt-to-consumer latency on a busy machine
  // (src/session/realtime_priority.hpp). Needs CAP_SYS_NICE or RLIMIT_RTPRIO >= N.
  int realtime_priority = 0;
  // Redis Streams sink (--redis URL, src/redis/): every record also published to Redis from its
  // own queue and thread; the files stay the complete record. Empty: off.
  std::string redis_url;
  std::string redis_keys = "depthrec";  // key scheme: depthrec or seed001
  bool redis_hash_tags = false;         // {SYMBOL} in keys (Redis Cluster: one slot a symbol)
  std::size_t redis_maxlen = 10'000;    // XADD MAXLEN ~ N; 0: no trimming
  // XADD MINID ~ by exchange event time instead ("10m", "2h"; src/redis/age_trim.hpp); empty: off.
  std::string redis_max_age;
  std::size_t redis_queue_capacity = 100'000;  // lines; beyond: dropped, counted, gap entry
  // A `book` entry (the local book, README "Redis Streams") every N depth events applied to a
  // synced diff-depth book, where a consumer can start; 0: none (the REST snapshots still go).
  std::uint64_t redis_book_every = 0;
  // ... or, the time form (--redis-book-every 5s), a book at the first event applied once this
  // long has passed (by receive time) since the last; 0: by events only.
  std::int64_t redis_book_every_ms = 0;

  // Live Parquet datasets (--parquet DIR, src/parquet_tables/, docs/parquet.md): every record
  // also written as depthrec-export's datasets, from their own queue and thread (bounded like the
  // writer's: queue_capacity, max_queue_bytes); the NDJSON files stay the complete record.
  std::string parquet_dir;                         // empty: off
  std::int64_t parquet_rotate_sec = 3600;          // one file per channel, symbol and period
  std::size_t parquet_row_group_bytes = 8u << 20;  // uncompressed values buffered per open file
  // The `book` dataset: the synced book's top N levels per side (0: none) sampled every
  // parquet_book_every_ns of receive time, as depthrec-export --book-levels N --book-every does.
  std::size_t parquet_book_levels = 0;
  std::int64_t parquet_book_every_ns = 100'000'000;

  // Resource bounds (each has a counter in metrics.json).
  std::size_t queue_capacity =
      100'000;  // writer queue, records; overflow policy: drop newest + gap marker
  std::size_t max_queue_bytes = std::size_t{128} << 20;    // writer queue, bytes; same policy
  std::size_t max_frame_bytes = 1u << 20;                  // larger frames are refused and counted
  std::size_t max_buffered_events = 20'000;                // events waiting for a snapshot
  std::size_t max_buffered_bytes = std::size_t{64} << 20;  // their memory, levels included
  // Many-stream runs (Engine) only; the single-stream recorder keeps every event from the start
  // (src/session/presync_budget.hpp). While a book's snapshot request waits in the REST queue it
  // keeps the events of this last stretch only (by event time); 0: every event.
  std::chrono::milliseconds presync_tail{3'000};
  // Every stream's pre-sync buffer together; beyond it the stream that grows drops its oldest.
  std::size_t max_presync_buffer_bytes = std::size_t{256} << 20;
  // Levels per book side; beyond it the farthest are dropped and counted (book.levels_dropped).
  // Binance's books have < ~10k levels a side.
  std::size_t max_book_levels = 200'000;
  // Recording not yet in a file while storage fails (pending lines + compressed members); beyond
  // it records are dropped, counted and marked by a writer_drop gap. At least 2 MiB.
  std::size_t max_unwritten_bytes = 32u << 20;
  std::chrono::milliseconds stall_timeout{30'000};  // no depth event of the stream: reconnect
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{30'000};
  std::chrono::milliseconds rest_timeout{10'000};
  // Connection age before a rollover: a successor connection opens, takes over where the book
  // is, and the old one closes (no gap). Binance cuts connections at 24 h.
  std::chrono::milliseconds max_connection_age{85'800'000};  // 23 h 50 min
  bool rollover = true;                                      // false: close and reconnect at age
  std::chrono::milliseconds rollover_timeout{30'000};  // successor open + takeover, else fallback
  int rest_weight_per_minute = 0;  // 0: the market's documented limit (2400 futures, 6000 spot)
  // The REST budget's window (Binance: one minute; tests and simulators shorten it).
  std::chrono::milliseconds rest_weight_window{60'000};
  // The REST scheduler plans at most this share of the budget (the server may count a little
  // differently), and initial syncs at most rest_initial_share of it, so resyncs find headroom.
  double rest_safety_share = 0.9;
  double rest_initial_share = 0.8;
  std::uint64_t jitter_seed = 0;  // 0: random
};

// The websocket URL and REST snapshot URL the config resolves to.
std::string stream_url(const RecorderConfig& config);
std::string snapshot_url(const RecorderConfig& config);
std::string server_time_url(const RecorderConfig& config);
// The REST weight of a depth snapshot of `limit` levels (Binance's documented table).
int snapshot_weight(Market market, int limit);
// The weight of snapshot_url(config): the depth table's, or the RPI snapshot's 20.
int snapshot_weight(const RecorderConfig& config);
// The stream the config's book follows: <sym>@depth[N][@speed], or <sym>@rpiDepth@500ms.
std::string book_stream_name(const RecorderConfig& config);
// Returns an empty string when the config is usable, else a message naming the bad field.
std::string validate(const RecorderConfig& config);
// The subscription keys of a run of `symbols` (market, symbol) with the config's depth channel
// (depth_levels, speed), with record_book_ticker each symbol's bookTicker, then each of
// event_channels.
std::vector<SubscriptionKey> subscriptions_of(
    const RecorderConfig& config, const std::vector<std::pair<Market, std::string>>& symbols);
// The config of one depth key of a many-stream run: `config` with the key's market, symbol,
// levels and speed (rpi_book for a rpiDepth key), and the market's endpoints.
RecorderConfig stream_config(const RecorderConfig& config, const SubscriptionKey& depth_key,
                             bool with_book_ticker);

}  // namespace depthrec

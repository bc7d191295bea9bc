// depthrec-replay: re-runs the book sync over a recording and verifies it.
//
//   depthrec-replay [--market usdm|spot|coinm] [--symbol S] [--stream NAME] [--max-unverified N]
//                   [--at ID|TIME]
//                   [--levels N] [--csv FILE|-] [--json] [--plot FILE.html] INPUT...
//   depthrec-replay --to-redis URL [--from TIME] [--to TIME] [--symbols A,B] [--redis-keys K]
//                   [--redis-hash-tags] [--redis-single-symbol] INPUT...
//
// INPUT is a recording file (gzip or plain), a directory of depthrec segments, or - (stdin), in
// the raw capture format, cryptofeed's raw capture or depthrec's NDJSON (docs/records.md);
// several inputs (a cryptofeed capture and its REST companion file) are merged by receive time.
// Every symbol is verified (only S with --symbol; only the records of stream NAME with
// --stream, reading only that stream's gzip members of a depthrec segment). Exit status: 0 when
// every stream is consistent (every break marked by gap + resync records, every matching ticker
// equal to the rebuilt book) and verified (some depth events applied to a synced book, at most N
// not), 1 when one is not (or the input holds no depth event), 2 on usage or IO errors.
// --to-redis republishes the recording (or its records received from --from to --to) into the
// live sink's Redis streams, filling what they miss (redis_republish.hpp): exit 0 when every entry
// is there, 1 when Redis refused some, 2 on usage, IO or connection errors.
// --plot writes the same verdict with per-stream charts as one offline HTML page (report_plot.hpp).
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "book_csv.hpp"
#include "depthrec/replay_reader.hpp"
#include "kline_check.hpp"
#include "kline_trade_check.hpp"
#include "plot_series.hpp"
#include "redis_republish.hpp"
#include "replay_verifier.hpp"
#include "report_output.hpp"
#include "report_plot.hpp"
#include "time_text.hpp"
#include "verifier_set.hpp"

namespace {

using namespace depthrec;
using namespace depthrec::replay;

constexpr int kExitConsistent = 0;
constexpr int kExitInconsistent = 1;
constexpr int kExitUsage = 2;

struct Options {
  std::string market;
  std::string symbol;
  std::string stream;
  std::string at;
  std::size_t levels = 10;
  std::string csv;
  bool json = false;
  std::string plot;
  std::optional<std::uint64_t> max_unverified;
  std::vector<std::string> inputs;
  // --to-redis
  std::string to_redis;
  std::string from, to;
  std::vector<std::string> symbols;
  std::string redis_keys = "depthrec";
  bool redis_hash_tags = false;
  bool redis_single_symbol = false;
};

std::string joined(const std::vector<std::string>& texts) {
  std::string text;
  for (const std::string& part : texts) text += (text.empty() ? "" : " ") + part;
  return text;
}

bool at_reached(const AtTarget& target, std::int64_t recv_ns, const OrderBook& book) {
  if (target.kind == AtTarget::Kind::update_id) return book.last_update_id() >= target.value;
  return recv_ns >= 0 && static_cast<std::uint64_t>(recv_ns) >= target.value;
}

int run_to_redis(const Options& options) {
  RepublishOptions republish;
  republish.url = options.to_redis;
  for (const auto& [text, bound] :
       {std::pair{&options.from, &republish.from_ns}, std::pair{&options.to, &republish.to_ns}}) {
    if (text->empty()) continue;
    *bound = parse_time_bound(*text);
    if (!*bound) {
      std::fprintf(stderr,
                   "depthrec-replay: --from/--to want an ISO-8601 UTC time or ns since the epoch "
                   "(ns:N), not '%s'\n",
                   text->c_str());
      return kExitUsage;
    }
  }
  for (std::string symbol : options.symbols) {
    for (char& c : symbol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    republish.symbols.insert(symbol);
  }
  republish.keys.scheme =
      options.redis_keys == "seed001" ? redis::KeyScheme::seed001 : redis::KeyScheme::depthrec;
  republish.keys.hash_tags = options.redis_hash_tags;
  republish.keys.single_symbol = options.redis_single_symbol;
  const RepublishResult result = republish_to_redis(options.inputs, republish);
  std::printf("depthrec-replay --to-redis: %s\n", republish_summary(result).c_str());
  if (!result.errors.empty()) return kExitUsage;
  return result.counts.refused > 0 ? kExitInconsistent : kExitConsistent;
}

int run(const Options& options) {
  if (!options.to_redis.empty()) return run_to_redis(options);
  VerifierOptions verifier_options;
  if (!options.market.empty()) {
    verifier_options.market = parse_market(options.market);
    if (!verifier_options.market) {
      std::fprintf(stderr, "depthrec-replay: --market must be usdm, spot or coinm\n");
      return kExitUsage;
    }
  }
  verifier_options.symbol = options.symbol;
  std::optional<AtTarget> at_target;
  if (!options.at.empty()) {
    at_target = parse_at(options.at);
    if (!at_target) {
      std::fprintf(stderr,
                   "depthrec-replay: --at wants an update id (u:N), ns since the epoch (ns:N) "
                   "or an ISO-8601 UTC time, not '%s'\n",
                   options.at.c_str());
      return kExitUsage;
    }
  }
  std::string error;
  ReplayReaderOptions reader_options;
  reader_options.stream = options.stream;
  const std::unique_ptr<ReplayReader> reader =
      ReplayReader::open(options.inputs, error, reader_options);
  if (!reader) {
    std::fprintf(stderr, "depthrec-replay: %s\n", error.c_str());
    return kExitUsage;
  }
  std::unique_ptr<BookCsv> csv;
  if (!options.csv.empty()) {
    csv = std::make_unique<BookCsv>(options.csv, options.levels);
    if (!csv->ok()) {
      std::fprintf(stderr, "depthrec-replay: %s\n", csv->error().c_str());
      return kExitUsage;
    }
  }

  AtBook at;
  at.target_text = options.at;
  VerifierSet verifiers(verifier_options, [&](std::int64_t recv_ns, const OrderBook& book) {
    if (csv) csv->row(recv_ns, book);
    if (at_target && !at.reached && at_reached(*at_target, recv_ns, book)) {
      at.reached = true;
      at.recv_ns = recv_ns;
      at.update_id = book.last_update_id();
      book.top(options.levels, at.bids, at.asks);
    }
  });
  std::unique_ptr<PlotSeries> plot;
  if (!options.plot.empty()) plot = std::make_unique<PlotSeries>();
  ReplayItem item;
  TradeIdCheck trades;           // trade/aggTrade ids: the book verifiers do not see their records
  KlineCheck klines;             // kline open times, likewise
  KlineTradeCheck kline_trades;  // closed candles against the recorded trades
  while (reader->next(item)) {
    if (plot) plot->feed(item);
    kline_trades.observe(item);
    if (!trades.take(item) && !klines.take(item)) verifiers.feed(item);
  }
  verifiers.finish();

  RunSummary summary;
  summary.input = joined(options.inputs);
  summary.sources = reader->sources();
  summary.reader = reader->stats();
  summary.max_unverified = options.max_unverified;
  summary.streams = verifiers.reports();
  const ReplayReport& report = verifiers.primary();
  summary.exit_code = report.consistent() ? kExitConsistent : kExitInconsistent;
  for (const ReplayReport* stream : summary.streams) {
    if (!stream->consistent() || !stream->verification_failure(options.max_unverified).empty()) {
      summary.exit_code = kExitInconsistent;
    }
  }
  summary.trade_streams = trades.reports();
  for (const TradeStreamReport& kline : klines.reports()) summary.trade_streams.push_back(kline);
  if (!trades.consistent() || !klines.consistent()) summary.exit_code = kExitInconsistent;
  summary.kline_trades = kline_trades.finish();
  for (const KlineCrossReport& cross : summary.kline_trades) {
    if (!cross.consistent()) summary.exit_code = kExitInconsistent;
  }
  if (!summary.reader.io_errors.empty()) summary.exit_code = kExitUsage;
  if (csv && !csv->close()) {
    std::fprintf(stderr, "depthrec-replay: %s\n", csv->error().c_str());
    summary.exit_code = kExitUsage;
  }

  std::string plot_error;
  if (plot && !write_plot_html(options.plot, summary, *plot, plot_error)) {
    std::fprintf(stderr, "depthrec-replay: %s\n", plot_error.c_str());
    summary.exit_code = kExitUsage;
  }

  // With the CSV on stdout, the report goes to stderr so that the CSV stays clean.
  std::FILE* out = options.csv == "-" ? stderr : stdout;
  const AtBook* at_book = at_target ? &at : nullptr;
  if (options.json) {
    const std::string json = json_report(summary, report, at_book);
    std::fwrite(json.data(), 1, json.size(), out);
  } else {
    print_text_report(out, summary, report, at_book);
  }
  std::fflush(out);
  return summary.exit_code;
}

int run_command_line(int argc, char** argv) {
  Options options;
  CLI::App app{
      "Re-runs the order-book sync over a depthrec recording (or a raw <recv_time> <json> or "
      "cryptofeed raw capture) and verifies every symbol in it: breaks must be marked by gap + "
      "resync records, the rebuilt book must equal every bookTicker with the same update id, every "
      "closed kline must equal the recorded trades of its interval (when all were recorded), and "
      "depth events must be verified against a synced book.\nExit status: 0 consistent and "
      "verified, 1 not, 2 usage or IO error.",
      "depthrec-replay"};
  app.add_option("--market", options.market, "usdm, spot or coinm (default: from the data)");
  app.add_option("--symbol", options.symbol, "the one symbol to verify (default: every symbol)");
  app.add_option("--stream", options.stream,
                 "only the records of this stream (e.g. btcusdt@depth@100ms); in depthrec "
                 "segments only its gzip members are decompressed");
  app.add_option("--max-unverified", options.max_unverified,
                 "fail a stream that leaves more than N depth events unverified (before its first "
                 "sync or while unsynced; default: no bound, but none verified always fails)");
  app.add_option("--at", options.at,
                 "print the book at the first valid point with u >= ID, or received at or after "
                 "TIME: u:N, ns:N, N (19+ digits: ns), or 2024-07-18T23:57:02.504Z");
  app.add_option("--levels", options.levels, "levels per side for --at and --csv")
      ->check(CLI::Range(1, 5000));
  app.add_option("--csv", options.csv,
                 "write the top levels after every applied event (- = stdout)");
  app.add_flag("--json", options.json, "print the report as JSON");
  app.add_option("--plot", options.plot,
                 "also write the report as a self-contained HTML page with per-stream charts "
                 "(events/s, event and pipeline latency, gaps and resyncs marked)");
  app.add_option("--to-redis", options.to_redis,
                 "republish the recording into the Redis streams of the live sink (--redis URL): "
                 "same keys, fields and ids; entries already there are counted, missing ones "
                 "filled in place, gap entries of filled ranges deleted");
  app.add_option("--from", options.from,
                 "--to-redis: records received at or after TIME (ISO UTC or ns:N)");
  app.add_option("--to", options.to, "--to-redis: records received at or before TIME");
  app.add_option("--symbols", options.symbols, "--to-redis: only these symbols")->delimiter(',');
  app.add_option("--redis-keys", options.redis_keys,
                 "--to-redis: the live sink's key scheme (depthrec or seed001)")
      ->check(CLI::IsMember({"depthrec", "seed001"}));
  app.add_flag("--redis-hash-tags", options.redis_hash_tags,
               "--to-redis: keys with {SYMBOL}, as the live sink's --redis-hash-tags");
  app.add_flag("--redis-single-symbol", options.redis_single_symbol,
               "--to-redis with seed001 keys: the live run recorded one symbol (keys without it)");
  app.add_option("INPUT", options.inputs,
                 "recording file, segment directory, or - for stdin; several are merged by "
                 "receive time (a cryptofeed capture and its REST companion file)")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& parse_error) {
    app.exit(parse_error);
    return kExitUsage;
  }
  return run(options);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {  // e.g. std::bad_alloc on a huge input: exit 2, no abort
    std::fprintf(stderr, "depthrec-replay: %s\n", error.what());
    return kExitUsage;
  }
}

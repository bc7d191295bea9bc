// depthrec-replay: re-runs the book sync over a recording and verifies it.
//
//   depthrec-replay [--market usdm|spot|coinm] [--symbol S] [--at ID|TIME] [--levels N]
//                   [--csv FILE|-] [--json] INPUT
//
// INPUT is a recording file (gzip or plain), a directory of depthrec segments, or - (stdin), in
// either the raw capture format or depthrec's NDJSON (docs/records.md). Exit status: 0 when the
// recording is consistent (every break marked by gap + resync records, every matching ticker
// equal to the rebuilt book), 1 when it is not (or holds no depth event), 2 on usage or IO errors.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "book_csv.hpp"
#include "depthrec/replay_reader.hpp"
#include "replay_verifier.hpp"
#include "report_output.hpp"
#include "time_text.hpp"

namespace {

using namespace depthrec;
using namespace depthrec::replay;

constexpr int kExitConsistent = 0;
constexpr int kExitInconsistent = 1;
constexpr int kExitUsage = 2;

struct Options {
  std::string market;
  std::string symbol;
  std::string at;
  std::size_t levels = 10;
  std::string csv;
  bool json = false;
  std::string input;
};

bool at_reached(const AtTarget& target, std::int64_t recv_ns, const OrderBook& book) {
  if (target.kind == AtTarget::Kind::update_id) return book.last_update_id() >= target.value;
  return recv_ns >= 0 && static_cast<std::uint64_t>(recv_ns) >= target.value;
}

int run(const Options& options) {
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
  const std::unique_ptr<ReplayReader> reader = ReplayReader::open(options.input, error);
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

  ReplayVerifier verifier(verifier_options);
  AtBook at;
  at.target_text = options.at;
  verifier.set_book_hook([&](std::int64_t recv_ns, const OrderBook& book) {
    if (csv) csv->row(recv_ns, book);
    if (at_target && !at.reached && at_reached(*at_target, recv_ns, book)) {
      at.reached = true;
      at.recv_ns = recv_ns;
      at.update_id = book.last_update_id();
      book.top(options.levels, at.bids, at.asks);
    }
  });
  ReplayItem item;
  while (reader->next(item)) verifier.feed(item);
  verifier.finish();

  RunSummary summary;
  summary.input = options.input;
  summary.sources = reader->sources();
  summary.reader = reader->stats();
  const ReplayReport& report = verifier.report();
  summary.exit_code = report.consistent() ? kExitConsistent : kExitInconsistent;
  if (!summary.reader.io_errors.empty()) summary.exit_code = kExitUsage;
  if (csv && !csv->close()) {
    std::fprintf(stderr, "depthrec-replay: %s\n", csv->error().c_str());
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
      "Re-runs the order-book sync over a depthrec recording (or a raw <recv_ns> <json> capture) "
      "and verifies it: breaks must be marked by gap + resync records, and the rebuilt book must "
      "equal every bookTicker with the same update id.\nExit status: 0 consistent, 1 not, 2 usage "
      "or IO error.",
      "depthrec-replay"};
  app.add_option("--market", options.market, "usdm, spot or coinm (default: from the data)");
  app.add_option("--symbol", options.symbol, "symbol to replay (default: the first one seen)");
  app.add_option("--at", options.at,
                 "print the book at the first valid point with u >= ID, or received at or after "
                 "TIME: u:N, ns:N, N (19+ digits: ns), or 2024-07-18T23:57:02.504Z");
  app.add_option("--levels", options.levels, "levels per side for --at and --csv")
      ->check(CLI::Range(1, 5000));
  app.add_option("--csv", options.csv,
                 "write the top levels after every applied event (- = stdout)");
  app.add_flag("--json", options.json, "print the report as JSON");
  app.add_option("INPUT", options.input, "recording file, segment directory, or - for stdin")
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

// depthrec-consume: rebuilds books from the Redis streams the recorder publishes (--redis), with
// nothing but Redis: reads with a consumer group, claims what a dead consumer left pending, starts
// each book at its first snapshot/book entry, checks continuity, and reports.
//
//   depthrec-consume --redis URL [--group G] [--consumer C] [--claim-min-idle-ms MS]
//                    [--count N] [--start-id 0|$] [--follow] [--ndjson FILE|-] [--levels N]
//                    [--json] KEY...
//
// Without --follow it reads until the streams have nothing new, then prints one summary per
// stream (text, or JSON with --json) and exits: 0 when every break was marked by a gap entry, 1
// when one was not (an unmarked break), 2 on usage or Redis errors (unreachable, a missing
// stream, a refusal). With --follow it keeps reading (and claiming) until SIGINT/SIGTERM.
// Entries are acknowledged (XACK) after they are processed, batch by batch.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "book_report.hpp"
#include "group_reader.hpp"
#include "redis/redis_url.hpp"

namespace {

using namespace depthrec;
using namespace depthrec::consume;

constexpr int kExitOk = 0;
constexpr int kExitUnmarkedBreak = 1;
constexpr int kExitError = 2;
constexpr std::size_t kListedMalformed = 10;

volatile std::sig_atomic_t g_stop = 0;  // the signal flag: --follow ends at SIGINT/SIGTERM
extern "C" void on_stop_signal(int) {
  g_stop = 1;
}

struct Consumer {
  std::vector<std::string> keys;
  std::vector<StreamBook> books;
  EntryDecoder decoder;
  DecodedEntry decoded;
  std::ostream* ndjson = nullptr;
  std::size_t levels = 5;
  std::uint64_t malformed_listed = 0;

  void process(const std::vector<RawEntry>& entries) {
    for (const RawEntry& raw : entries) {
      StreamBook& book = books[raw.stream];
      const std::string error = raw.malformed ? "not an [id, fields] entry (deleted or trimmed?)"
                                              : decoder.decode(raw.id, raw.fields, decoded);
      if (!error.empty()) {
        book.count_malformed();
        if (malformed_listed++ < kListedMalformed)
          std::cerr << "depthrec-consume: " << keys[raw.stream] << " entry " << raw.id
                    << " malformed: " << error << "\n";
        continue;
      }
      if (book.apply(decoded) && ndjson)
        *ndjson << top_line(keys[raw.stream], raw.id, book, levels) << "\n";
    }
  }
};

bool by_id(const RawEntry& a, const RawEntry& b) {
  StreamId x, y;
  const bool ok_a = parse_stream_id(a.id, x), ok_b = parse_stream_id(b.id, y);
  if (ok_a != ok_b) return ok_a;  // unreadable ids last
  return x.ms != y.ms ? x.ms < y.ms : x.seq < y.seq;
}

int run_command_line(int argc, char** argv) {
  std::string url_text, ndjson_path;
  GroupOptions options;
  options.group = "depthrec-consume";
  options.consumer = "consumer-" + std::to_string(::getpid());
  std::int64_t claim_min_idle_ms = 30'000;
  bool follow = false, json = false;
  std::size_t levels = 5;

  CLI::App app{"depthrec-consume: rebuild books from depthrec's Redis streams alone"};
  app.add_option("--redis", url_text, "redis://[:password@]host[:port][/db] or unix:///path")
      ->required();
  app.add_option("--group", options.group, "Consumer group (made when absent)")
      ->capture_default_str();
  app.add_option("--consumer", options.consumer,
                 "This consumer's name in the group (a restart under the same name takes back "
                 "what it read and never acknowledged)")
      ->capture_default_str();
  app.add_option("--claim-min-idle-ms", claim_min_idle_ms,
                 "Claim (XAUTOCLAIM) entries another consumer left pending this long")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{86'400'000}))
      ->capture_default_str();
  app.add_option("--count", options.count, "Entries per read")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  app.add_option("--start-id", options.start_id,
                 "Where a new group starts: 0 (the whole stream) or $ (new entries only)")
      ->capture_default_str();
  app.add_flag("--follow", follow,
               "Keep reading (and claiming) until SIGINT/SIGTERM; a missing stream is waited for");
  app.add_option("--ndjson", ndjson_path, "Write the top --levels of each book at every change");
  app.add_option("--levels", levels, "Levels per side in --ndjson lines and the JSON summary")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  app.add_flag("--json", json, "Print the summary as JSON");
  app.add_option("keys", options.keys, "Stream keys, e.g. depthrec:usdm:BTCUSDT:depth")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitError;
  }
  options.claim_min_idle = std::chrono::milliseconds(claim_min_idle_ms);
  options.create_streams = follow;

  std::string error;
  const auto url = redis::parse_redis_url(url_text, error);
  if (!url) {
    std::cerr << "depthrec-consume: " << error << "\n";
    return kExitError;
  }
  // Reads block for at most a second (--follow): the socket timeout must outlast that.
  auto connection = redis::RedisConnection::open(*url, std::chrono::seconds(5), error);
  if (!connection) {
    std::cerr << "depthrec-consume: cannot reach Redis: " << error << "\n";
    return kExitError;
  }
  auto reader = GroupReader::open(std::move(connection), options, error);
  if (!reader) {
    std::cerr << "depthrec-consume: " << error << "\n";
    return kExitError;
  }

  Consumer consumer;
  consumer.keys = options.keys;
  consumer.books.resize(options.keys.size());
  consumer.levels = levels;
  std::ofstream ndjson_file;
  if (ndjson_path == "-") {
    consumer.ndjson = &std::cout;
  } else if (!ndjson_path.empty()) {
    ndjson_file.open(ndjson_path);
    if (!ndjson_file) {
      std::cerr << "depthrec-consume: cannot write " << ndjson_path << "\n";
      return kExitError;
    }
    consumer.ndjson = &ndjson_file;
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);

  // What this consumer read before and never acknowledged, and what others left idle: older than
  // anything new, so processed first, in id order per stream.
  const auto take_over_pending = [&](bool own) {
    for (std::size_t i = 0; i < options.keys.size(); ++i) {
      std::vector<RawEntry> pending;
      if (own && !reader->read_own_pending(i, pending, error)) return false;
      const std::size_t own_count = pending.size();
      if (!reader->claim_idle(i, pending, error)) return false;
      consumer.books[i].count_claimed(pending.size() - own_count);
      std::stable_sort(pending.begin(), pending.end(), by_id);
      consumer.process(pending);
      if (!reader->ack(pending, error)) return false;
    }
    return true;
  };
  bool ok = take_over_pending(true);
  auto last_claim = std::chrono::steady_clock::now();
  std::vector<RawEntry> batch;
  while (ok && !g_stop) {
    batch.clear();
    ok = reader->read_new(follow ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(0),
                          batch, error);
    if (!ok) break;
    consumer.process(batch);
    ok = reader->ack(batch, error);
    if (batch.empty() && !follow) break;
    if (follow && std::chrono::steady_clock::now() - last_claim >=
                      std::max(options.claim_min_idle, std::chrono::milliseconds(1000))) {
      ok = take_over_pending(false);
      last_claim = std::chrono::steady_clock::now();
    }
  }
  if (consumer.ndjson) consumer.ndjson->flush();
  if (json) {
    std::cout << summary_json(options.keys, consumer.books, levels) << "\n";
  } else {
    for (std::size_t i = 0; i < options.keys.size(); ++i)
      std::cout << summary_text(options.keys[i], consumer.books[i]) << "\n";
  }
  if (!ok) {
    std::cerr << "depthrec-consume: " << error << "\n";
    return kExitError;
  }
  for (const StreamBook& book : consumer.books)
    if (book.counts().unmarked_breaks > 0) return kExitUnmarkedBreak;
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_command_line(argc, argv);
  } catch (const std::exception& error) {  // e.g. std::bad_alloc: exit 2 with why, no abort
    std::cerr << "depthrec-consume: " << error.what() << "\n";
    return kExitError;
  }
}

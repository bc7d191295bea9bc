// depthrec-redis-lag: a light consumer for bench/redis_lag.py. Blocked in XREAD on the given
// streams, it takes, for every entry read after the warm-up, lag = its clock when XREAD returned
// - the entry's recv_ns (the recorder's receipt of the frame, same machine clock), and prints
// one JSON line of p50/p99/max. Written in C++ so that the measuring consumer's own CPU on a
// busy 2-core machine is not what the tail measures (the python3-redis consumer stays an option).
//   depthrec-redis-lag --url unix:///tmp/r.sock --keys k1,k2 [--seconds 20] [--warmup 3]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_connection.hpp"
#include "redis/redis_url.hpp"

namespace {

using depthrec::redis::RedisReply;

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A number field of the record in its data field ("recv_ns", "pu"), without parsing the line.
std::optional<std::int64_t> number_in(std::string_view data, std::string_view name) {
  const std::size_t at = data.find(name);
  if (at == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  std::size_t digits = 0;
  for (std::size_t i = at + name.size(); i < data.size() && digits < 19; ++i, ++digits) {
    if (data[i] < '0' || data[i] > '9') break;
    value = value * 10 + (data[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  return value;
}

std::optional<std::int64_t> recv_ns_in(std::string_view data) {
  return number_in(data, "\"recv_ns\":");
}

// An entry id "<u>-0" is a depth event's own (redis/entry_planner.hpp): its u.
std::optional<std::int64_t> sequence_of(std::string_view id) {
  if (id.size() < 3 || id.substr(id.size() - 2) != "-0") return std::nullopt;
  return number_in(id, "");
}

// Where reading starts on each stream: after its newest entry now. "$" would not do: XREAD
// resolves "$" anew at every call, so a stream left at "$" because the previous answer did not
// include it loses the entries added between two calls (a fast consumer woken by the first
// entry of a pipelined batch lost up to 13 % of the others that way).
std::optional<std::string> newest_id(depthrec::redis::RedisConnection& connection,
                                     const std::string& key, std::string& error) {
  const auto answer = connection.command({"XREVRANGE", key, "+", "-", "COUNT", "1"}, error);
  if (!answer) return std::nullopt;
  if (answer->kind == RedisReply::Kind::error) {
    error = answer->text;
    return std::nullopt;
  }
  if (answer->elements.empty() || answer->elements[0].elements.empty()) return "0-0";
  return answer->elements[0].elements[0].text;
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(sorted.size() - 1, at)];
}

int run_consumer(int argc, char** argv) {
  CLI::App app{"depthrec-redis-lag: frame-to-consumer lag of the Redis sink's entries"};
  std::string url_text;
  std::vector<std::string> keys;
  double seconds = 20;
  double warmup = 3;
  app.add_option("--url", url_text, "redis://host:port or unix:///path")->required();
  app.add_option("--keys", keys, "streams to read")->required()->delimiter(',');
  app.add_option("--seconds", seconds, "measured time")->capture_default_str();
  app.add_option("--warmup", warmup, "read, not measured, first")->capture_default_str();
  std::string dump_path;
  app.add_option("--dump", dump_path, "write each measured entry's recv_ns and read_ns here");
  CLI11_PARSE(app, argc, argv);
  std::string error;
  const auto url = depthrec::redis::parse_redis_url(url_text, error);
  if (!url) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  auto connection =
      depthrec::redis::RedisConnection::open(*url, std::chrono::milliseconds(5000), error);
  if (!connection) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  std::vector<std::string> last_ids;
  last_ids.reserve(keys.size());
  for (const std::string& key : keys) {
    auto id = newest_id(*connection, key, error);
    if (!id) {
      std::fprintf(stderr, "XREVRANGE %s: %s\n", key.c_str(), error.c_str());
      return 1;
    }
    last_ids.push_back(std::move(*id));
  }
  // Continuity as the consumer sees it: a depth entry whose pu is not the previous entry's u
  // means the reading lost entries, and the lags measured would be of a sample, not of all.
  std::vector<std::optional<std::int64_t>> last_sequences;
  last_sequences.reserve(keys.size());
  for (const std::string& id : last_ids) last_sequences.push_back(sequence_of(id));
  std::vector<std::uint64_t> entries_per_stream(keys.size(), 0);
  std::uint64_t sequence_breaks = 0;
  std::vector<double> lags_ms;
  std::vector<std::pair<std::int64_t, std::int64_t>> dumped;  // (recv_ns, read_ns)
  std::uint64_t entries_read = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (elapsed() < warmup + seconds) {
    std::vector<std::string_view> command{"XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS"};
    for (const std::string& key : keys) command.emplace_back(key);
    for (const std::string& id : last_ids) command.emplace_back(id);
    const auto answer = connection->command(command, error);
    const std::int64_t read_ns = wall_ns();
    if (!answer) {
      std::fprintf(stderr, "XREAD: %s\n", error.c_str());
      return 1;
    }
    if (answer->kind == RedisReply::Kind::error) {
      std::fprintf(stderr, "XREAD: %s\n", answer->text.c_str());
      return 1;
    }
    const bool measuring = elapsed() >= warmup;
    for (const RedisReply& stream : answer->elements) {  // nil (timeout): no elements
      if (stream.elements.size() != 2) continue;
      const auto key = std::find(keys.begin(), keys.end(), stream.elements[0].text);
      if (key == keys.end()) continue;
      for (const RedisReply& entry : stream.elements[1].elements) {
        if (entry.elements.size() != 2) continue;
        const auto stream_index = static_cast<std::size_t>(key - keys.begin());
        last_ids[stream_index] = entry.elements[0].text;
        ++entries_read;
        ++entries_per_stream[stream_index];
        const auto sequence = sequence_of(entry.elements[0].text);
        const auto& fields = entry.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].text != "data") continue;
          auto& last_sequence = last_sequences[stream_index];
          if (sequence) {
            const auto previous = number_in(fields[i + 1].text, "\"pu\":");
            if (last_sequence && previous && *previous != *last_sequence) ++sequence_breaks;
            last_sequence = sequence;
          }
          if (!measuring) continue;
          const auto recv_ns = recv_ns_in(fields[i + 1].text);
          if (!recv_ns) continue;
          lags_ms.push_back(static_cast<double>(read_ns - *recv_ns) / 1e6);
          if (!dump_path.empty()) dumped.emplace_back(*recv_ns, read_ns);
        }
      }
    }
  }
  if (!dump_path.empty()) {
    std::FILE* dump = std::fopen(dump_path.c_str(), "w");
    if (dump == nullptr) {
      std::fprintf(stderr, "cannot write %s\n", dump_path.c_str());
      return 1;
    }
    for (const auto& [recv_ns, at_ns] : dumped)
      std::fprintf(dump, "%lld %lld\n", static_cast<long long>(recv_ns),
                   static_cast<long long>(at_ns));
    std::fclose(dump);
  }
  std::sort(lags_ms.begin(), lags_ms.end());
  const auto streams_unread = std::count(entries_per_stream.begin(), entries_per_stream.end(), 0U);
  std::printf(
      "{\"entries_read\": %llu, \"streams_unread\": %lld, \"sequence_breaks\": %llu, "
      "\"entries_measured\": %zu, "
      "\"lag_ms_p50\": %.3f, \"lag_ms_p99\": %.3f, \"lag_ms_max\": %.3f}\n",
      static_cast<unsigned long long>(entries_read), static_cast<long long>(streams_unread),
      static_cast<unsigned long long>(sequence_breaks), lags_ms.size(), quantile(lags_ms, 0.50),
      quantile(lags_ms, 0.99), lags_ms.empty() ? 0.0 : lags_ms.back());
  return lags_ms.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_consumer(argc, argv);
  } catch (const std::exception& e) {  // bad_alloc of the samples kept, a failed write...
    std::fprintf(stderr, "depthrec-redis-lag: %s\n", e.what());
    return 1;
  }
}

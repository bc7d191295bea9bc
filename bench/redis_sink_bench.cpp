// depthrec-redis-bench: what the Redis Streams sink (--redis) sustains into a redis-server, and its
// CPU per entry, against the server's limit measured by `redis-benchmark -P 64` for XADD
// (bench/README.md, "Redis Streams sink"). Offers N depth records shaped like real ones (about
// 600 bytes, u increasing) as fast as the sink takes them, keeping at most --max-queued waiting
// (a live recorder's queue is shallow), and times until Redis has added them all.
//   depthrec-redis-bench --url unix:///tmp/r.sock [--entries 200000] [--batch 512]
//                        [--max-queued 20000]   (0: all at once, the queue grown to hold them)
#include <sys/resource.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "depthrec/records.hpp"
#include "redis/redis_publisher.hpp"
#include "redis/redis_url.hpp"

namespace {

// The calling thread's CPU time: the offering thread's cost apart from the sink's thread and
// from the time the scheduler gives to others (the wall time of offer() includes both).
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string depth_line(std::uint64_t u) {
  return R"({"type":"depth","timestamp":"2024-07-18T23:57:02.504Z","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","conn_id":1,"ts_recv":1721347020984.481,"recv_ns":1721347020984480942,"E":1721347022504,"T":1721347022504,"U":)" +
         std::to_string(u - 3) + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" +
         std::to_string(u - 4) +
         R"(,"latency_event_ms":-1519.519,"latency_pipeline_ms":0.004,"kind":"diff","b":[["63943.90","46.371"],["63943.80","0.002"],["63943.00","1.513"],["63942.50","0.250"],["63941.00","3.000"]],"a":[["63947.40","0.109"],["63947.50","2.000"],["63948.00","0.713"],["63949.90","5.001"],["63951.00","0.040"]]})";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"depthrec-redis-bench: the Redis sink's throughput and CPU per entry"};
  std::string url_text;
  std::size_t entries = 200'000;
  std::size_t batch = 512;
  std::size_t max_queued = 20'000;
  app.add_option("--url", url_text, "redis://host:port or unix:///path (an empty server)")
      ->required();
  app.add_option("--entries", entries, "records offered")->capture_default_str();
  app.add_option("--batch", batch, "entries per pipelined round trip")->capture_default_str();
  app.add_option("--max-queued", max_queued,
                 "offer while at most this many entries wait, as a live recorder's shallow queue "
                 "(0: every entry at once, the queue growing to hold them all)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::string error;
  const auto url = depthrec::redis::parse_redis_url(url_text, error);
  if (!url) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  std::vector<std::string> lines;
  lines.reserve(entries);
  const std::uint64_t first_u =
      1'000'000'000'000 +
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count() %
                                 1'000'000'000);
  for (std::size_t i = 0; i < entries; ++i) lines.push_back(depth_line(first_u + i * 10));

  depthrec::redis::RedisPublisherConfig config;
  config.url = *url;
  config.queue_capacity = entries + 1;  // the throughput of the sink, not of its overflow
  config.max_queue_bytes = std::size_t{4} << 30;
  config.batch_max = batch;
  depthrec::redis::RedisPublisher publisher(config);
  depthrec::RecordContext context;  // as the recorder offers its records
  context.stream = "btcusdt@depth@100ms";
  context.stream_id = 1;
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const double offer_cpu_start = thread_cpu_seconds();
  // Steady: the queue stays shallow and its buffers are reused, as behind a live recorder. All at
  // once (0), the page faults of a queue growing to hold every line are most of the offer's cost.
  constexpr std::size_t kOffersBetweenChecks = 256;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (max_queued > 0 && i % kOffersBetweenChecks == 0) {
      while (publisher.stats().queue_depth > max_queued)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    publisher.offer(lines[i], context);
  }
  const double offer_cpu = thread_cpu_seconds() - offer_cpu_start;
  const auto offered = std::chrono::steady_clock::now();
  for (;;) {
    const auto stats = publisher.stats();
    if (stats.published + stats.duplicates_suppressed + stats.dropped + stats.errors >= entries)
      break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto done = std::chrono::steady_clock::now();
  const double cpu = cpu_seconds() - cpu_start;
  const auto stats = publisher.stats();
  publisher.stop();
  const double wall = std::chrono::duration<double>(done - start).count();
  const double offer_ns = std::chrono::duration<double, std::nano>(offered - start).count() /
                          static_cast<double>(entries);
  std::printf(
      "entries %zu  batch %zu  max queued %zu  published %llu  dropped %llu  errors %llu\n"
      "entries/s %.0f  wall %.3f s  CPU %.3f s (%.2f us/entry, both threads)  offer %.0f "
      "ns/entry (offering thread's CPU %.0f ns/entry)\n",
      entries, batch, max_queued, static_cast<unsigned long long>(stats.published),
      static_cast<unsigned long long>(stats.dropped), static_cast<unsigned long long>(stats.errors),
      static_cast<double>(entries) / wall, wall, cpu, cpu * 1e6 / static_cast<double>(entries),
      offer_ns, offer_cpu * 1e9 / static_cast<double>(entries));
  return stats.published == entries ? 0 : 1;
}

// The cost of one Prometheus scrape of a many-stream recorder (issue 15): N streams (default
// 2,000, the whole-market run) each holding a realistic spread of latencies, scraped as
// /metrics does it: every stream's snapshot (Recorder::stream_reports), the families
// (exposition::metric_families) and the text (prometheus::TextSerializer). Prints, over
// --scrapes scrapes, the median wall time of each step, the CPU time per scrape and the bytes
// of the text; then the same through HTTP: a MetricsServer on 127.0.0.1 (OS-picked port) over
// those streams, GET /metrics with libcurl, wall time per scrape as the client sees it.
#include <curl/curl.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "exposition/metric_families.hpp"
#include "exposition/metrics_server.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kStart = 1'721'347'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::size_t count_bytes(char*, std::size_t size, std::size_t count, void* total) {
  *static_cast<std::size_t*>(total) += size * count;
  return size * count;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Cost of one Prometheus scrape with N streams");
  int streams = 2000;
  int scrapes = 20;
  int events = 600;  // per stream: spreads the histograms over a few dozen buckets
  app.add_option("--streams", streams)->capture_default_str();
  app.add_option("--scrapes", scrapes)->capture_default_str();
  app.add_option("--events", events, "events recorded per stream")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  using namespace depthrec;
  std::mt19937_64 random(15);
  std::uniform_int_distribution<std::int64_t> latency_ms(1, 400);
  std::uniform_int_distribution<std::int64_t> pipeline_ns(2'000, 600'000);
  std::vector<std::unique_ptr<FeedMetrics>> metrics;
  for (int s = 0; s < streams; ++s) {
    const Market market = s % 2 == 0 ? Market::spot : Market::usdm;
    const std::string symbol = "SYM" + std::to_string(s) + "USDT";
    metrics.push_back(std::make_unique<FeedMetrics>(
        StreamKey{market, symbol, "sym" + std::to_string(s) + "usdt@depth@100ms"}, kStart));
    for (int i = 0; i < events; ++i) {
      EventSample sample;
      sample.event_time_ms = kStart / kMs + std::int64_t{i} * 100;
      sample.recv_ns = (sample.event_time_ms + latency_ms(random)) * kMs;
      sample.pipeline_ns = pipeline_ns(random);
      sample.batch_span = 20;
      sample.frame_bytes = 600;
      sample.queue_depth = 3;
      metrics.back()->record_event(sample);
    }
  }
  std::vector<double> snapshot_ms, families_ms, text_ms, total_ms;
  std::size_t bytes = 0;
  const double cpu_start = cpu_seconds();
  for (int n = 0; n < scrapes; ++n) {
    const auto start = Clock::now();
    std::vector<StreamReport> reports;
    reports.reserve(metrics.size());
    const std::int64_t now = kStart + 70'000 * kMs;
    for (std::size_t i = 0; i < metrics.size(); ++i)
      reports.push_back(
          {metrics[i]->snapshot(now), static_cast<std::uint32_t>(i / 200), false, {}});
    snapshot_ms.push_back(ms_since(start));
    const auto families_start = Clock::now();
    const auto families = exposition::metric_families(reports.front().snapshot, reports,
                                                      exposition::read_process_figures());
    families_ms.push_back(ms_since(families_start));
    const auto text_start = Clock::now();
    const std::string text = prometheus::TextSerializer().Serialize(families);
    text_ms.push_back(ms_since(text_start));
    total_ms.push_back(ms_since(start));
    bytes = text.size();
  }
  const double cpu_per_scrape = (cpu_seconds() - cpu_start) / scrapes * 1e3;

  // Through HTTP, as Prometheus scrapes it.
  exposition::MetricsServer server(exposition::ListenAddress{"127.0.0.1", 0, false, true});
  exposition::ExpositionSource source;
  source.streams = [&] {
    std::vector<StreamReport> reports;
    const std::int64_t now = kStart + 70'000 * kMs;
    for (std::size_t i = 0; i < metrics.size(); ++i)
      reports.push_back(
          {metrics[i]->snapshot(now), static_cast<std::uint32_t>(i / 200), false, {}});
    return reports;
  };
  exposition::AttachedSource attached(server.collectable(), source);
  const std::string url = "http://" + server.address().text() + "/metrics";
  std::vector<double> http_ms;
  std::size_t http_bytes = 0;
  const double http_cpu_start = cpu_seconds();
  for (int n = 0; n < scrapes; ++n) {
    http_bytes = 0;
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &http_bytes);
    const auto start = Clock::now();
    const CURLcode code = curl_easy_perform(curl);
    http_ms.push_back(ms_since(start));
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) {
      std::fprintf(stderr, "scrape failed: %s\n", curl_easy_strerror(code));
      return 1;
    }
  }
  const double http_cpu = (cpu_seconds() - http_cpu_start) / scrapes * 1e3;
  std::printf(
      "streams=%d scrapes=%d median_ms: snapshots=%.1f families=%.1f text=%.1f total=%.1f "
      "cpu_ms_per_scrape=%.1f bytes=%zu bytes_per_stream=%.0f\n",
      streams, scrapes, median(snapshot_ms), median(families_ms), median(text_ms), median(total_ms),
      cpu_per_scrape, bytes, static_cast<double>(bytes) / streams);
  std::printf("http: median_ms=%.1f cpu_ms_per_scrape=%.1f (server and client) bytes=%zu\n",
              median(http_ms), http_cpu, http_bytes);
  return 0;
}

// The Prometheus exposition end to end (issue 15, item 1): depthrec --metrics-listen against
// depthsim, scraped with a plain HTTP client. Per stream, the events /metrics counts equal what
// depthsim sent; /healthz answers 503 with the reasons while the books cannot sync (depthsim
// paused: no event) and 200 once every book is synced; promtool (Debian's prometheus package)
// accepts the live scrape; Debian's Prometheus server scrapes it and stores what depthsim sent
// (issue 15, item 3). Bad input (busy port, remote address, scrape while stopping):
// faults_metrics_listen.cpp.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine_e2e_support.hpp"
#include "prometheus_support.hpp"

namespace itest::prometheus_e2e_test {
namespace {

const std::vector<SymbolUnderTest> kSymbols{
    {"usdm", "BTCUSDT"}, {"usdm", "ETHUSDT"}, {"usdm", "SOLUSDT"}};

// depthsim has generated its kEngineEvents of `s`: what it sent is final.
bool generated_every_event(const Simulator& sim, const SymbolUnderTest& s) {
  const auto stats = sim.get("/sim/stats?symbol=" + s.symbol);
  rapidjson::Document doc;
  if (stats) doc.Parse(stats->c_str());
  return doc.IsObject() && doc.HasMember("symbol") &&
         u64(doc["symbol"], "events_generated") >= kEngineEvents;
}

std::string symbol_label(const SymbolUnderTest& s) {
  return "symbol=\"" + s.symbol + "\"";
}

TEST(PrometheusE2E, EventsPerStreamEqualWhatDepthsimSentAndHealthzFollowsTheSync) {
  Simulator sim(
      engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"}, "71"));
  // Paused before depthrec connects: no event, so no book can sync until the test resumes it.
  ASSERT_TRUE(sim.get("/sim/pause"));
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--market", "usdm", "--depth",
                           "full", "--print-interval", "1", "--metrics-listen", "127.0.0.1:0",
                           "--futures-streams-per-connection", "2"});
  const std::string address = wait_for_served_address(run);
  ASSERT_FALSE(address.empty()) << run.process->output();

  // Before sync: 503, and each stream named with its reason.
  HttpResult health;
  const bool unhealthy = wait_until(
      [&] {
        health = http(address, "/healthz");
        return health.status == 503 && health.body.find("SOLUSDT") != std::string::npos &&
               health.body.find("ETHUSDT") != std::string::npos &&
               health.body.find("BTCUSDT") != std::string::npos;
      },
      std::chrono::seconds(20));
  EXPECT_TRUE(unhealthy) << health.status << " " << health.body;
  EXPECT_NE(health.body.find("book not synced"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find("no event received yet"), std::string::npos) << health.body;
  const HttpResult before = http(address, "/metrics");
  EXPECT_EQ(series_value(before.body, "depthrec_book_synced", {symbol_label(kSymbols[0])}), 0.0);
  // The bound address is in metrics.json too (how scripts find a port the OS picked).
  EXPECT_TRUE(wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        return metrics && metrics->HasMember("metrics_listen") &&
               (*metrics)["metrics_listen"].IsString() &&
               str(*metrics, "metrics_listen") == address;
      },
      std::chrono::seconds(20)));

  ASSERT_TRUE(sim.get("/sim/resume"));
  const bool healthy = wait_until(
      [&] {
        health = http(address, "/healthz");
        return health.status == 200;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(healthy) << health.status << " " << health.body;
  EXPECT_EQ(health.body, "ok\n");

  // Once depthsim generated every event, /metrics counts per stream what depthsim sent.
  HttpResult scrape;
  const bool all_counted = wait_until(
      [&] {
        scrape = http(address, "/metrics");
        for (const SymbolUnderTest& s : kSymbols) {
          if (!generated_every_event(sim, s)) return false;
          const auto counted =
              series_value(scrape.body, "depthrec_events_total", {symbol_label(s)});
          if (!counted || *counted != static_cast<double>(events_sent(sim, s))) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  std::string counts;
  for (const SymbolUnderTest& s : kSymbols) {
    const std::uint64_t sent = events_sent(sim, s);
    const auto counted =
        series_value(scrape.body, "depthrec_events_total",
                     {symbol_label(s), "market=\"usdm\"", "channel=\"depth@100ms\"", "conn=\""});
    ASSERT_TRUE(counted) << s.symbol;
    EXPECT_EQ(*counted, static_cast<double>(sent)) << s.symbol;
    EXPECT_EQ(series_value(scrape.body, "depthrec_event_latency_seconds_count", {symbol_label(s)}),
              static_cast<double>(sent))
        << s.symbol;
    EXPECT_EQ(series_value(scrape.body, "depthrec_event_latency_seconds_bucket",
                           {symbol_label(s), "le=\"+Inf\""}),
              static_cast<double>(sent))
        << s.symbol;
    EXPECT_EQ(series_value(scrape.body, "depthrec_breaks_total", {symbol_label(s)}), 0.0);
    counts += (counts.empty() ? "" : " / ") + std::to_string(sent);
  }
  EXPECT_TRUE(all_counted) << scrape.body.substr(0, 2000);
  // At most two streams a connection (planned one below): the streams ride on several
  // connections, and the conn labels name as many as depthsim saw.
  std::set<std::string> conns;
  std::istringstream lines(scrape.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("depthrec_events_total{", 0) != 0) continue;
    const std::size_t at = line.find("conn=\"");
    conns.insert(line.substr(at + 6, line.find('"', at + 6) - at - 6));
  }
  const std::size_t connections = sim.stats()["connections"].Size();
  EXPECT_GE(connections, 2u);
  EXPECT_EQ(conns.size(), connections) << scrape.body.substr(0, 2000);
  report_figure("connections at depthsim / distinct conn labels",
                std::to_string(connections) + " / " + std::to_string(conns.size()));
  EXPECT_EQ(series_value(scrape.body, "depthrec_up"), 1.0);
  EXPECT_EQ(series_value(scrape.body, "depthrec_streams"), 3.0);
  EXPECT_GT(series_value(scrape.body, "process_resident_memory_bytes").value_or(0), 0.0);
  // The process-wide figures (from the first stream's metrics, where the engine reports them):
  // a snapshot per book through the futures budget, records written.
  EXPECT_GE(
      series_value(scrape.body, "depthrec_rest_requests_total", {"budget=\"futures\""}).value_or(0),
      3.0);
  EXPECT_GT(series_value(scrape.body, "depthrec_writer_records_written_total").value_or(0), 0.0);
  EXPECT_NE(scrape.headers.find("text/plain; version=0.0.4"), std::string::npos) << scrape.headers;
  report_figure("events per stream, /metrics = depthsim sent (BTC / ETH / SOL)", counts);
  report_figure("/metrics bytes, 3 streams", static_cast<double>(scrape.body.size()));
  stop_recorder(run);
}

// promtool (Debian's prometheus package) on a live scrape of a one-stream recorder.
TEST(PrometheusE2E, PromtoolAcceptsALiveScrape) {
  if (access("/usr/bin/promtool", X_OK) != 0)
    GTEST_SKIP() << "promtool not installed (apt-get install prometheus; tools/setup.sh does)";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--metrics-listen", "localhost:0"});
  const std::string address = wait_for_served_address(run);
  ASSERT_FALSE(address.empty()) << run.process->output();
  HttpResult health;
  ASSERT_TRUE(wait_until([&] { return (health = http(address, "/healthz")).status == 200; },
                         std::chrono::seconds(30)))
      << health.body;
  const HttpResult scrape = http(address, "/metrics");
  ASSERT_EQ(scrape.status, 200);
  const std::string dir = make_temp_dir("promtool");
  { std::ofstream(dir + "/scrape.txt") << scrape.body; }
  ChildProcess promtool("/bin/sh",
                        {"-c", "/usr/bin/promtool check metrics < " + dir + "/scrape.txt"},
                        dir + "/promtool.txt");
  const auto exit_code = promtool.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(exit_code);
  EXPECT_EQ(*exit_code, 0) << promtool.output();
  EXPECT_EQ(series_value(scrape.body, "depthrec_events_total", {"conn=\"0\""}).has_value(), true);
  report_figure("promtool check metrics on a live scrape: exit / problems lines",
                std::to_string(*exit_code) + " / " + std::to_string(promtool.output().size()));
  stop_recorder(run);
}

// Debian's Prometheus server itself (issue 15, item 3): a generated config scrapes depthrec on
// loopback every second with depthrec's rules loaded; its HTTP API then answers, per symbol, the
// events depthsim sent, `up` 1, and the recording rule's rate.
std::string prometheus_listening(const ChildProcess& server) {
  const std::string output = server.output();
  const std::string marker = "msg=\"Listening on\" address=";
  const std::size_t at = output.find(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  return output.substr(start, output.find_first_of(" \n", start) - start);
}

// The value of each series of an instant query, by its `symbol` label (or "" without one).
std::map<std::string, double> query(const std::string& server, const std::string& promql) {
  std::string encoded;
  for (const char c : promql) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':') {
      encoded += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      encoded += hex;
    }
  }
  const HttpResult answer = http(server, "/api/v1/query?query=" + encoded);
  std::map<std::string, double> values;
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (!doc.IsObject() || !doc.HasMember("data") || !doc["data"].HasMember("result")) return values;
  for (const auto& series : doc["data"]["result"].GetArray()) {
    const auto& metric = series["metric"];
    const std::string symbol = metric.HasMember("symbol") ? metric["symbol"].GetString() : "";
    values[symbol] = std::stod(series["value"][1].GetString());
  }
  return values;
}

TEST(PrometheusE2E, ThePrometheusServerScrapesEveryStreamsEvents) {
  if (access("/usr/bin/prometheus", X_OK) != 0)
    GTEST_SKIP() << "Prometheus server not installed (apt-get install prometheus; tools/setup.sh)";
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT"}, "73"));
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--market", "usdm", "--depth", "full",
                           "--print-interval", "1", "--metrics-listen", "127.0.0.1:0"});
  const std::string address = wait_for_served_address(run);
  ASSERT_FALSE(address.empty()) << run.process->output();
  const std::string dir = make_temp_dir("prometheus");
  {
    std::ofstream config(dir + "/prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           << "rule_files:\n  - " << DEPTHREC_SOURCE_DIR
           << "/deploy/prometheus/depthrec-rules.yml\n"
           << "scrape_configs:\n  - job_name: depthrec\n    static_configs:\n"
           << "      - targets: ['" << address << "']\n";
  }
  ChildProcess server("/usr/bin/prometheus",
                      {"--config.file=" + dir + "/prometheus.yml",
                       "--storage.tsdb.path=" + dir + "/tsdb", "--web.listen-address=127.0.0.1:0"},
                      dir + "/prometheus.txt");
  std::string api;
  ASSERT_TRUE(wait_until([&] { return !(api = prometheus_listening(server)).empty(); },
                         std::chrono::seconds(30)))
      << server.output();
  const std::vector<SymbolUnderTest> symbols{{"usdm", "BTCUSDT"}, {"usdm", "ETHUSDT"}};
  std::map<std::string, double> stored;
  const bool all_stored = wait_until(
      [&] {
        stored = query(api, "depthrec_events_total");
        for (const SymbolUnderTest& s : symbols) {
          if (!generated_every_event(sim, s)) return false;
          if (stored[s.symbol] != static_cast<double>(events_sent(sim, s))) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(all_stored) << server.output();
  std::string figure;
  for (const SymbolUnderTest& s : symbols) {
    EXPECT_EQ(stored[s.symbol], static_cast<double>(events_sent(sim, s))) << s.symbol;
    figure += (figure.empty() ? "" : " / ") + std::to_string(static_cast<long>(stored[s.symbol]));
  }
  EXPECT_EQ(query(api, "up{job=\"depthrec\"}")[""], 1.0);
  // The rules loaded and evaluated: the recording rule has a series per stream.
  EXPECT_TRUE(wait_until([&] { return query(api, "depthrec:events:rate1m").size() == 2; },
                         std::chrono::seconds(30)));
  report_figure("Prometheus server, depthrec_events_total per symbol = depthsim sent (BTC / ETH)",
                figure);
  stop_recorder(run);
}

}  // namespace
}  // namespace itest::prometheus_e2e_test

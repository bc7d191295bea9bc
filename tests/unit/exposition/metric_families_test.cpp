#include "exposition/metric_families.hpp"

#include <gtest/gtest.h>
#include <prometheus/check_names.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include "depthrec/latency_histogram.hpp"
#include "depthrec/metrics_report.hpp"

namespace depthrec::exposition {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

StreamReport stream(Market market, std::string symbol, std::uint32_t conn) {
  StreamReport report;
  report.snapshot.key.market = market;
  report.snapshot.key.symbol = symbol;
  std::transform(symbol.begin(), symbol.end(), symbol.begin(), ::tolower);
  report.snapshot.key.stream = symbol + "@depth@100ms";
  report.connection = conn;
  return report;
}

MetricsSnapshot process_wide_with_rest() {
  MetricsSnapshot s;
  s.rest.budget = "futures";
  s.presync.bounded = true;
  return s;
}

const MetricFamily* find(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The value of family `name`'s first series (-1, and a failure, when the family is missing).
double first_value(const std::vector<MetricFamily>& families, const char* name) {
  const MetricFamily* f = find(families, name);
  EXPECT_NE(f, nullptr) << name;
  return f == nullptr ? -1.0
                      : (f->type == MetricType::Counter ? f->metric.at(0).counter.value
                                                        : f->metric.at(0).gauge.value);
}

TEST(MetricFamilies, NamesAndLabelsFollowPrometheusRules) {
  const std::vector<StreamReport> streams{stream(Market::usdm, "BTCUSDT", 0),
                                          stream(Market::spot, "ETHUSDT", 3)};
  const auto families =
      metric_families(process_wide_with_rest(), streams, ProcessFigures{1.5, 2e6, 3e6, 7, 1024, 9});
  std::set<std::string> names;
  for (const MetricFamily& f : families) {
    SCOPED_TRACE(f.name);
    EXPECT_TRUE(prometheus::CheckMetricName(f.name));
    EXPECT_TRUE(names.insert(f.name).second) << "a name twice";
    EXPECT_FALSE(f.help.empty());
    const bool standard = f.name.rfind("process_", 0) == 0;
    EXPECT_TRUE(standard || f.name.rfind("depthrec_", 0) == 0);
    const bool total = f.name.size() > 6 && f.name.compare(f.name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(f.type == MetricType::Counter, total) << "_total exactly on counters";
    // Base units: no word of the name is a scaled unit.
    std::istringstream words(f.name);
    for (std::string word; std::getline(words, word, '_');) {
      for (const char* unit : {"ms", "us", "ns", "kb", "mb", "millis", "milliseconds", "percent"})
        EXPECT_NE(word, unit);
    }
    for (const auto& metric : f.metric) {
      for (const auto& label : metric.label) EXPECT_TRUE(prometheus::CheckLabelName(label.name));
    }
  }
  // Per-stream families carry exactly the four stream labels (snapshots adds result).
  const MetricFamily* events = find(families, "depthrec_events_total");
  ASSERT_NE(events, nullptr);
  ASSERT_EQ(events->metric.size(), 2u);
  const auto& labels = events->metric[1].label;
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0].name, "market");
  EXPECT_EQ(labels[0].value, "spot");
  EXPECT_EQ(labels[1].value, "ETHUSDT");
  EXPECT_EQ(labels[2].name, "channel");
  EXPECT_EQ(labels[2].value, "depth@100ms");
  EXPECT_EQ(labels[3].name, "conn");
  EXPECT_EQ(labels[3].value, "3");
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_open_fds", "process_start_time_seconds", "process_max_fds",
                           "process_virtual_memory_bytes", "depthrec_rest_http_418_total"})
    EXPECT_NE(find(families, name), nullptr) << name;
}

TEST(MetricFamilies, EveryCounterOfTheSnapshotIsExposedWithItsValue) {
  StreamReport report = stream(Market::usdm, "BTCUSDT", 1);
  FeedCounters& c = report.snapshot.run.counters;
  c.messages = 11;
  c.breaks = 2;
  c.resyncs = 3;
  c.reconnects = 4;
  c.queue_drops = 5;
  c.snapshot_banned = 6;
  report.snapshot.book.synced = true;
  report.snapshot.last_message_age_ns = 1'500'000'000;
  const auto families = metric_families(MetricsSnapshot{}, {report}, std::nullopt);
  const auto value = [&](const char* name) { return first_value(families, name); };
  EXPECT_EQ(value("depthrec_events_total"), 11);
  EXPECT_EQ(value("depthrec_breaks_total"), 2);
  EXPECT_EQ(value("depthrec_resyncs_total"), 3);
  EXPECT_EQ(value("depthrec_reconnects_total"), 4);
  EXPECT_EQ(value("depthrec_queue_drops_total"), 5);
  EXPECT_EQ(value("depthrec_book_synced"), 1);
  EXPECT_DOUBLE_EQ(value("depthrec_last_event_age_seconds"), 1.5);
  const MetricFamily* snapshots = find(families, "depthrec_snapshots_total");
  ASSERT_NE(snapshots, nullptr);
  bool banned = false;
  for (const auto& m : snapshots->metric) {
    if (m.label.back().value == "banned_418") banned = m.counter.value == 6;
  }
  EXPECT_TRUE(banned);
  // Unknown figures are left out, not reported as 0: no clock offset, no sync yet.
  EXPECT_TRUE(find(families, "depthrec_clock_offset_seconds")->metric.empty());
  EXPECT_TRUE(find(families, "depthrec_sync_initial_seconds")->metric.empty());
  // No callback (the CLI's case): no callback series; the event latency's are there from the start.
  EXPECT_TRUE(find(families, "depthrec_callback_duration_seconds")->metric.empty());
  EXPECT_EQ(find(families, "depthrec_event_latency_seconds")->metric.size(), 1u);
  // No process figures given: no process_* family.
  EXPECT_EQ(find(families, "process_cpu_seconds_total"), nullptr);
}

TEST(MetricFamilies, RedisSinkFiguresOnlyWithRedis) {
  const auto without =
      metric_families(MetricsSnapshot{}, {stream(Market::usdm, "BTCUSDT", 1)}, std::nullopt);
  EXPECT_EQ(find(without, "depthrec_redis_published_total"), nullptr);
  MetricsSnapshot process = process_wide_with_rest();
  process.redis.enabled = true;
  process.redis.connected = true;
  process.redis.published = 120;
  process.redis.duplicates_suppressed = 7;
  process.redis.dropped = 3;
  process.redis.gaps_marked = 1;
  process.redis.queue_peak = 50;
  const auto with = metric_families(process, {stream(Market::usdm, "BTCUSDT", 1)}, std::nullopt);
  const auto value = [&](const char* name) { return first_value(with, name); };
  EXPECT_EQ(value("depthrec_redis_connected"), 1);
  EXPECT_EQ(value("depthrec_redis_published_total"), 120);
  EXPECT_EQ(value("depthrec_redis_duplicates_suppressed_total"), 7);
  EXPECT_EQ(value("depthrec_redis_dropped_total"), 3);
  EXPECT_EQ(value("depthrec_redis_gaps_marked_total"), 1);
  EXPECT_EQ(value("depthrec_redis_queue_peak"), 50);
}

TEST(MetricFamilies, NothingReportedYetIsUpZeroAndNoStreamFamily) {
  const auto families = metric_families(MetricsSnapshot{}, {}, std::nullopt);
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "depthrec_up");
  EXPECT_EQ(families[0].metric.at(0).gauge.value, 0.0);
}

TEST(MetricFamilies, LabelValuesAreEscapedInTheTextFormat) {
  // Symbols come from the exchange (exchangeInfo): quotes, backslashes and newlines must not
  // break the exposition.
  StreamReport report = stream(Market::spot, "A\"B\\C\nD", 0);
  const std::string text = prometheus::TextSerializer().Serialize(
      metric_families(MetricsSnapshot{}, {report}, std::nullopt));
  EXPECT_NE(text.find("symbol=\"A\\\"B\\\\C\\nD\""), std::string::npos) << text.substr(0, 600);
  EXPECT_EQ(text.find("A\"B"), std::string::npos);
}

TEST(MetricFamilies, ChannelIsTheStreamNameAfterTheSymbol) {
  StreamKey key{Market::usdm, "BTCUSDT", "btcusdt@depth20@100ms"};
  EXPECT_EQ(channel_of(key), "depth20@100ms");
  key.stream = "btcusdt@bookTicker";
  EXPECT_EQ(channel_of(key), "bookTicker");
  key.stream = "odd";
  EXPECT_EQ(channel_of(key), "odd");
}

TEST(HistogramMapping, EveryBoundIsABucketEdgeOfTheHistogram) {
  for (const std::int64_t edge : kExpositionEdges)
    EXPECT_TRUE(LatencyHistogram::is_bucket_edge(static_cast<std::uint64_t>(edge))) << edge;
  EXPECT_FALSE(LatencyHistogram::is_bucket_edge(5000));  // inside [4992, 5056)
  EXPECT_TRUE(LatencyHistogram::is_bucket_edge(100));    // exact below 128
}

TEST(HistogramMapping, CumulativeCountsAreExactAgainstTheValues) {
  std::mt19937_64 random(12);
  std::uniform_int_distribution<std::int64_t> wide(-5'000, 3'000'000);
  LatencyHistogram histogram;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 20'000; ++i) values.push_back(wide(random));
  // Values on and next to every bound: the places an interpolation would get wrong.
  for (const std::int64_t edge : kExpositionEdges) {
    for (const std::int64_t v : {edge - 1, edge, edge + 1}) values.push_back(v);
  }
  for (const std::int64_t v : values) histogram.record(v);
  const ExpositionCounts below = histogram.counts_below(kExpositionEdges);
  for (std::size_t i = 0; i < kExpositionEdges.size(); ++i) {
    const auto exact = static_cast<std::uint64_t>(std::count_if(
        values.begin(), values.end(), [&](std::int64_t v) { return v < kExpositionEdges[i]; }));
    EXPECT_EQ(below[i], exact) << "bound " << kExpositionEdges[i];
  }
}

TEST(HistogramMapping, PrometheusHistogramIsCumulativeInSecondsEndingAtCount) {
  LatencyHistogram us;
  for (const std::int64_t v : {-300, 100, 999, 1'000, 1'500, 70'000, 5'000'000}) us.record(v);
  StreamReport report = stream(Market::usdm, "BTCUSDT", 0);
  report.snapshot.run.event_latency_us = us.summary();
  report.snapshot.run_buckets.event_latency_us = us.counts_below(kExpositionEdges);
  const auto families = metric_families(MetricsSnapshot{}, {report}, std::nullopt);
  const MetricFamily* f = find(families, "depthrec_event_latency_seconds");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->type, MetricType::Histogram);
  const auto& h = f->metric.at(0).histogram;
  EXPECT_EQ(h.sample_count, 7u);
  EXPECT_NEAR(h.sample_sum, (-300 + 100 + 999 + 1'000 + 1'500 + 70'000 + 5'000'000) / 1e6, 1e-9);
  ASSERT_EQ(h.bucket.size(), kExpositionEdges.size() + 1);
  EXPECT_DOUBLE_EQ(h.bucket[0].upper_bound, 0.000125);
  EXPECT_EQ(h.bucket[0].cumulative_count, 2u);  // -300 and 100
  EXPECT_DOUBLE_EQ(h.bucket[3].upper_bound, 0.001);
  EXPECT_EQ(h.bucket[3].cumulative_count, 3u);  // 999 us is below 1 ms, 1000 us is not
  EXPECT_EQ(h.bucket[4].cumulative_count, 5u);  // below 2 ms
  EXPECT_EQ(h.bucket[kExpositionEdges.size() - 1].cumulative_count, 6u);  // 5 s is above 2.048
  EXPECT_TRUE(std::isinf(h.bucket.back().upper_bound));
  EXPECT_EQ(h.bucket.back().cumulative_count, 7u);
  for (std::size_t i = 1; i < h.bucket.size(); ++i)
    EXPECT_GE(h.bucket[i].cumulative_count, h.bucket[i - 1].cumulative_count);
  // Pipeline latency is in ns: the same bounds are 125 ns .. 2.048 ms.
  const MetricFamily* pipe = find(families, "depthrec_pipeline_latency_seconds");
  ASSERT_NE(pipe, nullptr);
  EXPECT_DOUBLE_EQ(pipe->metric.at(0).histogram.bucket[3].upper_bound, 1e-6);
}

TEST(MetricsJson, MetricsListenIsNullUnlessServed) {
  MetricsSnapshot s;
  EXPECT_NE(to_metrics_json(s).find("\"metrics_listen\": null"), std::string::npos);
  s.metrics_listen = "127.0.0.1:9464";
  EXPECT_NE(to_metrics_json(s).find("\"metrics_listen\": \"127.0.0.1:9464\""), std::string::npos);
}

}  // namespace
}  // namespace depthrec::exposition

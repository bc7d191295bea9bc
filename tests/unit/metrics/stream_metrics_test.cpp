// metrics.json of a many-stream run: the seed's top level is the aggregate over the streams
// (counters summed, a book synced only when all are, the slowest initial sync), and `streams`
// holds one entry per stream with its own figures.
#include "depthrec/stream_metrics.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/latency_histogram.hpp"
#include "depthrec/metrics_report.hpp"
#include "summary_checks.hpp"

namespace depthrec {
namespace {

// Streams whose snapshots are made up here have no histograms behind them.
const FeedMetrics::MergedHistograms kNoHistograms;

MetricsSnapshot stream(const std::string& symbol, std::uint64_t messages, std::uint64_t breaks,
                       std::int64_t initial_sync_ns, bool synced) {
  MetricsSnapshot s;
  s.key = StreamKey{Market::usdm, symbol, symbol + "@depth@100ms"};
  s.taken_ns = 1'760'690'281'509'000'000;
  s.run.seconds = 10.0;
  s.run.counters.messages = messages;
  s.run.counters.breaks = breaks;
  s.run.counters.resyncs = breaks;
  s.run.counters.gaps = breaks;
  s.run.recv_rate = static_cast<double>(messages) / 10.0;
  s.run.event_latency_us =
      HistogramSummary{messages, 1'000, 9'000, 2'000.0, 2'000, 3'000, 4'000, 5'000};
  if (breaks > 0) s.gaps.emplace_back("pu_mismatch", breaks);
  s.sync.initial_sync_ns = initial_sync_ns;
  s.book.synced = synced;
  s.book.last_update_id = messages * 10;
  return s;
}

TEST(StreamMetrics, TheAggregateSumsCountersAndIsSyncedOnlyWhenEveryBookIs) {
  std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true),
                                       stream("ethusdt", 599, 1, 9'000'000, true),
                                       stream("solusdt", 300, 0, 7'000'000, true)};
  MetricsSnapshot all = aggregate_metrics(streams, kNoHistograms);
  EXPECT_EQ(all.run.counters.messages, 1499u);
  EXPECT_EQ(all.run.counters.breaks, 1u);
  EXPECT_EQ(all.run.counters.resyncs, 1u);
  EXPECT_DOUBLE_EQ(all.run.recv_rate, 149.9);
  ASSERT_EQ(all.gaps.size(), 1u);
  EXPECT_EQ(all.gaps[0].second, 1u);
  EXPECT_EQ(all.sync.initial_sync_ns, 9'000'000) << "every book synced: the slowest one's time";
  EXPECT_TRUE(all.book.synced);

  streams[1].book.synced = false;
  streams[1].sync.initial_sync_ns = -1;
  all = aggregate_metrics(streams, kNoHistograms);
  EXPECT_FALSE(all.book.synced);
  EXPECT_EQ(all.sync.initial_sync_ns, -1) << "not every book synced yet";
}

// Two streams with known latencies: the aggregate's percentiles are those of the union of their
// values (each stream's histograms merged), not the highest stream's. Here the union's p50 lies
// in the fast stream (2.4 ms) while the slow stream's own p50 is 40.6 ms.
TEST(StreamMetrics, TheAggregateLatencyPercentilesAreThoseOfTheUnionOfTheStreams) {
  constexpr std::int64_t kStartNs = 1'721'347'000'000'000'000;
  constexpr std::int64_t kStartMs = kStartNs / 1'000'000;
  FeedMetrics fast(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kStartNs);
  FeedMetrics slow(StreamKey{Market::usdm, "ETHUSDT", "ethusdt@depth@100ms"}, kStartNs);
  LatencyHistogram union_us;
  std::vector<std::int64_t> values;
  const auto record = [&](FeedMetrics& metrics, std::int64_t event_ms, std::int64_t latency_us) {
    EventSample sample;
    sample.event_time_ms = event_ms;
    sample.recv_ns = event_ms * 1'000'000 + latency_us * 1'000;
    metrics.record_event(sample);
    union_us.record(latency_us);
    values.push_back(latency_us);
  };
  for (std::int64_t i = 0; i < 300; ++i) record(fast, kStartMs + i, 1'000 + 7 * i);
  for (std::int64_t i = 0; i < 100; ++i) record(slow, kStartMs + i, 40'000 + 13 * i);

  FeedMetrics::MergedHistograms merged;
  const std::int64_t roll_ns = kStartNs + 10'000'000'000;
  std::vector<MetricsSnapshot> streams{fast.roll_window(roll_ns, &merged),
                                       slow.roll_window(roll_ns, &merged)};
  const MetricsSnapshot all = aggregate_metrics(streams, merged);
  const HistogramSummary& run = all.run.event_latency_us;
  EXPECT_EQ(run.count, 400u);
  EXPECT_EQ(run.min, 1'000);
  EXPECT_EQ(run.max, 40'000 + 13 * 99);
  EXPECT_EQ(run.p50, union_us.percentile(50));
  EXPECT_EQ(run.p99, union_us.percentile(99));
  EXPECT_EQ(run.p95, union_us.percentile(95));
  // Against the exact nearest-rank percentiles of the 400 values (the histogram's precision).
  std::sort(values.begin(), values.end());
  EXPECT_NEAR(run.p50, values[199], values[199] / 128.0);  // rank 200: the fast stream's
  EXPECT_NEAR(run.p99, values[395], values[395] / 128.0);  // rank 396: the slow stream's
  EXPECT_LT(run.p50, streams[1].run.event_latency_us.p50) << "not the highest stream's p50";
  // The first window is the whole run.
  EXPECT_EQ(all.window.event_latency_us.p50, run.p50);
  EXPECT_EQ(all.window.event_latency_us.count, 400u);

  // A second window with only the slow stream's events: the window's percentiles are its own,
  // the run's those of all 410 values.
  for (std::int64_t i = 0; i < 10; ++i) record(slow, kStartMs + 20'000 + i, 90'000 + i);
  merged.reset();
  streams = {fast.roll_window(roll_ns * 2 - kStartNs, &merged),
             slow.roll_window(roll_ns * 2 - kStartNs, &merged)};
  const MetricsSnapshot second = aggregate_metrics(streams, merged);
  EXPECT_EQ(second.window.event_latency_us.count, 10u);
  EXPECT_NEAR(second.window.event_latency_us.p50, 90'004, 90'004 / 128.0);
  EXPECT_EQ(second.run.event_latency_us.count, 410u);
  EXPECT_EQ(second.run.event_latency_us.p50, union_us.percentile(50));
  EXPECT_EQ(second.run.event_latency_us.p99, union_us.percentile(99));
}

TEST(StreamMetrics, MetricsJsonKeepsTheSeedsTopLevelAndAddsOneEntryPerStream) {
  const std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true),
                                             stream("ethusdt", 599, 1, 9'000'000, false)};
  const MetricsSnapshot all = aggregate_metrics(streams, kNoHistograms);
  const std::string text = to_metrics_json(all, streams);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  // The seed's keys are the aggregate's, exactly as one stream's metrics.json writes them.
  rapidjson::Document single;
  single.Parse(to_metrics_json(all).c_str());
  for (const auto& member : single.GetObject()) {
    ASSERT_TRUE(doc.HasMember(member.name)) << member.name.GetString();
    EXPECT_TRUE(doc[member.name] == member.value) << member.name.GetString();
  }
  EXPECT_EQ(doc["total_messages"].GetUint64(), 1199u);
  EXPECT_EQ(doc["continuity"]["breaks"].GetUint64(), 1u);
  ASSERT_TRUE(doc["streams"].IsArray());
  ASSERT_EQ(doc["streams"].Size(), 2u);
  const auto& eth = doc["streams"][1];
  EXPECT_STREQ(eth["stream"].GetString(), "ethusdt@depth@100ms");
  EXPECT_STREQ(eth["market"].GetString(), "usdm");
  EXPECT_EQ(eth["total_messages"].GetUint64(), 599u);
  EXPECT_EQ(eth["continuity"]["breaks"].GetUint64(), 1u);
  EXPECT_EQ(eth["continuity"]["resyncs"].GetUint64(), 1u);
  EXPECT_FALSE(eth["book"]["synced"].GetBool());
  EXPECT_EQ(eth["book"]["last_update_id"].GetUint64(), 5990u);
  EXPECT_DOUBLE_EQ(eth["sync"]["initial_sync_ms"].GetDouble(), 9.0);
  EXPECT_EQ(doc["streams"][0]["continuity"]["breaks"].GetUint64(), 0u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_FALSE(doc.HasMember("symbols")) << "named symbols only: no selection figures";
}

// A --symbols ALL run adds what its selection resolved to, beside the streams.
TEST(StreamMetrics, AnAllRunAddsItsSelectionFigures) {
  const std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true)};
  SelectionFigures selection;
  selection.recorded = 1;
  selection.not_recorded = 2;
  selection.capped = 3;
  selection.unfit_names = 4;
  selection.exchange_info_failures = 5;
  const std::string text =
      to_metrics_json(aggregate_metrics(streams, kNoHistograms), streams, &selection);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  ASSERT_TRUE(doc["symbols"].IsObject()) << text;
  EXPECT_EQ(doc["symbols"]["recorded"].GetUint64(), 1u);
  EXPECT_EQ(doc["symbols"]["not_recorded"].GetUint64(), 2u);
  EXPECT_EQ(doc["symbols"]["capped"].GetUint64(), 3u);
  EXPECT_EQ(doc["symbols"]["unfit_names"].GetUint64(), 4u);
  EXPECT_EQ(doc["symbols"]["exchange_info_failures"].GetUint64(), 5u);
  EXPECT_EQ(doc["streams"].Size(), 1u);
  EXPECT_EQ(doc["total_messages"].GetUint64(), 600u);
}

// One writer for the whole document: the many-stream file is the single-stream file, byte for
// byte, up to its closing brace, then `streams` (no text spliced into a finished document).
TEST(StreamMetrics, TheTopLevelIsTheSingleStreamDocumentByteForByte) {
  const std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true),
                                             stream("ethusdt", 599, 1, 9'000'000, false)};
  const MetricsSnapshot all = aggregate_metrics(streams, kNoHistograms);
  const std::string single = to_metrics_json(all);
  const std::string many = to_metrics_json(all, streams);
  const std::string top = single.substr(0, single.rfind("\n}\n"));
  ASSERT_EQ(many.compare(0, top.size(), top), 0) << many;
  const std::string streams_member = ",\n  \"streams\": [";
  EXPECT_EQ(many.compare(top.size(), streams_member.size(), streams_member), 0)
      << many.substr(top.size());
  EXPECT_EQ(many.substr(many.size() - 7), "\n  ]\n}\n");
}

// Names with quotes, backslashes, control characters or bytes that are not UTF-8: the file is
// still valid JSON and the entries still parse (streams[] with no entry too).
TEST(StreamMetrics, AnyStreamNameGivesValidJson) {
  std::vector<MetricsSnapshot> streams{stream("a\"b", 1, 0, 1, true),
                                       stream("c\\d\n\x7f\x01", 2, 0, 1, true),
                                       stream("\xff\xfe}]", 3, 0, 1, true)};
  const MetricsSnapshot all = aggregate_metrics(streams, kNoHistograms);
  for (const auto& list : {streams, std::vector<MetricsSnapshot>{}}) {
    const std::string text = to_metrics_json(all, list);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
    ASSERT_FALSE(doc.HasParseError()) << text;
    ASSERT_EQ(doc["streams"].Size(), list.size());
    if (list.empty()) continue;
    EXPECT_STREQ(doc["streams"][0]["symbol"].GetString(), "a\"b");
    EXPECT_STREQ(doc["streams"][1]["stream"].GetString(), "c\\d\n\x7f\x01@depth@100ms");
    EXPECT_STREQ(doc["streams"][2]["symbol"].GetString(), "\xEF\xBF\xBD\xEF\xBF\xBD}]");
  }
}

// What depthrec-check reads of each entry: p95, the book's unsynced time, the failing snapshots
// in a row, and the corrected latency once the stream has a clock offset (count > 0).
TEST(StreamMetrics, EntriesCarryWhatThePerStreamAlertsRead) {
  std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true),
                                       stream("ethusdt", 599, 1, -1, false)};
  streams[1].book.unsynced_ns = 61'500'000'000;
  streams[1].snapshot_failures_in_a_row = 6;
  streams[0].run.event_latency_corrected_us =
      HistogramSummary{600, 100, 900, 200.0, 150, 300, 400, 800};
  const std::string text = to_metrics_json(aggregate_metrics(streams, kNoHistograms), streams);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  const auto& btc = doc["streams"][0];
  const auto& eth = doc["streams"][1];
  EXPECT_DOUBLE_EQ(btc["latency_ms"]["p95"].GetDouble(), 3.0);
  EXPECT_DOUBLE_EQ(btc["event_latency_corrected_ms"]["p95"].GetDouble(), 0.3);
  EXPECT_DOUBLE_EQ(btc["event_latency_corrected_ms"]["p99"].GetDouble(), 0.4);
  EXPECT_FALSE(eth.HasMember("event_latency_corrected_ms")) << "no clock offset: no corrected";
  EXPECT_DOUBLE_EQ(eth["book"]["unsynced_ms"].GetDouble(), 61'500.0);
  EXPECT_EQ(eth["snapshots"]["consecutive_failures"].GetUint64(), 6u);
  EXPECT_DOUBLE_EQ(btc["book"]["unsynced_ms"].GetDouble(), 0.0);
}

// The pre-sync bounds (README "Resource bounds"): each stream's figures in its entry, the top level
// their sum plus the shared bound and its peak; a one-stream run, which has no such bound, writes
// no `presync` member (its metrics.json is unchanged).
TEST(StreamMetrics, PresyncFiguresPerStreamAndSummedAtTheTopLevel) {
  std::vector<MetricsSnapshot> streams{stream("btcusdt", 600, 0, 8'000'000, true),
                                       stream("ethusdt", 599, 0, 9'000'000, false)};
  EXPECT_EQ(to_metrics_json(aggregate_metrics(streams, kNoHistograms)).find("presync"),
            std::string::npos);
  for (MetricsSnapshot& s : streams) s.presync.bounded = true;
  streams[0].presync.tail_trimmed = 40;
  streams[1].presync.buffered_bytes = 4'096;
  streams[1].presync.tail_trimmed = 2;
  streams[1].presync.budget_dropped = 7;
  streams[1].presync.snapshots_too_old = 1;
  MetricsSnapshot all = aggregate_metrics(streams, kNoHistograms);
  all.presync.bound_bytes = 1 << 20;
  all.presync.peak_bytes = 1'050'000;
  rapidjson::Document doc;
  doc.Parse(to_metrics_json(all, streams).c_str());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.HasMember("presync"));
  const auto& top = doc["presync"];
  EXPECT_EQ(top["bound_bytes"].GetUint64(), 1u << 20);
  EXPECT_EQ(top["buffered_bytes"].GetUint64(), 4'096u);
  EXPECT_EQ(top["peak_bytes"].GetUint64(), 1'050'000u);
  EXPECT_EQ(top["tail_trimmed"].GetUint64(), 42u);
  EXPECT_EQ(top["budget_dropped"].GetUint64(), 7u);
  EXPECT_EQ(top["snapshots_too_old"].GetUint64(), 1u);
  const auto& eth = doc["streams"][1]["presync"];
  EXPECT_EQ(eth["buffered_bytes"].GetUint64(), 4'096u);
  EXPECT_EQ(eth["tail_trimmed"].GetUint64(), 2u);
  EXPECT_EQ(eth["budget_dropped"].GetUint64(), 7u);
  EXPECT_EQ(eth["snapshots_too_old"].GetUint64(), 1u);
  EXPECT_FALSE(doc["streams"][0]["presync"].HasMember("bound_bytes")) << "the bound is the run's";
}

// The engine's print keeps the aggregate's run and adds the windows only while no stream left
// the aggregate: the same figures as the aggregate rebuilt from every stream's run at each print.
TEST(StreamMetrics, AnAggregateRunAddedUpFromWindowsEqualsOneRebuiltAtEachPrint) {
  constexpr std::int64_t kStartNs = 1'721'347'000'000'000'000;
  constexpr std::int64_t kStartMs = kStartNs / 1'000'000;
  constexpr int kStreams = 4;
  std::vector<std::unique_ptr<FeedMetrics>> rebuilt;
  std::vector<std::unique_ptr<FeedMetrics>> added_up;
  for (int s = 0; s < kStreams; ++s) {
    const StreamKey key{Market::spot, "SYM" + std::to_string(s), "sym@depth@100ms"};
    rebuilt.push_back(std::make_unique<FeedMetrics>(key, kStartNs));
    added_up.push_back(std::make_unique<FeedMetrics>(key, kStartNs));
  }
  FeedMetrics::MergedHistograms full;
  FeedMetrics::MergedHistograms incremental;
  for (int print = 0; print < 6; ++print) {
    for (int s = 0; s < kStreams; ++s) {
      const int events = (s + print) % 3 == 0 ? 0 : 20 * (s + 1);  // quiet streams too
      for (int i = 0; i < events; ++i) {
        EventSample sample;
        sample.event_time_ms = kStartMs + print * 5'000 + i;
        sample.recv_ns = (sample.event_time_ms + 1 + (i * 7 + s * 300 + print) % 900) * 1'000'000;
        sample.pipeline_ns = 1'000 + (i * 97 + s) % 40'000;
        sample.batch_span = static_cast<std::uint64_t>(i % 40);
        rebuilt[s]->record_event(sample);
        added_up[s]->record_event(sample);
      }
    }
    const std::int64_t now = kStartNs + (print + 1) * 5'000'000'000;
    full.reset();
    if (print == 0) {
      incremental.reset();
    } else {
      incremental.start_roll_from_windows();
    }
    std::vector<MetricsSnapshot> a;
    std::vector<MetricsSnapshot> b;
    for (int s = 0; s < kStreams; ++s) {
      a.push_back(rebuilt[s]->roll_window(now, &full));
      b.push_back(added_up[s]->roll_window(now, &incremental));
    }
    incremental.finish_roll_from_windows();
    const MetricsSnapshot want = aggregate_metrics(a, full);
    const MetricsSnapshot got = aggregate_metrics(b, incremental);
    for (const auto& [g, w] :
         {std::make_pair(&got.run, &want.run), std::make_pair(&got.window, &want.window)}) {
      for (const auto field :
           {&FeedFigures::event_latency_us, &FeedFigures::pipeline_ns, &FeedFigures::batch_span}) {
        SCOPED_TRACE("print " + std::to_string(print));
        metrics_test_support::expect_same_summary(g->*field, w->*field);
      }
    }
    EXPECT_GT(got.run.event_latency_us.count, 0u);
  }
}

}  // namespace
}  // namespace depthrec

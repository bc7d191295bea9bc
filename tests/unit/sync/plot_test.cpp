// depthrec-replay --plot: the time bucketing (PlotSeries), the SVG geometry (svg_path) and the
// escaping of the page (report_plot), on small inputs with exact expected output.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "plot_series.hpp"
#include "report_plot.hpp"
#include "svg_path.hpp"
#include "unit/sync/replay_tool_support.hpp"
#include "unit/sync/sync_fixtures.hpp"

namespace depthrec::replay {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kT0 = 1'721'347'020 * kSecond;  // a whole second

ReplayItem depth_at(std::int64_t recv_ns, std::string_view stream,
                    std::optional<double> event_ms = std::nullopt,
                    std::optional<double> pipeline_ms = std::nullopt) {
  ReplayItem item;
  item.type = ReplayItemType::depth;
  item.recv_ns = recv_ns;
  item.stream = stream;
  item.symbol = "BTCUSDT";
  item.latency_event_ms = event_ms;
  item.latency_pipeline_ms = pipeline_ms;
  return item;
}

ReplayItem marker_at(std::int64_t recv_ns, MarkerType type, std::string reason) {
  ReplayItem item;
  item.type = ReplayItemType::marker;
  item.recv_ns = recv_ns;
  item.stream = "btcusdt@depth@100ms";
  item.marker.type = type;
  item.marker.reason = std::move(reason);
  return item;
}

std::vector<double> values(const std::vector<SeriesPoint>& points) {
  std::vector<double> out;
  for (const SeriesPoint& point : points) out.push_back(point.value);
  return out;
}

std::vector<std::int64_t> times(const std::vector<SeriesPoint>& points) {
  std::vector<std::int64_t> out;
  for (const SeriesPoint& point : points) out.push_back(point.t_ns - kT0);  // bucket middles
  return out;
}

TEST(PlotSeries, OneSecondBucketsWithPercentilesAndEmptyBucketsAsZeroEvents) {
  PlotSeries series;
  const std::string_view depth = "btcusdt@depth@100ms";
  // Second 0: three events (event latency 1, 2, 90 ms; pipeline 0.004, 0.010, 0.100 ms);
  // second 1: none; second 2: one event without latencies.
  series.feed(depth_at(kT0 + 100, depth, 1.0, 0.004));
  series.feed(depth_at(kT0 + 200, depth, 2.0, 0.010));
  series.feed(depth_at(kT0 + kSecond - 1, depth, 90.0, 0.100));
  series.feed(depth_at(kT0 + 2 * kSecond + 5, depth));
  ASSERT_EQ(series.streams().size(), 1u);
  const PlotStream& stream = *series.streams()[0];
  EXPECT_EQ(stream.name, depth);
  EXPECT_EQ(stream.events, 4u);
  EXPECT_EQ(stream.events_with_event_latency, 3u);
  EXPECT_EQ(series.width_ns(), kSecond);
  const StreamSeriesPoints points = series.points(stream);
  EXPECT_EQ(values(points.events_per_second), (std::vector<double>{3, 0, 1}));
  EXPECT_EQ(times(points.events_per_second),
            (std::vector<std::int64_t>{kSecond / 2, 3 * kSecond / 2, 5 * kSecond / 2}));
  // Nearest rank: p50 of three is the 2nd, p99 the 3rd, the maximum (exact). 2000 us sits in
  // the histogram bucket [2000, 2016) and is reported at its middle (within 0.8 %); magnitudes
  // below 128 us are exact.
  EXPECT_EQ(values(points.event_latency_p50_ms), (std::vector<double>{2.008}));
  EXPECT_EQ(values(points.event_latency_p99_ms), (std::vector<double>{90.0}));
  EXPECT_EQ(values(points.pipeline_latency_p50_ms), (std::vector<double>{0.010}));
  EXPECT_EQ(values(points.pipeline_latency_p99_ms), (std::vector<double>{0.100}));
  EXPECT_EQ(times(points.pipeline_latency_p99_ms), (std::vector<std::int64_t>{kSecond / 2}));
  EXPECT_EQ(series.span_ns(), std::make_pair(kT0, kT0 + 3 * kSecond));
}

TEST(PlotSeries, EventLatencyFromTheEventTimeWhenTheRecordHasNone) {
  PlotSeries series;
  ReplayItem item = depth_at(kT0 + 25'000'000, "btcusdt@depth");  // 25 ms into the second
  item.depth.event_time_ms = kT0 / 1'000'000 + 40;                // E 15 ms after receipt
  series.feed(item);
  const StreamSeriesPoints points = series.points(*series.streams()[0]);
  // One value: its rank is the minimum, exact.
  EXPECT_EQ(values(points.event_latency_p50_ms), (std::vector<double>{-15.0}));
  EXPECT_TRUE(points.pipeline_latency_p50_ms.empty());
}

TEST(PlotSeries, WidthDoublesToKeepAtMostMaxBucketsAndMergesNeighbours) {
  PlotSeries series(4);
  const std::string_view depth = "ethusdt@depth";
  for (int second = 0; second < 10; ++second) {
    series.feed(depth_at(kT0 + second * kSecond, depth, static_cast<double>(second) / 1000));
  }
  // 10 s in at most 4 buckets: 1 s -> 2 s (5 buckets) -> 4 s (3 buckets).
  EXPECT_EQ(series.width_ns(), 4 * kSecond);
  const StreamSeriesPoints points = series.points(*series.streams()[0]);
  EXPECT_EQ(values(points.events_per_second), (std::vector<double>{1, 1, 0.5}));
  EXPECT_EQ(times(points.events_per_second),
            (std::vector<std::int64_t>{2 * kSecond, 6 * kSecond, 10 * kSecond}));
  // Latencies of seconds 0-3 (0..3 us), 4-7 and 8-9, merged exactly.
  EXPECT_EQ(values(points.event_latency_p50_ms), (std::vector<double>{0.001, 0.005, 0.008}));
  EXPECT_EQ(values(points.event_latency_p99_ms), (std::vector<double>{0.003, 0.007, 0.009}));
}

TEST(PlotSeries, AnEarlierLineOfAnotherStreamGetsABucketBeforeTheFirst) {
  PlotSeries series;
  series.feed(depth_at(kT0 + 3 * kSecond, "btcusdt@depth"));
  series.feed(depth_at(kT0 + kSecond + 7, "ethusdt@depth"));  // a segment's other stream
  ASSERT_EQ(series.streams().size(), 2u);
  EXPECT_EQ(series.streams()[1]->name, "ethusdt@depth");
  EXPECT_EQ(series.span_ns(), std::make_pair(kT0 + kSecond, kT0 + 4 * kSecond));
  EXPECT_EQ(times(series.points(*series.streams()[1]).events_per_second),
            (std::vector<std::int64_t>{3 * kSecond / 2}));
}

TEST(PlotSeries, MarkersKeepTheirKindCountAndFirstTimeAcrossMerges) {
  PlotSeries series(2);
  series.feed(depth_at(kT0, "btcusdt@depth@100ms"));
  series.feed(marker_at(kT0 + 700, MarkerType::gap, "pu_mismatch"));
  series.feed(marker_at(kT0 + 500, MarkerType::gap, "reconnect"));
  series.feed(marker_at(kT0 + kSecond + 9, MarkerType::gap, "writer_drop"));
  series.feed(marker_at(kT0 + kSecond + 3, MarkerType::resync, "pu_mismatch"));
  series.feed(marker_at(kT0 + 2 * kSecond, MarkerType::connect, ""));        // not drawn
  series.feed(marker_at(kT0 + 2 * kSecond, MarkerType::resync, "initial"));  // a start
  series.feed(depth_at(kT0 + 2 * kSecond, "btcusdt@depth@100ms"));           // 3 s: 2 s buckets
  const PlotStream& stream = *series.streams()[0];
  EXPECT_EQ(stream.markers, (std::array<std::uint64_t, kMarkerKinds>{2, 1, 1}));
  ASSERT_EQ(stream.marker_buckets.size(), 1u);  // seconds 0 and 1 merged into one 2 s bucket
  const MarkerTally& tally = stream.marker_buckets.begin()->second;
  EXPECT_EQ(tally.count, (std::array<std::uint64_t, kMarkerKinds>{2, 1, 1}));
  EXPECT_EQ(tally.first_ns, (std::array<std::int64_t, kMarkerKinds>{kT0 + 500, kT0 + kSecond + 3,
                                                                    kT0 + kSecond + 9}));
}

TEST(PlotSeries, ItemsThatAreNotMarketEventsOrMarkersAreNotDrawn) {
  PlotSeries series;
  ReplayItem snapshot;
  snapshot.type = ReplayItemType::snapshot;
  snapshot.recv_ns = kT0;
  snapshot.symbol = "BTCUSDT";
  series.feed(snapshot);
  ReplayItem subscription;
  subscription.type = ReplayItemType::other;
  subscription.other_type = "subscription";
  subscription.recv_ns = kT0;
  subscription.stream = "connections";
  series.feed(subscription);
  series.feed(depth_at(0, "btcusdt@depth"));  // no receive time
  EXPECT_TRUE(series.streams().empty());
  EXPECT_FALSE(series.span_ns());
}

TEST(SvgPath, PolylineWithANewSubpathAfterAMissingBucket) {
  const LinearScale x{0, 10, 10, 110};
  const LinearScale y{0, 100, 90, 10};
  const std::vector<SeriesPoint> points{{0, 0}, {1, 50}, {2, 100}, {5, 25}, {6, -12.5}};
  EXPECT_EQ(svg_path(points, x, y, 1), "M10.0 90.0L20.0 50.0L30.0 10.0M60.0 70.0L70.0 100.0");
  EXPECT_EQ(svg_path({}, x, y, 1), "");
  EXPECT_EQ(svg_path({{3, 7}}, x, LinearScale{7, 7, 90, 10}, 1), "M40.0 50.0");  // flat domain
}

TEST(SvgPath, NumbersAndTicks) {
  EXPECT_EQ(svg_number(-0.04), "0.0");
  EXPECT_EQ(svg_number(12.25), "12.2");  // round half to even, as printf does
  EXPECT_EQ(svg_number(1.0 / 0.0), "0.0");
  EXPECT_EQ(nice_ticks(0, 1, 4), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(nice_ticks(-1520, -1330, 4), (std::vector<double>{-1500, -1450, -1400, -1350}));
  EXPECT_EQ(nice_ticks(0, 20, 4), (std::vector<double>{0, 5, 10, 15, 20}));
  EXPECT_EQ(nice_ticks(3, 3, 4), (std::vector<double>{3}));
  std::int64_t step = 0;
  // 23:57:00.4 .. 23:59:37: 30 s steps at round clock times.
  const std::int64_t begin = kT0 + 400'000'000;
  const auto ticks = time_ticks_ns(begin, kT0 + 157 * kSecond, 6, step);
  EXPECT_EQ(step, 30 * kSecond);
  ASSERT_EQ(ticks.size(), 5u);
  EXPECT_EQ(ticks.front(), kT0 + 30 * kSecond);  // kT0 is 23:57:00 UTC, on the 30 s grid
  EXPECT_EQ(time_ticks_ns(kT0, kT0 + 3 * kSecond, 6, step).size(), 7u);
  EXPECT_EQ(step, 500'000'000);
}

TEST(ReportPlot, EscapesMarkupControlCharactersAndBadUtf8) {
  EXPECT_EQ(html_escape("<b a=\"x\">&'</b>"), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;");
  EXPECT_EQ(html_escape("a\x01z\tok\n"), "a\xEF\xBF\xBDz\tok\n");
  EXPECT_EQ(html_escape("\xC3\xA9t\xC3"), "\xC3\xA9t\xEF\xBF\xBD");  // é kept, a cut sequence not
  EXPECT_EQ(html_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(ReportPlot, StreamNamesFromTheRecordingAreEscapedInThePage) {
  PlotSeries series;
  series.feed(depth_at(kT0, "x<script>alert(1)</script>"));
  series.feed(marker_at(kT0 + 5, MarkerType::gap, "reconnect"));
  RunSummary run;
  run.input = "dir&<name>";
  run.exit_code = 1;
  const std::string page = plot_html(run, series);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("x&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("dir&amp;&lt;name&gt;"), std::string::npos);
  EXPECT_NE(page.find("data-exit-code=\"1\""), std::string::npos);
  EXPECT_NE(page.find("data-kind=\"gap\" data-t-ns=\"" + std::to_string(kT0 + 5) + "\""),
            std::string::npos);
  EXPECT_EQ(page.find("http://"), page.find("http://www.w3.org/2000/svg"));  // only the namespace
}

}  // namespace
}  // namespace depthrec::replay

namespace depthrec::test {
namespace {

// The executable: the page of a recording with a marked gap holds its verdict, its one chart and
// the gap and the resync at their records' times (not the initial sync); a page that cannot be
// written is exit 2 with the reason, the report still printed.
TEST_F(ReplayTool, PlotPageOfAMarkedGapAndAnUnwritablePage) {
  const std::string page = testing::TempDir() + "plot_marked_gap.html";
  const auto run =
      run_tool("--plot " + quoted(page) + " " + quoted(fixture("sync_usdm_marked_gap.ndjson")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  std::ifstream in(page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("data-exit-code=\"0\""), std::string::npos);
  EXPECT_NE(html.find("data-stream=\"btcusdt@depth@0ms\""), std::string::npos);
  EXPECT_NE(html.find("data-kind=\"gap\" data-t-ns=\"1721347020100000000\""), std::string::npos);
  EXPECT_NE(html.find("data-kind=\"resync\" data-t-ns=\"1721347020130000000\""), std::string::npos);
  EXPECT_EQ(html.find("data-t-ns=\"1721347020040000000\""), std::string::npos) << "initial sync";
  std::remove(page.c_str());

  const auto refused =
      run_tool("--plot /nonexistent-dir/p.html " + quoted(fixture("sync_usdm_marked_gap.ndjson")));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.out.find("cannot write --plot /nonexistent-dir/p.html: No such file"),
            std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("result"), std::string::npos) << "the report is still printed";
}

}  // namespace
}  // namespace depthrec::test

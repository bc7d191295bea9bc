// depthrec-check on a many-stream metrics.json (issue 12): every streams[] entry is checked with
// the same limits on its own figures, the failing streams are named (stream, market, symbol,
// alert, value vs limit), the output stays bounded with thousands of streams, and a malformed
// entry is a clear CRITICAL, never a crash. A file without `streams` reports as before.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "depthrec/metrics_check.hpp"
#include "metrics_fixtures.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kStreamChecksNow =
    1'760'690'286'509'000'000;  // 5 s after the fixtures' timestamp

std::string read_fixture(const std::string& name) {
  std::ifstream in(test::metrics_fixture(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// metrics_streams_ok.json (3 healthy streams) with `edit` applied to its document.
template <typename Edit>
std::string streams_file(Edit edit) {
  rapidjson::Document doc;
  doc.Parse(read_fixture("metrics_streams_ok.json").c_str());
  edit(doc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

CheckReport check(const std::string& text, CheckOptions options = {}) {
  return check_metrics_text(text, options, kStreamChecksNow, std::nullopt);
}

std::vector<std::string> lines(const std::string& text, CheckOptions options = {}) {
  return format_stream_lines(check(text, options));
}

TEST(StreamChecks, AHealthyManyStreamFilePasses) {
  const CheckReport report = check(read_fixture("metrics_streams_ok.json"));
  EXPECT_EQ(report.status, AlertLevel::ok);
  EXPECT_TRUE(report.streams.present);
  EXPECT_EQ(report.streams.checked, 3u);
  EXPECT_EQ(report.streams.failing, 0u);
  EXPECT_TRUE(format_stream_lines(report).empty());
  EXPECT_EQ(format_status_line(report),
            "STATUS OK: 0 warning, 0 critical, 12 ok (BTCUSDT), streams: 0 of 3 failing");
}

TEST(StreamChecks, OneBadStreamAmongThreeIsNamedAndFails) {
  const CheckReport report = check(read_fixture("metrics_streams_one_bad.json"));
  EXPECT_EQ(report.status, AlertLevel::critical);
  EXPECT_EQ(report.streams.failing, 1u);
  EXPECT_EQ(format_stream_lines(report),
            (std::vector<std::string>{"CRITICAL stream=ethusdt@depth@100ms market=usdm "
                                      "symbol=ETHUSDT breaks=1 (crit >0)",
                                      "WARNING  stream=ethusdt@depth@100ms market=usdm "
                                      "symbol=ETHUSDT resyncs=1 (warn >0, crit >3)"}));
  EXPECT_NE(format_status_line(report).find("streams: 1 of 3 failing"), std::string::npos);
}

// A stream unsubscribed while following exchangeInfo ("state":"removed") is silent by design: its
// final figures are not checked (its staleness would fail every run that followed a delisting).
TEST(StreamChecks, ARemovedStreamIsNotChecked) {
  const std::string text = streams_file([](rapidjson::Document& doc) {
    rapidjson::Pointer("/streams/1/last_message_age_ms").Set(doc, 1e9);
    rapidjson::Pointer("/streams/1/state").Set(doc, "removed");
    rapidjson::Pointer("/streams/2/state").Set(doc, "recording");
  });
  const CheckReport report = check(text);
  EXPECT_EQ(report.status, AlertLevel::ok) << format_status_line(report);
  EXPECT_EQ(report.streams.checked, 2u);
  EXPECT_EQ(report.streams.failing, 0u);
}

// One stream's own figure fails while the aggregate's does not (its rate is summed, its latency
// taken from the highest stream): the exit status is the worst stream alert.
TEST(StreamChecks, EachStreamFigureAlertsOnItsOwn) {
  struct Case {
    const char* pointer;
    double value;
    AlertLevel level;
    const char* line;
  };
  const Case cases[] = {
      {"/streams/2/recv_rate", 0.05, AlertLevel::critical, "rate=0.05/s (warn <0.5, crit <0.1)"},
      {"/streams/2/recv_rate", 0.3, AlertLevel::warning, "rate=0.30/s (warn <0.5, crit <0.1)"},
      {"/streams/2/event_latency_corrected_ms/p99", 2500, AlertLevel::critical,
       "p99=2500.0ms [corrected] (warn >500, crit >2000)"},
      {"/streams/2/event_latency_corrected_ms/p95", 400, AlertLevel::warning,
       "p95=400.0ms [corrected] (warn >300, crit >1000)"},
      {"/streams/2/continuity/reconnects", 6, AlertLevel::critical,
       "reconnects=6 (warn >1, crit >5)"},
      {"/streams/2/last_message_age_ms", 45'000, AlertLevel::critical,
       "stale=45.0s since its last message (crit >30)"},
      {"/streams/2/book/unsynced_ms", 61'000, AlertLevel::critical, "unsynced=61.0s (crit >60)"},
      {"/streams/2/snapshots/consecutive_failures", 6, AlertLevel::critical,
       "snapshot_failures=6 in a row (crit >5)"},
  };
  for (const Case& c : cases) {
    const std::string text = streams_file(
        [&](rapidjson::Document& doc) { rapidjson::Pointer(c.pointer).Set(doc, c.value); });
    const CheckReport report = check(text);
    EXPECT_EQ(report.status, c.level) << c.pointer;
    for (const MetricCheck& top : report.checks) EXPECT_EQ(top.level, AlertLevel::ok) << c.pointer;
    const std::vector<std::string> shown = format_stream_lines(report);
    ASSERT_EQ(shown.size(), 1u) << c.pointer;
    EXPECT_NE(shown[0].find("stream=solusdt@depth@100ms market=usdm symbol=SOLUSDT " +
                            std::string(c.line)),
              std::string::npos)
        << shown[0];
  }
  // Raw latency when asked for, as at the top level.
  CheckOptions raw;
  raw.latency = LatencySource::raw;
  const std::string slow = streams_file([](rapidjson::Document& doc) {
    rapidjson::Pointer("/streams/0/latency_ms/p50").Set(doc, 600.0);
  });
  EXPECT_EQ(lines(slow, raw),
            std::vector<std::string>{"CRITICAL stream=btcusdt@depth@100ms market=usdm "
                                     "symbol=BTCUSDT p50=600.0ms [raw] (warn >200, crit >500)"});
  EXPECT_TRUE(lines(slow).empty()) << "the corrected latency is the default";
  // Limits moved by the options move the streams' too; --stale-intervals 0 turns staleness off.
  CheckOptions loose;
  loose.thresholds.stale_intervals = 0;
  EXPECT_TRUE(lines(streams_file([](rapidjson::Document& doc) {
                      rapidjson::Pointer("/streams/1/last_message_age_ms").Set(doc, 1e9);
                    }),
                    loose)
                  .empty());
}

// Thousands of failing streams: at most max_stream_lines lines a kind, then "... and K more".
TEST(StreamChecks, OutputIsBoundedPerAlertKind) {
  const std::string text = streams_file([](rapidjson::Document& doc) {
    auto& streams = doc["streams"];
    rapidjson::Value bad(streams[0], doc.GetAllocator());
    bad["continuity"]["breaks"].SetUint(2);
    bad["recv_rate"].SetDouble(0.01);
    for (int i = 0; i < 3000; ++i) {
      rapidjson::Value copy(bad, doc.GetAllocator());
      const std::string name = "s" + std::to_string(i) + "@depth@100ms";
      copy["stream"].SetString(name.c_str(), doc.GetAllocator());
      streams.PushBack(copy, doc.GetAllocator());
    }
  });
  CheckOptions options;
  options.max_stream_lines = 4;
  const CheckReport report = check(text, options);
  EXPECT_EQ(report.status, AlertLevel::critical);
  EXPECT_EQ(report.streams.checked, 3003u);
  EXPECT_EQ(report.streams.failing, 3000u);
  const std::vector<std::string> shown = format_stream_lines(report);
  ASSERT_EQ(shown.size(), 10u);  // rate: 4 + 1, breaks: 4 + 1
  EXPECT_NE(shown[0].find("stream=s0@depth@100ms"), std::string::npos) << shown[0];
  EXPECT_NE(shown[0].find("rate=0.01/s"), std::string::npos) << shown[0];
  EXPECT_EQ(shown[4], "CRITICAL ... and 2996 more streams with rate");
  EXPECT_NE(shown[5].find("breaks=2 (crit >0)"), std::string::npos) << shown[5];
  EXPECT_EQ(shown[9], "CRITICAL ... and 2996 more streams with breaks");
  rapidjson::Document json;
  const std::string out = to_json(report);
  json.Parse(out.c_str());
  ASSERT_FALSE(json.HasParseError());
  EXPECT_EQ(json["streams"]["alerts"].Size(), 8u);
  EXPECT_EQ(json["streams"]["failing"].GetUint64(), 3000u);
  ASSERT_EQ(json["streams"]["omitted"].Size(), 2u);
  EXPECT_EQ(json["streams"]["omitted"][1]["count"].GetUint64(), 2996u);
  EXPECT_LT(out.size(), 4096u) << "bounded whatever the number of streams";
}

// Malformed entries: each a CRITICAL alert naming the entry, never a crash; the other entries
// are still checked.
TEST(StreamChecks, MalformedStreamsGiveAClearErrorNeverACrash) {
  const CheckReport not_array =
      check(streams_file([](rapidjson::Document& doc) { doc["streams"].SetObject(); }));
  EXPECT_EQ(not_array.status, AlertLevel::critical);
  EXPECT_EQ(not_array.checks.back().metric, "streams");
  EXPECT_EQ(not_array.checks.back().text, "streams=invalid (\"streams\" is not an array)");

  const std::string text = streams_file([](rapidjson::Document& doc) {
    auto& a = doc.GetAllocator();
    auto& streams = doc["streams"];
    streams.PushBack(rapidjson::Value(5), a);
    streams.PushBack(rapidjson::Value("x"), a);
    streams.PushBack(rapidjson::Value(rapidjson::kObjectType), a);
    rapidjson::Value wrong(streams[0], a);
    wrong["continuity"]["breaks"].SetString("many");
    wrong["stream"].SetInt(7);
    wrong["book"]["unsynced_ms"].SetBool(true);
    streams.PushBack(wrong, a);
  });
  const CheckReport report = check(text);
  EXPECT_EQ(report.status, AlertLevel::critical);
  EXPECT_EQ(report.streams.checked, 7u);
  EXPECT_EQ(report.streams.failing, 4u);
  const std::vector<std::string> shown = format_stream_lines(report);
  const auto has = [&](const std::string& part) {
    for (const auto& line : shown) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(
      has("CRITICAL stream=#3 market=? symbol=? entry=invalid (streams[3] is not an "
          "object)"));
  EXPECT_TRUE(has("stream=#4 market=? symbol=? entry=invalid (streams[4] is not an object)"));
  EXPECT_TRUE(
      has("stream=#5 market=? symbol=? rate=missing (no numeric "
          "\"streams[5].recv_rate\" in the file)"));
  EXPECT_TRUE(has("stream=#5 market=? symbol=? breaks=missing"));
  EXPECT_TRUE(
      has("stream=#6 market=usdm symbol=BTCUSDT breaks=missing (no numeric "
          "\"streams[6].continuity.breaks\" in the file)"));
  EXPECT_TRUE(has("stream=#6 market=usdm symbol=BTCUSDT unsynced=missing"));
  rapidjson::Document json;
  json.Parse(to_json(report).c_str());
  EXPECT_FALSE(json.HasParseError());
}

// Names come from the file: a terminal sees no control sequence, the JSON output stays valid.
TEST(StreamChecks, HostileNamesAreQuoted) {
  const std::string text = streams_file([](rapidjson::Document& doc) {
    doc["streams"][1]["symbol"].SetString("\x1b]0;owned\x07\xff", doc.GetAllocator());
    doc["streams"][1]["continuity"]["breaks"].SetUint(1);
  });
  const CheckReport report = check(text);
  const std::vector<std::string> shown = format_stream_lines(report);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_NE(shown[0].find("symbol=\\x1b]0;owned\\x07\\xff breaks=1"), std::string::npos)
      << shown[0];
  rapidjson::Document json;
  const std::string out = to_json(report);
  json.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  ASSERT_FALSE(json.HasParseError()) << out;
  EXPECT_STREQ(json["streams"]["alerts"][0]["symbol"].GetString(), "\x1b]0;owned\x07\xEF\xBF\xBD");
}

// A single-stream (or seed) file has no `streams`: its report carries none and reads as before.
TEST(StreamChecks, AFileWithoutStreamsReportsAsBefore) {
  const CheckReport report = check(read_fixture("metrics_seed.json"));
  EXPECT_FALSE(report.streams.present);
  EXPECT_TRUE(format_stream_lines(report).empty());
  EXPECT_EQ(format_status_line(report), "STATUS OK: 0 warning, 0 critical, 12 ok (ETHUSDT)");
  rapidjson::Document json;
  json.Parse(to_json(report).c_str());
  EXPECT_FALSE(json.HasMember("streams"));
}

}  // namespace
}  // namespace depthrec

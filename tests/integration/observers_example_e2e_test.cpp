// depthrec-observers-example against depthsim: every line it printed equals what the recording
// it wrote implies. Signed aggTrade volume per trade-time second, summed exactly from the recorded
// aggTrade lines (+q when m is false, -q when true), and the level-1 OFI per event-time second,
// recomputed from the recorded snapshot and depth lines by ofi_reference (its own book), each
// second compared; then SIGINT stops it with exit 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "depthrec/decimal.hpp"
#include "engine_e2e_support.hpp"
#include "ofi_reference.hpp"

namespace itest::observers_example_e2e_test {
namespace {

constexpr std::uint64_t kEvents = 600;  // depth events at 500/s: about 1.2 s, two or three seconds

struct SecondOfFlow {
  depthrec::DecimalUnits signed_units = 0;
  std::uint64_t trades = 0;
};

// The example's output lines of one statistic, by second (stderr's summary lines are not JSON).
std::map<std::int64_t, rapidjson::Document> printed(const std::string& output,
                                                    const std::string& stat) {
  std::map<std::int64_t, rapidjson::Document> out;
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t end = output.find('\n', start);
    if (end == std::string::npos) break;  // a line still being written
    if (output[start] == '{') {
      rapidjson::Document doc;
      doc.Parse<rapidjson::kParseFullPrecisionFlag>(output.c_str() + start, end - start);
      EXPECT_FALSE(doc.HasParseError()) << output.substr(start, end - start);
      if (!doc.HasParseError() && str(doc, "stat") == stat) {
        EXPECT_EQ(str(doc, "symbol"), "BTCUSDT");
        const std::int64_t second = doc["second"].GetInt64();
        EXPECT_EQ(out.count(second), 0u) << "second " << second << " printed twice";
        out[second] = std::move(doc);
      }
    }
    start = end + 1;
  }
  return out;
}

depthrec::DecimalUnits signed_units_of(const std::string& text) {
  const bool negative = !text.empty() && text[0] == '-';
  depthrec::Decimal magnitude;
  EXPECT_TRUE(depthrec::parse_decimal(negative ? text.substr(1) : text, magnitude)) << text;
  return negative ? -magnitude.units : magnitude.units;
}

TEST(ObserversExampleEndToEnd, PrintedFlowAndOfiPerSecondEqualWhatTheRecordingImplies) {
  if (!binary_exists("depthsim") || !binary_exists("depthrec-observers-example"))
    GTEST_FAIL() << "tools not built";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "13"});
  const std::string dir = make_temp_dir("observers-example");
  ChildProcess example(binary("depthrec-observers-example"),
                       {"--market", "usdm", "--symbols", "BTCUSDT", "--seconds", "30", "--endpoint",
                        sim.ws_endpoint(), "--rest-endpoint", sim.rest_endpoint(), "--ca-file",
                        sim.ca_file(), "--data-dir", dir + "/data", "--log-dir", dir + "/logs"},
                       dir + "/output.txt");
  // Stop once depthsim has sent everything and the example has closed a second of each statistic
  // (the seconds still open are printed at the stop): the comparison below holds for whatever
  // arrived, this only makes the run cover the simulated market.
  const bool sent = wait_until(
      [&] {
        const rapidjson::Document stats = sim_symbol_stats(sim, "BTCUSDT");
        return stats.IsObject() && stats.HasMember("symbol") &&
               u64(stats["symbol"], "events_generated") >= kEvents &&
               !printed(example.output(), "ofi_l1").empty() &&
               !printed(example.output(), "signed_agg_volume").empty();
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(sent) << example.output();
  ASSERT_TRUE(example.running()) << "exited before SIGINT: " << example.output();
  ASSERT_TRUE(example.signal(SIGINT));
  const auto code = example.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "no exit on SIGINT";
  ASSERT_EQ(*code, 0) << example.output();
  const std::string output = example.output();
  const std::vector<rapidjson::Document> records = read_records(dir + "/data");

  // Signed aggTrade volume: every recorded second, exact, and no other second.
  std::map<std::int64_t, SecondOfFlow> expected_flow;
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") != "aggTrade") continue;
    const rapidjson::Value& d = record["data"];
    depthrec::Decimal quantity;
    ASSERT_TRUE(depthrec::parse_decimal(d["q"].GetString(), quantity));
    SecondOfFlow& s = expected_flow[d["T"].GetInt64() / 1000];
    s.signed_units += d["m"].GetBool() ? -quantity.units : quantity.units;
    ++s.trades;
  }
  const auto flow = printed(output, "signed_agg_volume");
  ASSERT_FALSE(expected_flow.empty());
  ASSERT_EQ(flow.size(), expected_flow.size()) << output;
  std::uint64_t trades = 0;
  for (const auto& [second, s] : expected_flow) {
    SCOPED_TRACE("second " + std::to_string(second));
    ASSERT_EQ(flow.count(second), 1u);
    const rapidjson::Document& line = flow.at(second);
    EXPECT_TRUE(signed_units_of(str(line, "signed_volume")) == s.signed_units)
        << str(line, "signed_volume");
    EXPECT_EQ(u64(line, "agg_trades"), s.trades);
    trades += s.trades;
  }

  // Level-1 OFI: each second's states, transitions and sum equal the reference's 1 s windows.
  ReferenceOptions options;
  options.levels = 1;
  options.window_ms = 1000;
  const std::vector<ReferenceWindow> windows = reference_ofi(records, options);
  const auto ofi = printed(output, "ofi_l1");
  ASSERT_GE(windows.size(), 2u);
  ASSERT_EQ(ofi.size(), windows.size()) << output;
  std::uint64_t transitions = 0;
  for (const ReferenceWindow& w : windows) {
    const std::int64_t second = w.start_ms / 1000;
    SCOPED_TRACE("second " + std::to_string(second));
    ASSERT_EQ(ofi.count(second), 1u);
    const rapidjson::Document& line = ofi.at(second);
    EXPECT_EQ(u64(line, "states"), w.events);
    EXPECT_EQ(u64(line, "transitions"), w.transitions);
    const double live = line["ofi"].GetDouble();
    EXPECT_LE(std::fabs(live - w.mlofi[0]),
              1e-9 * std::max({std::fabs(live), std::fabs(w.mlofi[0]), 1e-3}))
        << live << " vs " << w.mlofi[0];
    transitions += w.transitions;
  }
  EXPECT_GT(transitions, 0u);
  report_figure("observers example: trades / OFI transitions compared",
                std::to_string(trades) + " / " + std::to_string(transitions));
}

}  // namespace
}  // namespace itest::observers_example_e2e_test

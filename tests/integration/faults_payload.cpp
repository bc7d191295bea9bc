// Fault matrix, payloads: one bad frame in the middle of a good stream (malformed JSON, wrong
// event type, wrong symbol, missing field, mistyped field, a 10 MB frame, a binary frame,
// invalid UTF-8). The simulator sends it in addition to the normal events.
#include <initializer_list>

#include <ostream>

#include "faults_support.hpp"

namespace itest::faults_payload {
namespace {

using std::chrono::seconds;

struct PayloadCase {
  const char* fault;    // KIND, sent after the 150th of 300 events
  const char* object;   // where metrics.json counts it: parse_errors or integrity
  const char* counter;  // ... under this key
  bool parse_error;     // counted in parse_errors.total too
};

void PrintTo(const PayloadCase& c, std::ostream* out) {
  *out << c.fault;
}

class FaultPayload : public FaultTest, public ::testing::WithParamInterface<PayloadCase> {};

// Every counter a bad frame could land in: exactly the expected one must move.
constexpr std::initializer_list<std::pair<const char*, const char*>> kFrameCounters = {
    {"parse_errors", "malformed_json"},   {"parse_errors", "not_an_object"},
    {"parse_errors", "missing_field"},    {"parse_errors", "wrong_type"},
    {"parse_errors", "bad_number"},       {"parse_errors", "bad_decimal"},
    {"parse_errors", "bad_level"},        {"parse_errors", "too_large"},
    {"integrity", "other_symbol_frames"}, {"integrity", "other_stream_frames"},
    {"integrity", "control_frames"}};

// Proves, for each bad frame: it is counted once under its own key (and nowhere else), it is
// skipped (no depth record, no gap, no break, no reconnect), and the stream goes on: all 300 good
// events are recorded, continuous, up to the simulator's last one, and the book stays synced.
TEST_P(FaultPayload, IsCountedAndSkippedAndTheStreamContinues) {
  const PayloadCase& c = GetParam();
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe", "--fault", std::string(c.fault) + "@150"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 300; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == 300 &&
           metric_u64(m, nullptr, "frames") == 301;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  EXPECT_EQ(sim_fault_count(stats, c.fault), 1u) << "the simulator sent the bad frame";

  for (const auto& [object, counter] : kFrameCounters) {
    const bool expected = std::string(object) == c.object && std::string(counter) == c.counter;
    EXPECT_EQ(metric_at(metrics, {object, counter}), expected ? 1u : 0u)
        << object << "." << counter;
  }
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "total"}), c.parse_error ? 1u : 0u);
  EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), 300u);
  EXPECT_EQ(metric_u64(metrics, nullptr, "frames"), 301u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  report_figure(std::string(c.object) + "." + c.counter,
                static_cast<double>(metric_at(metrics, {c.object, c.counter})));

  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  ASSERT_EQ(depth.size(), 300u);
  EXPECT_EQ(futures_breaks(depth), 0);
  const auto* connection = sim_connection(stats, 1);
  ASSERT_NE(connection, nullptr);
  EXPECT_EQ(u64(*depth.back(), "u"), u64(*connection, "last_u")) << "events after it recorded";
  EXPECT_TRUE(records_of_type(records, "gap").empty());
  EXPECT_TRUE(records_of_type(records, "disconnect").empty());
}

INSTANTIATE_TEST_SUITE_P(
    Payload, FaultPayload,
    ::testing::Values(PayloadCase{"malformed", "parse_errors", "malformed_json", true},
                      PayloadCase{"wrong_type", "integrity", "other_stream_frames", false},
                      PayloadCase{"wrong_symbol", "integrity", "other_symbol_frames", false},
                      PayloadCase{"missing_field", "parse_errors", "missing_field", true},
                      PayloadCase{"bad_number", "parse_errors", "bad_number", true},
                      PayloadCase{"oversized", "parse_errors", "too_large", true},
                      PayloadCase{"binary", "parse_errors", "not_text", true}),
    [](const ::testing::TestParamInfo<PayloadCase>& info) {
      return std::string(info.param.fault);
    });

// A text frame with invalid UTF-8 (in the symbol). RFC 6455 (8.1) says the endpoint MUST fail
// the connection, and the WebSocket layer does so before any parser sees the frame. Proves: the
// failure is recorded as a disconnect naming it, with a reconnect gap; nothing received before it
// is lost; depthrec reconnects and records every event of the new connection; no crash.
class FaultPayloadText : public FaultTest {};

TEST_F(FaultPayloadText, InvalidUtf8FailsTheConnectionAsRfc6455RequiresAndIsReconnected) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500",
                 "--start-on-subscribe", "--fault", "bad_utf8@150"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_for_sim_events(sim, 2, 100)) << run.process->output();
  ASSERT_TRUE(sim.get("/sim/pause"));
  const auto stats = sim.stats();
  ASSERT_TRUE(wait_for_recorded(run, 2, sim_depth_sent(stats, 2)));
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_fault_count(stats, "bad_utf8"), 1u);

  const auto records = read_records(run.data_dir());
  EXPECT_EQ(depth_records(records, 1).size(), 150u) << "every event before the bad frame";
  EXPECT_EQ(depth_records(records, 2).size(), sim_depth_sent(stats, 2));
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  report_figure("disconnect reason", str(*disconnects[0], "reason"));
  EXPECT_NE(str(*disconnects[0], "reason").find("UTF8"), std::string::npos);
  EXPECT_EQ(records_with_reason(records, "gap", "reconnect").size(), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 1u);
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "total"}), 0u) << "the parser never saw it";
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
}

}  // namespace
}  // namespace itest::faults_payload

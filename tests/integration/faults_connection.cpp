// Fault matrix, connections: reconnect storms, stalls, server pings and pong timeouts, and the
// ways a server can end a connection (no close frame, TCP reset, close frame, serverShutdown).
#include <algorithm>
#include <cmath>

#include <ostream>

#include "faults_support.hpp"

namespace itest::faults_connection {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The delay depthrec's backoff gives before attempt `n` (0-based) without jitter.
double expected_backoff_ms(int n, double initial_ms, double max_ms) {
  return std::min(max_ms, initial_ms * std::pow(2.0, n));
}

class FaultConnection : public FaultTest {};

// The server drops the connection (TCP close, no close frame) again and again, each time about
// a second after the new connection delivered its first events. Proves: the reconnect backoff
// grows while connections keep dying young (initial 250 ms, doubling, capped by
// --backoff-max-ms, +-20% jitter); every event received is recorded (per connection, the
// simulator's count, less at most the one event an abrupt close can swallow); every disconnect
// is marked by a disconnect record and a reconnect gap; each new connection resyncs the book;
// depthrec-replay finds every break marked.
TEST_F(FaultConnection, ReconnectStormBacksOffAndLosesNothingReceived) {
  constexpr double kBackoffMaxMs = 2000;
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--seed", "11"});
  RecorderRun run = start_recorder(
      sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1", "--backoff-max-ms",
            std::to_string(static_cast<int>(kBackoffMaxMs)), "--stall-timeout-ms", "10000"});
  const auto storm_start = std::chrono::steady_clock::now();
  std::uint64_t drops = 0;
  while (std::chrono::steady_clock::now() - storm_start < seconds(22)) {
    const std::uint64_t id = drops + 1;
    // About a second of events on each new connection, then drop exactly that connection.
    ASSERT_TRUE(wait_for_sim_events(sim, id, 200)) << "connection " << id << " never came";
    ASSERT_TRUE(sim.get("/sim/fault?kind=drop&conn=" + std::to_string(id)));
    ASSERT_TRUE(wait_for_sim_closed(sim, id));
    ++drops;
  }
  const std::uint64_t last = drops + 1;
  ASSERT_TRUE(wait_for_sim_events(sim, last, 100));
  ASSERT_TRUE(sim.get("/sim/pause"));
  const auto stats = sim.stats();
  ASSERT_TRUE(wait_for_recorded(run, last, sim_depth_sent(stats, last))) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  ASSERT_TRUE(metrics.IsObject());
  report_figure("drops", static_cast<double>(drops));
  EXPECT_GE(drops, 6u) << "a storm of at least six drops in 22 s";
  EXPECT_EQ(sim_connection_count(stats), last);

  const auto records = read_records(run.data_dir());
  std::uint64_t sent_total = 0, recorded_total = 0;
  for (std::uint64_t id = 1; id <= last; ++id) {
    const std::uint64_t sent = sim_depth_sent(stats, id);
    const std::uint64_t recorded = depth_records(records, id).size();
    sent_total += sent;
    recorded_total += recorded;
    EXPECT_LE(recorded, sent) << "connection " << id;
    EXPECT_GE(recorded + (id < last ? 1 : 0), sent) << "connection " << id << " lost events";
  }
  report_figure("events sent / recorded",
                std::to_string(sent_total) + " / " + std::to_string(recorded_total));
  EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), recorded_total);

  const auto disconnects = records_of_type(records, "disconnect");
  const auto connects = records_of_type(records, "connect");
  ASSERT_EQ(disconnects.size(), drops);
  ASSERT_EQ(connects.size(), drops + 1);
  EXPECT_EQ(records_with_reason(records, "gap", "reconnect").size(), drops);
  EXPECT_EQ(records_with_reason(records, "resync", "reconnect").size(), drops);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), drops);
  EXPECT_EQ(metric_u64(metrics, "continuity", "resyncs"), drops);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", "reconnect"}), drops);

  // Backoff: time from each disconnect record to the next connect record.
  std::string delays;
  for (std::size_t k = 0; k < disconnects.size(); ++k) {
    EXPECT_EQ(u64(*disconnects[k], "conn_id"), k + 1);
    EXPECT_EQ(u64(*connects[k + 1], "conn_id"), k + 2);
    const double delay_ms =
        static_cast<double>(i64(*connects[k + 1], "recv_ns") - i64(*disconnects[k], "recv_ns")) /
        1e6;
    const double expected = expected_backoff_ms(static_cast<int>(k), 250, kBackoffMaxMs);
    delays += (k ? ", " : "") + std::to_string(static_cast<int>(delay_ms));
    EXPECT_GE(delay_ms, 0.8 * expected) << "reconnect " << k + 1 << " came too early";
    EXPECT_LE(delay_ms, 1.2 * expected + 1000) << "reconnect " << k + 1 << " came too late";
  }
  report_figure("disconnect-to-connect ms", delays);

  const ToolRun replay = run_tool("depthrec-replay", {run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
}

// The server goes silent (stall:10 s) on an open connection. Proves: depthrec notices within
// --stall-timeout-ms (measured from the last depth event received to the disconnect record),
// counts the stall and the reconnect, and records every event of the new connection.
TEST_F(FaultConnection, StallIsDetectedWithinTheStallTimeout) {
  constexpr int kStallTimeoutMs = 1000;
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200",
                 "--start-on-subscribe", "--fault", "stall@200:10"});
  RecorderRun run = start_recorder(
      sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1", "--stall-timeout-ms",
            std::to_string(kStallTimeoutMs), "--backoff-max-ms", "500"});
  // No /sim/pause here: a paused feed would stall the new connection too (1 s timeout).
  ASSERT_TRUE(wait_for_sim_events(sim, 2, 100)) << run.process->output();
  const auto stats = sim.stats();  // connection 1 is closed: its count is final
  ASSERT_TRUE(wait_for_recorded(run, 2, sim_depth_sent(stats, 2)));
  const auto metrics = stop_and_read_metrics(run);

  const auto records = read_records(run.data_dir());
  const auto before = depth_records(records, 1);
  EXPECT_EQ(before.size(), sim_depth_sent(stats, 1)) << "the stalled connection lost nothing";
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  ASSERT_FALSE(before.empty());
  EXPECT_NE(str(*disconnects[0], "reason").find("stalled"), std::string::npos);
  const double detect_ms =
      static_cast<double>(i64(*disconnects[0], "recv_ns") - i64(*before.back(), "recv_ns")) / 1e6;
  report_figure("stall-to-disconnect ms", detect_ms);
  EXPECT_GE(detect_ms, kStallTimeoutMs);
  EXPECT_LE(detect_ms, kStallTimeoutMs + 500);  // + scheduling on a loaded machine
  const auto connects = records_of_type(records, "connect");
  ASSERT_EQ(connects.size(), 2u);
  const double reconnect_ms =
      static_cast<double>(i64(*connects[1], "recv_ns") - i64(*before.back(), "recv_ns")) / 1e6;
  report_figure("stall-to-reconnect ms", reconnect_ms);
  EXPECT_LE(reconnect_ms, kStallTimeoutMs + 500 + 250 * 1.2 + 500);
  EXPECT_EQ(metric_u64(metrics, nullptr, "stalls"), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 1u);
  EXPECT_EQ(records_with_reason(records, "gap", "reconnect").size(), 1u);
}

// The server pings every 0.2 s and closes a connection without a pong within 1 s. Proves:
// depthrec answers every ping (the simulator counts the pongs) and the connection stays up.
TEST_F(FaultConnection, ServerPingsAreAnsweredAndTheConnectionStaysUp) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "50", "--ping-interval-sec",
                 "0.2", "--pong-timeout-sec", "1"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full"});
  ASSERT_TRUE(wait_until(
      [&] {
        const auto stats = sim.stats();
        const auto* connection = sim_connection(stats, 1);
        return connection && u64(*connection, "pings_sent") >= 25;  // about 5 s
      },
      seconds(30)));
  const auto stats = sim.stats();
  const auto* connection = sim_connection(stats, 1);
  ASSERT_NE(connection, nullptr);
  report_figure("pings sent / pongs received",
                std::to_string(u64(*connection, "pings_sent")) + " / " +
                    std::to_string(u64(*connection, "pongs_received")));
  EXPECT_TRUE((*connection)["open"].GetBool()) << str(*connection, "close_reason");
  EXPECT_GE(u64(*connection, "pongs_received") + 1, u64(*connection, "pings_sent"));
  EXPECT_EQ(sim_connection_count(stats), 1u);
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  const auto records = read_records(run.data_dir());
  EXPECT_TRUE(records_of_type(records, "disconnect").empty());
}

// The server stops counting pongs (ignore_pong) and closes the connection with 1008 "pong
// timeout". Proves: the close is recorded with its code and reason, and depthrec reconnects.
TEST_F(FaultConnection, PongTimeoutCloseIsRecordedAndReconnected) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100", "--ping-interval-sec",
                 "0.2", "--pong-timeout-sec", "1", "--fault", "ignore_pong@50"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_for_sim_events(sim, 2, 50)) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto records = read_records(run.data_dir());
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_GE(disconnects.size(), 1u);
  EXPECT_EQ(u64(*disconnects[0], "code"), 1008u);
  EXPECT_NE(str(*disconnects[0], "reason").find("pong timeout"), std::string::npos);
  EXPECT_GE(metric_u64(metrics, "continuity", "reconnects"), 1u);
  EXPECT_FALSE(depth_records(records, 2).empty());
}

// How the server ends the connection, and what the disconnect record must say.
struct EndingCase {
  const char* fault;
  const char* reason_prefixes;  // '|'-separated: any of them
  int code;                     // the close code in the record, 0 for none (null)
  // Events at the end of the first connection an abrupt ending may take with it (never more:
  // breaks stay 0 and the one reconnect gap marks them). A drop may swallow the last event
  // written. A reset (RST) makes the kernel purge the socket's unread receive queue, so it takes
  // every event not yet read: at 200 events/s a recorder 50 ms behind (a loaded machine) loses 10.
  std::uint64_t may_lose;
};

void PrintTo(const EndingCase& c, std::ostream* out) {
  *out << c.fault;
}

class FaultConnectionEnding : public FaultTest, public ::testing::WithParamInterface<EndingCase> {};

bool starts_with_any(const std::string& text, const std::string& prefixes) {
  std::size_t start = 0;
  while (start <= prefixes.size()) {
    const std::size_t end = std::min(prefixes.find('|', start), prefixes.size());
    if (text.compare(0, end - start, prefixes, start, end - start) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Proves, for each way a server ends a connection: depthrec records the disconnect (cause,
// code), marks the reconnect gap, reconnects once, keeps every event received on both
// connections, and the book resyncs.
TEST_P(FaultConnectionEnding, IsRecordedAndReconnected) {
  const EndingCase& c = GetParam();
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200",
                 "--start-on-subscribe", "--fault", std::string(c.fault) + "@150"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_for_sim_events(sim, 2, 100)) << run.process->output();
  ASSERT_TRUE(sim.get("/sim/pause"));
  const auto stats = sim.stats();
  ASSERT_TRUE(wait_for_recorded(run, 2, sim_depth_sent(stats, 2)));
  const auto metrics = stop_and_read_metrics(run);
  const auto records = read_records(run.data_dir());

  const std::uint64_t sent_first = sim_depth_sent(stats, 1);
  const std::uint64_t recorded_first = depth_records(records, 1).size();
  report_figure("conn 1 sent / recorded",
                std::to_string(sent_first) + " / " + std::to_string(recorded_first));
  EXPECT_EQ(sent_first, 150u);
  EXPECT_LE(recorded_first, sent_first);
  EXPECT_GE(recorded_first + c.may_lose, sent_first);
  EXPECT_EQ(depth_records(records, 2).size(), sim_depth_sent(stats, 2));
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  const std::string reason = str(*disconnects[0], "reason");
  report_figure("disconnect reason", reason);
  EXPECT_TRUE(starts_with_any(reason, c.reason_prefixes)) << reason;
  EXPECT_EQ(u64(*disconnects[0], "code"), static_cast<std::uint64_t>(c.code));
  EXPECT_EQ(records_with_reason(records, "gap", "reconnect").size(), 1u);
  EXPECT_EQ(records_with_reason(records, "resync", "reconnect").size(), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  if (std::string(c.fault) == "server_shutdown") {
    EXPECT_EQ(metric_at(metrics, {"integrity", "control_frames"}), 1u)
        << "the serverShutdown event";
  }
}

INSTANTIATE_TEST_SUITE_P(Endings, FaultConnectionEnding,
                         ::testing::Values(EndingCase{"drop", "network_error|tls_error", 0, 1},
                                           EndingCase{"reset", "network_error|tls_error", 0, 10},
                                           EndingCase{"close", "remote_close", 1001, 0},
                                           EndingCase{"server_shutdown", "remote_close", 1001, 0}),
                         [](const ::testing::TestParamInfo<EndingCase>& info) {
                           return std::string(info.param.fault);
                         });

}  // namespace
}  // namespace itest::faults_connection

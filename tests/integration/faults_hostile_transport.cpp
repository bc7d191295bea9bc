// Fault matrix, a hostile server at the transport level (issue 18: 3, 7, 11, 12, 14): pings that
// must not hide a stalled stream, a ping flood from a peer that never reads the pongs, a flood of
// server events, peer text that must reach the log quoted and bounded, and failures that must be
// reported as what happened. depthsim plays the exchange where it can; HostileServer
// (faults_hostile_server.hpp) plays a peer no correct server would be.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "faults_hostile_server.hpp"
#include "faults_support.hpp"

namespace itest::faults_hostile_transport {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Every text log depthrec wrote into `run`'s logs/ directory, concatenated.
std::string read_logs(const RecorderRun& run) {
  std::string all;
  const std::string dir = run.dir + "/logs";
  if (DIR* handle = ::opendir(dir.c_str())) {
    while (const dirent* entry = ::readdir(handle)) {
      if (entry->d_name[0] != '.') all += read_file(dir + "/" + entry->d_name);
    }
    ::closedir(handle);
  }
  return all;
}

std::size_t count_lines_with(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    count += line.find(needle) != std::string::npos;
  return count;
}

// Answers a REST request (snapshot, server time) with `status` and `body`; false (nothing sent)
// when the connection is a WebSocket upgrade.
bool answered_rest(HostileServer::Peer& peer, int status, std::string_view body) {
  if (!peer.request().websocket_key.empty()) return false;
  peer.send_http(status, body);
  return true;
}

// Accepts the WebSocket upgrade; true for the first connection only, where the script misbehaves.
// Later ones (depthrec's reconnects) are held open, quiet and unread, until depthrec leaves.
bool first_connection_upgraded(HostileServer::Peer& peer, std::atomic<int>& ws_connections) {
  if (!peer.upgrade()) return false;
  if (++ws_connections == 1) return true;
  peer.wait_peer_closed(60'000);
  return false;
}

// Depth flags for a recorder pointed at a HostileServer (plain ws, REST on the same port).
std::vector<std::string> hostile_flags(const HostileServer& server,
                                       std::vector<std::string> extra) {
  std::vector<std::string> args = {"--endpoint",           server.ws_endpoint(), "--rest-endpoint",
                                   server.http_endpoint(), "--print-interval",   "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// --- 3. Stall detection must not be defeated by pings -----------------------------------------

class FaultHostileStall : public FaultTest {};

// Spot Binance pings every 20 s, under the default 30 s stall timeout; here the simulator pings
// every 0.2 s against a 1 s timeout and stops the events 0.1 s into the connection (stall:10),
// pinging on (as a live socket without data does). Proves: the stall is judged on market data,
// so it is detected within the timeout although pings keep arriving and are answered.
TEST_F(FaultHostileStall, PingsDoNotHideAStreamWithoutMarketData) {
  constexpr int kStallTimeoutMs = 1000;
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "200",
                 "--start-on-subscribe", "--ping-interval-sec", "0.2", "--pong-timeout-sec", "5",
                 "--fault", "stall@20:10"});
  RecorderRun run = start_recorder(
      sim, {"--market", "spot", "--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
            "--stall-timeout-ms", std::to_string(kStallTimeoutMs), "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_for_sim_events(sim, 2, 50, seconds(20)))
      << "no new connection: the stall was never detected\n"
      << run.process->output();
  ASSERT_TRUE(wait_for_sim_closed(sim, 1));
  const auto stats = sim.stats();
  const auto* first = sim_connection(stats, 1);
  ASSERT_NE(first, nullptr);
  const std::uint64_t pings = u64(*first, "pings_sent");
  const std::uint64_t pongs = u64(*first, "pongs_received");
  report_figure("conn 1 events / pings sent / pongs received",
                std::to_string(sim_depth_sent(stats, 1)) + " / " + std::to_string(pings) + " / " +
                    std::to_string(pongs));
  // The events stopped after ~0.1 s: nearly all these pings came during the stall.
  EXPECT_GE(pings, 3u) << "the simulator kept pinging the stalled connection";
  EXPECT_GE(pongs + 1, pings) << "and depthrec answered them";

  ASSERT_TRUE(wait_for_recorded(run, 2, 50));
  const auto metrics = stop_and_read_metrics(run);
  const auto records = read_records(run.data_dir());
  const auto before = depth_records(records, 1);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before.size(), sim_depth_sent(stats, 1)) << "the stalled connection lost nothing";
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_GE(disconnects.size(), 1u);
  const std::string reason = str(*disconnects[0], "reason");
  report_figure("disconnect reason", reason);
  EXPECT_NE(reason.find("stalled: no market data for 1000 ms"), std::string::npos) << reason;
  const double detect_ms =
      static_cast<double>(i64(*disconnects[0], "recv_ns") - i64(*before.back(), "recv_ns")) / 1e6;
  report_figure("last event to stall disconnect ms", detect_ms);
  EXPECT_GE(detect_ms, kStallTimeoutMs);
  EXPECT_LE(detect_ms, kStallTimeoutMs + 500);
  EXPECT_GE(metric_u64(metrics, nullptr, "stalls"), 1u);
}

// --- 7. A ping flood from a peer that never reads the pongs -----------------------------------

class FaultHostilePingFlood : public FaultTest {};

// The server floods pings (empty and 125-byte payloads, alternately) and never reads a byte
// after the handshake, with a 4 KiB receive buffer: every pong depthrec owes piles up in its send
// queue. Proves: the queue is bounded (1 MiB, message overhead included) and the connection is
// cut when it is exceeded, counted (send_queue_overflows) and recorded (send_queue_full); the
// recorder's memory stays bounded and it reconnects.
TEST_F(FaultHostilePingFlood, UnreadPongsCutTheConnectionAndMemoryStaysBounded) {
  // Without the bound the queued pongs would reach hundreds of MB: the flood stops there.
  constexpr std::uint64_t kMaxPings = 2'000'000;
  std::atomic<std::uint64_t> pings_sent{0};
  std::atomic<bool> flood_cut{false}, start_flood{false};
  std::atomic<int> ws_connections{0};
  HostileServer server(
      [&](HostileServer::Peer& peer) {
        if (answered_rest(peer, 503, "{\"code\":-1,\"msg\":\"no REST here\"}")) return;
        if (!first_connection_upgraded(peer, ws_connections)) return;
        // The flood starts once the test has measured depthrec's memory before it.
        while (!start_flood && !peer.stopping()) std::this_thread::sleep_for(milliseconds(5));
        const std::string payload(125, 'p');
        for (std::uint64_t i = 0; i < kMaxPings; ++i) {
          if (!peer.send_frame(0x9, i % 2 ? std::string_view(payload) : std::string_view())) {
            flood_cut = !peer.stopping();
            return;
          }
          ++pings_sent;
        }
        peer.wait_peer_closed(60'000);
      },
      4096);
  RecorderRun run = launch_recorder(
      hostile_flags(server, {"--symbol", "BTCUSDT", "--depth", "5", "--backoff-max-ms", "500"}));
  ASSERT_TRUE(wait_until([&] { return ws_connections >= 1; }, seconds(20)));
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document&) { return true; }));
  const long before_kb = proc_status_kb(run.process->pid(), "VmRSS");
  start_flood = true;
  ASSERT_TRUE(wait_until([&] { return flood_cut.load() || pings_sent >= kMaxPings; }, seconds(60)))
      << run.process->output();
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "send_queue_overflows") >= 1;
  })) << run.process->output();
  const long peak_kb = proc_status_kb(run.process->pid(), "VmHWM");
  const long rss_kb = proc_status_kb(run.process->pid(), "VmRSS");
  ASSERT_TRUE(wait_until([&] { return ws_connections >= 2; }, seconds(20))) << "reconnected";
  const auto metrics = stop_and_read_metrics(run);

  report_figure("pings sent before the cut", static_cast<double>(pings_sent.load()));
  report_figure(
      "depthrec VmRSS before / VmHWM, VmRSS after the flood kB",
      std::to_string(before_kb) + " / " + std::to_string(peak_kb) + ", " + std::to_string(rss_kb));
  EXPECT_TRUE(flood_cut) << "depthrec cut the connection";
  EXPECT_LT(pings_sent.load(), kMaxPings);
  ASSERT_GT(before_kb, 0);
  // 1 MiB of queue plus what the allocator (or ASan's quarantine) keeps of the freed pongs.
  EXPECT_LT(peak_kb - before_kb, 32 * 1024) << "memory bounded under the flood";
  EXPECT_EQ(metric_u64(metrics, nullptr, "send_queue_overflows"), 1u);
  const auto records = read_records(run.data_dir());
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_GE(disconnects.size(), 1u);
  const std::string reason = str(*disconnects[0], "reason");
  report_figure("disconnect reason", reason);
  EXPECT_EQ(reason.rfind("send_queue_full: the peer does not read", 0), 0u) << reason;
  EXPECT_GE(metric_u64(metrics, "continuity", "reconnects"), 1u);
}

// --- 11. A flood of server events must not flood the log --------------------------------------

class FaultHostileLogFlood : public FaultTest {};

// The server sends 200,000 serverShutdown events in a row (and then a close). Proves: each is
// counted as a control frame, but the per-frame log line is rate-limited like refused frames.
// What a flood of text frames left: depthrec's final metrics.json and its text logs.
struct FloodOutcome {
  rapidjson::Document metrics;
  std::string logs;
};

// Runs depthrec (--depth 5) against a server whose first connection sends `frames` text frames,
// `frame(i)` for i = 1..frames, and waits until metrics.json satisfies `received`.
FloodOutcome run_text_flood(std::uint64_t frames,
                            const std::function<std::string(std::uint64_t)>& frame,
                            const std::function<bool(const rapidjson::Document&)>& received) {
  std::atomic<int> ws_connections{0};
  HostileServer server([&](HostileServer::Peer& peer) {
    if (answered_rest(peer, 503, "{}")) return;
    if (!first_connection_upgraded(peer, ws_connections)) return;
    for (std::uint64_t i = 1; i <= frames; ++i)
      if (!peer.send_frame(0x1, frame(i))) return;
    peer.wait_peer_closed(60'000);
  });
  RecorderRun run = launch_recorder(hostile_flags(server, {"--symbol", "BTCUSDT", "--depth", "5"}));
  EXPECT_TRUE(wait_for_metrics(run, received, seconds(60))) << run.process->output();
  FloodOutcome outcome;
  outcome.metrics = stop_and_read_metrics(run);
  outcome.logs = read_logs(run);
  return outcome;
}

TEST_F(FaultHostileLogFlood, ServerShutdownFloodIsCountedButRateLimitedInTheLog) {
  constexpr std::uint64_t kEvents = 200'000;
  const FloodOutcome flood = run_text_flood(
      kEvents, [](std::uint64_t) { return "{\"e\":\"serverShutdown\",\"E\":1721347022504}"; },
      [&](const rapidjson::Document& m) {
        return metric_at(m, {"integrity", "control_frames"}) >= kEvents;
      });
  const auto& metrics = flood.metrics;
  const std::string& logs = flood.logs;
  const std::size_t lines = count_lines_with(logs, "server event: serverShutdown");
  report_figure("server events sent / counted / log lines",
                std::to_string(kEvents) + " / " +
                    std::to_string(metric_at(metrics, {"integrity", "control_frames"})) + " / " +
                    std::to_string(lines));
  report_figure("log bytes", static_cast<double>(logs.size()));
  EXPECT_EQ(metric_at(metrics, {"integrity", "control_frames"}), kEvents);
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, 20 + kEvents / 1000);
  EXPECT_LT(logs.size(), 200'000u);
}

// The server sends 20,000 partial-depth events (--depth 5) of which every one breaks continuity
// (pu is never the last u). Proves: every break is counted and marked (breaks, gap records), but
// the per-event "continuity break" log line is rate-limited too.
TEST_F(FaultHostileLogFlood, ContinuityBreakFloodIsCountedButRateLimitedInTheLog) {
  constexpr std::uint64_t kEvents = 20'000;
  const auto broken_event = [](std::uint64_t i) {
    const std::string u = std::to_string(i * 10);
    return "{\"e\":\"depthUpdate\",\"E\":1721347022504,\"T\":1721347022504,\"s\":\"BTCUSDT\","
           "\"U\":" +
           u + ",\"u\":" + u + ",\"pu\":" + std::to_string(i * 10 - 3) +
           ",\"b\":[[\"1.0\",\"1\"]],\"a\":[[\"2.0\",\"1\"]]}";
  };
  const FloodOutcome flood =
      run_text_flood(kEvents, broken_event, [&](const rapidjson::Document& m) {
        return metric_u64(m, nullptr, "total_messages") >= kEvents;
      });
  const auto& metrics = flood.metrics;
  const std::size_t lines = count_lines_with(flood.logs, "continuity break");
  const std::uint64_t breaks = metric_u64(metrics, "continuity", "breaks");
  report_figure(
      "events sent / breaks counted / log lines",
      std::to_string(kEvents) + " / " + std::to_string(breaks) + " / " + std::to_string(lines));
  EXPECT_EQ(breaks, kEvents - 1) << "every event after the first breaks continuity";
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, 20 + kEvents / 1000);
}

// --- 12. Peer text reaches the log quoted and bounded -----------------------------------------

class FaultHostilePeerText : public FaultTest {};

// Where the first byte outside printable ASCII is in `line`; npos when there is none.
std::size_t first_raw_byte(const std::string& line) {
  const auto found = std::find_if(line.begin(), line.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte >= 0x7f;
  });
  return found == line.end() ? std::string::npos : static_cast<std::size_t>(found - line.begin());
}

// The server sends a depth frame whose stream name is 900 KB (with an ESC in it), an event type
// that is a terminal title sequence, a refused frame with raw control bytes (after one good event),
// then closes with a
// reason of ESC/BEL and invalid UTF-8; REST answers 500 with a body that would retitle a
// terminal. Proves: every log line (file and stderr) is printable ASCII and short, the peer's
// bytes appear escaped, and the disconnect record quotes the close reason the same way.
TEST_F(FaultHostilePeerText, IsEscapedAndTruncatedInEveryLogLine) {
  const std::string depth =
      "{\"e\":\"depthUpdate\",\"E\":1721347022504,\"T\":1721347022504,\"s\":\"BTCUSDT\","
      "\"U\":10,\"u\":11,\"pu\":9,\"b\":[[\"1.0\",\"1\"]],\"a\":[[\"2.0\",\"1\"]]}";
  const std::string long_stream = std::string(900 * 1024, 's') + "\\u001b[2J";
  std::atomic<int> ws_connections{0};
  HostileServer server([&](HostileServer::Peer& peer) {
    if (answered_rest(peer, 500, "\x1b]0;pwned\x07\x1b[2J server error")) return;
    if (!first_connection_upgraded(peer, ws_connections)) return;
    // One event of the stream (its snapshot request gets the hostile REST body), then the rest.
    peer.send_frame(0x1, "{\"stream\":\"btcusdt@depth@100ms\",\"data\":" + depth + "}");
    peer.send_frame(0x1, "{\"stream\":\"" + long_stream + "\",\"data\":" + depth + "}");
    peer.send_frame(0x1, "{\"e\":\"\\u001b]0;title\\u0007\",\"E\":1}");
    peer.send_frame(0x1, "{\"e\":\"depthUpdate\x1b[31m\x07");
    peer.send_close(1001, "\x1b]0;owned\x07\xff\xfe");
    peer.wait_peer_closed(5'000);
  });
  RecorderRun run = launch_recorder(
      hostile_flags(server, {"--symbol", "BTCUSDT", "--depth", "full", "--backoff-max-ms", "500"}));
  ASSERT_TRUE(wait_until([&] { return ws_connections >= 2; }, seconds(30)))
      << run.process->output();
  ASSERT_TRUE(wait_until(
      [&] { return read_logs(run).find("snapshot request failed: HTTP 500") != std::string::npos; },
      seconds(30)))
      << read_logs(run);
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_at(m, {"integrity", "other_stream_frames"}) >= 2;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "total"}), 1u);

  std::size_t longest = 0, lines = 0;
  for (const std::string& text : {read_logs(run), run.process->output()}) {
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line); ++lines) {
      longest = std::max(longest, line.size());
      const std::size_t raw = first_raw_byte(line);
      EXPECT_EQ(raw, std::string::npos) << "a raw byte in a log line: " << line.substr(0, raw);
    }
  }
  report_figure("log lines checked / longest line bytes",
                std::to_string(lines) + " / " + std::to_string(longest));
  EXPECT_LT(longest, 1024u);
  const std::string logs = read_logs(run);
  EXPECT_NE(logs.find("unexpected stream " + std::string(64, 's') + "... (921604 bytes)"),
            std::string::npos);
  EXPECT_NE(logs.find("unexpected event type '\\x1b]0;title\\x07'"), std::string::npos);
  EXPECT_NE(logs.find("depthUpdate\\x1b[31m\\x07"), std::string::npos);
  for (const char* request : {"snapshot request", "server time request"}) {
    EXPECT_NE(logs.find(std::string(request) +
                        " failed: HTTP 500: \\x1b]0;pwned\\x07\\x1b[2J server error"),
              std::string::npos)
        << request;
  }

  const auto records = read_records(run.data_dir());
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_GE(disconnects.size(), 1u);
  const std::string reason = str(*disconnects[0], "reason");
  report_figure("disconnect reason", reason);
  EXPECT_EQ(reason, "remote_close: \\x1b]0;owned\\x07\\xff\\xfe");
}

// --- 14. Failures reported as what happened -----------------------------------------------------

class FaultHostileMessages : public FaultTest {};

// The output names what happened (`named`) and no longer says `misleading`.
void expect_named(const std::string& output, const std::string& named,
                  const std::string& misleading) {
  const std::size_t at = output.find(named);
  EXPECT_NE(at, std::string::npos) << output;
  if (at != std::string::npos) {
    const std::size_t line = output.rfind('\n', at) + 1;
    report_figure("message", output.substr(line, output.find('\n', at) - line));
  }
  EXPECT_EQ(output.find(misleading), std::string::npos) << output;
}

// Runs depthrec (--depth 5) against `server` until its output holds `wanted` (or 30 s pass), then
// stops it; returns the output (stdout and stderr, where warnings and errors are echoed).
std::string output_once_it_says(const HostileServer& server, const std::string& wanted) {
  RecorderRun run = launch_recorder(
      hostile_flags(server, {"--symbol", "BTCUSDT", "--depth", "5", "--backoff-max-ms", "500"}));
  wait_until([&] { return run.process->output().find(wanted) != std::string::npos; }, seconds(30));
  stop_and_read_metrics(run);
  return run.process->output();
}

// The server answers the upgrade with 101 and every header, but a Sec-WebSocket-Accept that is
// not the one for the key sent. Proves: the failure names the header and the value (websocketpp
// says "A required HTTP header is missing").
TEST_F(FaultHostileMessages, WrongSecWebSocketAcceptIsNamed) {
  HostileServer server([](HostileServer::Peer& peer) {
    if (answered_rest(peer, 503, "{}")) return;
    peer.upgrade("bm90IHRoZSByaWdodCBrZXk=");
  });
  expect_named(output_once_it_says(server, "does not match the key sent"),
               "the server's Sec-WebSocket-Accept 'bm90IHRoZSByaWdodCBrZXk=' does not match the "
               "key sent",
               "A required HTTP header is missing");
}

// The server answers the upgrade with a 10 MB header. Proves: the failure says the response was
// unreadable and why (websocketpp's parser stops at 16000 bytes; it reports "Generic error").
TEST_F(FaultHostileMessages, HugeHandshakeHeaderIsNamed) {
  HostileServer server([](HostileServer::Peer& peer) {
    if (answered_rest(peer, 503, "{}")) return;
    peer.send("HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + std::string(10 << 20, 'x') +
              "\r\n\r\n");
  });
  expect_named(output_once_it_says(server, "unreadable HTTP upgrade response"),
               "unreadable HTTP upgrade response: Maximum header size exceeded", "Generic error");
}

// /fapi/v1/time answers HTTP 200 with an HTML page. Proves: the warning says the answer is not
// JSON and quotes it ("server time request failed: HTTP 200" before), and recording goes on.
TEST_F(FaultHostileMessages, BadServerTimeAnswerIsNamed) {
  HostileServer server([](HostileServer::Peer& peer) {
    if (answered_rest(peer, 200, "<html>maintenance</html>")) return;
    if (peer.upgrade()) peer.wait_peer_closed(60'000);
  });
  expect_named(output_once_it_says(server, "server time answer"),
               "server time answer (HTTP 200) is not a JSON object: <html>maintenance</html>",
               "failed: HTTP 200");
}

// --data-dir is a symbolic link to a directory that does not exist. Proves: the error names the
// link and its missing target (the OS says "File exists"), exit status 1.
TEST_F(FaultHostileMessages, DanglingDataDirectorySymlinkIsNamed) {
  const std::string dir = make_temp_dir("depthrec-dangling");
  ASSERT_EQ(::symlink((dir + "/nowhere").c_str(), (dir + "/data").c_str()), 0);
  RecorderRun run = launch_recorder({"--symbol", "BTCUSDT", "--depth", "5"}, dir);
  const auto code = run.process->wait_exit(seconds(20));
  ASSERT_TRUE(code.has_value()) << "depthrec kept running";
  EXPECT_EQ(*code, 1);
  expect_named(run.process->output(),
               dir + "/data is a symbolic link to '" + dir + "/nowhere', which does not exist",
               "File exists");
}

}  // namespace
}  // namespace itest::faults_hostile_transport

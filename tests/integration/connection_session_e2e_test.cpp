// Three depth streams on one connection against depthsim, end to end in-process (issue 12): one
// WsClient on a NetworkLoop, one ConnectionSession routing the combined stream's frames by name to
// three FeedSessions that sync from real snapshots (RestScheduler). The client rolls over
// (make-before-break) every 1.5 s: each stream joins the successor on its own, the old connection
// is retired once per rollover when all three have joined, every stream's book stays continuous
// (no gap, one sync), and the connect/disconnect records are written once per connection.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <thread>

#include "depthrec/frame_parser.hpp"
#include "e2e_support.hpp"
#include "session/connection_session.hpp"
#include "transport/clock.hpp"
#include "transport/network_loop.hpp"
#include "transport/rest_scheduler.hpp"
#include "transport/ws_client.hpp"

namespace itest::connection_session_e2e_test {
namespace {

using namespace std::chrono_literals;
using namespace depthrec;

struct Record {
  std::string symbol;
  rapidjson::Document doc;
};

TEST(ConnectionSessionE2E, ThreeStreamsOnOneConnectionRollOverTogetherWithoutABreak) {
  const std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--rate", "100",
                 "--seed", "21"});
  transport::NetworkLoop loop;
  std::unique_ptr<transport::WsClient> ws;
  transport::RestClientConfig rest;
  rest.ca_file = sim.ca_file();
  transport::RestScheduler fetcher(rest, {transport::RestBudgetConfig{}});
  std::vector<Record> records;  // written on the loop thread, read after it stopped
  const auto write = [&](std::string& line, const RecordContext& context, bool) {
    line.pop_back();
    Record& r = records.emplace_back();
    r.symbol = context.symbol;
    r.doc.Parse(line.c_str());
    line.clear();
    return session::PushInfo{};
  };
  const auto schedule = [&](std::chrono::milliseconds delay, std::function<void()> fn) {
    ws->schedule(delay, std::move(fn));
  };

  std::string streams;
  for (const auto& s : symbols) {
    std::string lower = s;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    streams += (streams.empty() ? "" : "/") + lower + "@depth@100ms";
  }
  session::ConnectionHooks connection_hooks;
  connection_hooks.write = write;
  connection_hooks.schedule = schedule;
  connection_hooks.retire = [&](std::uint64_t old_conn) { ws->retire(old_conn, "rolled over"); };
  connection_hooks.abandon_successor = [&](std::uint64_t conn, const std::string& reason) {
    ws->abandon_successor(conn, reason);
  };
  session::ConnectionSession connection(
      {sim.ws_endpoint() + "/stream?streams=" + streams, 5000ms, {}}, std::move(connection_hooks));

  std::map<std::string, RecorderConfig> configs;
  std::map<std::string, std::unique_ptr<FeedMetrics>> metrics;
  std::map<std::string, std::unique_ptr<session::FeedSession>> feeds;
  for (const auto& s : symbols) {
    RecorderConfig& config = configs[s];
    config.market = Market::usdm;
    config.symbol = s;
    config.depth_levels = 0;
    config.speed = "100ms";
    config.rest_endpoint = sim.rest_endpoint();
    metrics[s] = std::make_unique<FeedMetrics>(
        StreamKey{Market::usdm, s, depth_stream_name(s, {0, "100ms"})}, 0);
    session::SessionHooks hooks;
    hooks.write = write;
    hooks.schedule = schedule;
    hooks.request_snapshot = [&, s](bool resync) {
      fetcher.request(
          {0, resync ? transport::RestPriority::resync : transport::RestPriority::initial,
           snapshot_url(configs[s]), snapshot_weight(Market::usdm, 1000)},
          [&, s](transport::HttpResponse response) {
            auto answer = std::make_shared<session::RestAnswer>();
            answer->status = response.status;
            answer->body = std::move(response.body);
            answer->error = std::move(response.error);
            answer->sent_ns = response.sent_ns;
            answer->received_ns = response.received_ns;
            loop.post([&, s, answer] { feeds[s]->on_snapshot_answer(*answer); });
          });
    };
    feeds[s] = std::make_unique<session::FeedSession>(config, *metrics[s], std::move(hooks));
    ASSERT_TRUE(connection.add_feed(*feeds[s]));
  }

  transport::WsClientConfig ws_config;
  ws_config.url = sim.ws_endpoint() + "/stream?streams=" + streams;
  ws_config.ca_file = sim.ca_file();
  ws_config.max_connection_age = 1500ms;
  ws_config.rollover_timeout = 10s;
  FrameParser parser;
  Frame frame;
  transport::WsEvents events;
  events.on_open = [&](std::uint64_t id) { connection.on_open(id, transport::now_ns()); };
  events.on_frame = [&](std::uint64_t id, std::string_view payload, bool, std::int64_t recv_ns) {
    if (parser.parse(payload, frame) != ParseError::none) {
      connection.on_refused_frame(id);
      return;
    }
    connection.route(id, frame, payload.size(), recv_ns);
  };
  events.on_close = [&](std::uint64_t id, const transport::CloseInfo& info) {
    if (info.cause == transport::CloseCause::stopped) return;
    connection.on_close(id, transport::to_string(info.cause),
                        info.code ? std::optional<int>(info.code) : std::nullopt,
                        transport::now_ns());
  };
  events.on_successor_open = [&](std::uint64_t id, std::uint64_t replaced) {
    connection.on_successor_open(id, replaced, transport::now_ns());
  };
  events.on_rollover_failed = [&](std::uint64_t id, const std::string& reason) {
    connection.on_rollover_failed(id, reason, transport::now_ns());
  };
  ws = std::make_unique<transport::WsClient>(loop, ws_config, std::move(events));
  ws->start();
  std::thread network([&] { loop.run(); });
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (ws->stats().rollovers < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ws->stop();
  while (!ws->finished() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  loop.stop();
  network.join();
  fetcher.stop();

  const transport::WsClientStats stats = ws->stats();
  ASSERT_GE(stats.rollovers, 3u);
  EXPECT_EQ(stats.rollover_fallbacks, 0u);
  EXPECT_EQ(connection.counters().rollovers, stats.rollovers);
  EXPECT_EQ(connection.counters().stream_fallbacks, 0u);
  std::map<std::string, std::size_t> of_type;
  for (const Record& r : records) ++of_type[r.doc["type"].GetString()];
  EXPECT_EQ(of_type["connect"], stats.connects) << "once per connection, not once per stream";
  EXPECT_GE(of_type["disconnect"] + 1, stats.rollovers);  // the last one may still be closing
  EXPECT_EQ(of_type["gap"], 0u);
  EXPECT_EQ(of_type["resync"], 3u) << "each book synced once and stayed synced";
  for (const auto& s : symbols) {
    const FeedCounters c = metrics[s]->snapshot(transport::now_ns()).run.counters;
    EXPECT_EQ(c.rollovers, stats.rollovers) << s << " joined every successor on its own";
    EXPECT_EQ(c.breaks, 0u) << s;
    EXPECT_TRUE(feeds[s]->sync().book_valid()) << s;
    // Its depth lines chain (pu == previous u) across every rollover.
    std::uint64_t last_u = 0, chained = 0, lines = 0;
    bool synced = false;
    for (const Record& r : records) {
      if (r.symbol != s) continue;
      const std::string type = r.doc["type"].GetString();
      if (type == "resync") synced = true;
      if (type != "depth" || !synced) continue;
      ++lines;
      if (last_u != 0 && r.doc["pu"].GetUint64() == last_u) ++chained;
      last_u = r.doc["u"].GetUint64();
    }
    EXPECT_GT(lines, 100u) << s;
    EXPECT_EQ(chained + 1, lines) << s << ": every line after the sync continues the one before";
    report_figure(s + " depth lines after sync / chained / rollovers joined",
                  std::to_string(lines) + " / " + std::to_string(chained) + " / " +
                      std::to_string(c.rollovers));
  }
  report_figure("rollovers / connects / connect records",
                std::to_string(stats.rollovers) + " / " + std::to_string(stats.connects) + " / " +
                    std::to_string(of_type["connect"]));
}

}  // namespace
}  // namespace itest::connection_session_e2e_test

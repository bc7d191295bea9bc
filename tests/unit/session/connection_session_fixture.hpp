// The fixture of ConnectionSession's tests (connection_session*_test.cpp): depth feeds on one or
// two connections without a network, frames in, records, snapshot requests, timers, retire and
// abandon requests out. In a named namespace: the test files share one fixture class (gtest
// requires one per suite name).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session/connection_session.hpp"

namespace depthrec::session::connection_fixture {

inline constexpr std::int64_t kSessionT0 = 1'700'000'000'000'000'000;
inline const char* const kUrl = "wss://127.0.0.1/stream?streams=many";

struct Written {
  std::string symbol;  // the record context's
  std::uint64_t conn_id = 0;
  std::uint32_t stream_id = 0;  // the writer's id of the record's stream
  rapidjson::Document doc;
};

// One depth feed (usdm, full book @100ms) with its own config, metrics and snapshot requests.
struct Feed {
  RecorderConfig config;
  std::unique_ptr<FeedMetrics> metrics;
  std::unique_ptr<FeedSession> session;
  int snapshot_requests = 0;
};

class ConnectionSessionTest : public ::testing::Test {
 protected:
  // `symbols` on connection `connection` (0 or 1; two connections for the disconnect test).
  // `in_successor_url` false: added while a successor connects with the URL of before.
  void add_feeds(const std::vector<std::string>& symbols, std::size_t conn_index = 0,
                 std::size_t max_buffered = 20'000, bool in_successor_url = true) {
    for (const std::string& symbol : symbols) {
      auto feed = std::make_unique<Feed>();
      feed->config.market = Market::usdm;
      feed->config.symbol = symbol;
      feed->config.depth_levels = 0;
      feed->config.speed = "100ms";
      feed->config.max_buffered_events = max_buffered;
      feed->metrics = std::make_unique<FeedMetrics>(
          StreamKey{Market::usdm, symbol, depth_stream_name(symbol, {0, "100ms"})}, 0);
      SessionHooks hooks;
      hooks.request_snapshot = [f = feed.get()](bool) { ++f->snapshot_requests; };
      hooks.write = writer();
      hooks.schedule = [](std::chrono::milliseconds, std::function<void()>) {};
      feed->session = std::make_unique<FeedSession>(feed->config, *feed->metrics, std::move(hooks));
      EXPECT_TRUE(connection(conn_index).add_feed(*feed->session, in_successor_url));
      feeds_[symbol] = std::move(feed);
    }
  }

  ConnectionSession& connection(std::size_t index) {
    while (connections_.size() <= index) {
      ConnectionHooks hooks;
      hooks.write = writer();
      hooks.request_server_time = [this] { ++server_time_requests_; };
      hooks.schedule = [this](std::chrono::milliseconds, std::function<void()> fn) {
        scheduled_.push_back(std::move(fn));
      };
      hooks.retire = [this](std::uint64_t id) { retired_.push_back(id); };
      hooks.abandon_successor = [this](std::uint64_t id, const std::string&) {
        abandoned_.push_back(id);
      };
      connections_.push_back(std::make_unique<ConnectionSession>(
          ConnectionSessionConfig{kUrl, std::chrono::milliseconds(20'000), connections_stream_id_},
          std::move(hooks)));
    }
    return *connections_[index];
  }

  std::function<PushInfo(std::string&, const RecordContext&, bool)> writer() {
    return [this](std::string& line, const RecordContext& context, bool) {
      EXPECT_EQ(line.back(), '\n');
      line.pop_back();
      Written w;
      w.symbol = context.symbol;
      w.conn_id = context.conn_id;
      w.stream_id = context.stream_id;
      w.doc.Parse(line.c_str());
      EXPECT_FALSE(w.doc.HasParseError()) << line;
      written_.push_back(std::move(w));
      line.clear();
      return PushInfo{0, 0};
    };
  }

  // Event n of `symbol`'s stream: ids 10n+1..10n+10, pu = 10n.
  static std::string event(const std::string& symbol, std::uint64_t n,
                           const std::string& stream_symbol = "") {
    std::string lower = stream_symbol.empty() ? symbol : stream_symbol;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return R"({"stream":")" + lower +
           R"(@depth@100ms","data":{"e":"depthUpdate","E":1700000000000,"T":1700000000000,"s":")" +
           symbol + R"(","U":)" + std::to_string(10 * n + 1) + R"(,"u":)" +
           std::to_string(10 * n + 10) + R"(,"pu":)" + std::to_string(10 * n) +
           R"(,"b":[["100.0","1.0"]],"a":[["101.0","2.0"]]}})";
  }

  RouteResult send(std::size_t conn_index, std::uint64_t conn_id, const std::string& text) {
    Frame frame;
    EXPECT_EQ(parser_.parse(text, frame), ParseError::none) << text;
    now_ += 1'000'000;
    return connection(conn_index).route(conn_id, frame, text.size(), now_);
  }

  // Syncs `symbol` on connection `conn_id` (snapshot at event 3) and sends events 3..last.
  void sync_through(const std::string& symbol, std::uint64_t conn_id, std::uint64_t last,
                    std::size_t conn_index = 0) {
    ASSERT_EQ(send(conn_index, conn_id, event(symbol, 3)), RouteResult::depth);
    RestAnswer answer;
    answer.status = 200;
    answer.body =
        R"({"lastUpdateId":35,"E":1700000000001,"T":1700000000001,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
    answer.received_ns = now_;
    feeds_[symbol]->session->on_snapshot_answer(answer);
    ASSERT_TRUE(feeds_[symbol]->session->sync().book_valid()) << symbol;
    for (std::uint64_t n = 4; n <= last; ++n) send(conn_index, conn_id, event(symbol, n));
  }

  // BTCUSDT and ETHUSDT (held-event bound 2) synced on connection 1; successor 2 opens.
  void start_rollover_of_two_synced_feeds() {
    add_feeds({"BTCUSDT", "ETHUSDT"}, 0, 2);
    connection(0).on_open(1, now_);
    sync_through("BTCUSDT", 1, 10);
    sync_through("ETHUSDT", 1, 10);
    connection(0).on_successor_open(2, 1, now_);
  }

  std::vector<const Written*> of_type(const char* type, const std::string& symbol = "") const {
    std::vector<const Written*> out;
    for (const Written& w : written_)
      if (std::string(w.doc["type"].GetString()) == type && (symbol.empty() || w.symbol == symbol))
        out.push_back(&w);
    return out;
  }

  FeedSession& feed(const std::string& symbol) { return *feeds_[symbol]->session; }
  FeedCounters counters(const std::string& symbol) {
    return feeds_[symbol]->metrics->snapshot(kSessionT0 * 2).run.counters;
  }

  std::map<std::string, std::unique_ptr<Feed>> feeds_;
  std::vector<std::unique_ptr<ConnectionSession>> connections_;
  std::vector<Written> written_;
  std::vector<std::function<void()>> scheduled_;
  std::vector<std::uint64_t> retired_, abandoned_;
  int server_time_requests_ = 0;
  std::optional<std::uint32_t> connections_stream_id_;  // set: a many-stream run's connections
  FrameParser parser_;
  std::int64_t now_ = kSessionT0;
};

}  // namespace depthrec::session::connection_fixture

// The fixture of FeedSession's rollover tests (feed_session_rollover*_test.cpp): one feed on a
// ConnectionSession of one stream, as in the recorder, two connections' frames in, records,
// snapshot requests, retire/abandon requests and metrics out. In a named namespace: the test
// files share one fixture class (gtest requires one per suite name).
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "session/connection_session.hpp"
#include "session/feed_session.hpp"

namespace depthrec::session::rollover_fixture {

inline constexpr std::int64_t kRolloverT0 = 1'700'000'000'000'000'000;

class RolloverTest : public ::testing::Test {
 protected:
  void make_session(Market market, std::size_t max_buffered = 20'000) {
    market_ = market;
    config_.market = market;
    config_.symbol = "BTCUSDT";
    config_.depth_levels = 0;
    config_.speed = "100ms";
    config_.max_buffered_events = max_buffered;
    metrics_ = std::make_unique<FeedMetrics>(
        StreamKey{market, "BTCUSDT", depth_stream_name("BTCUSDT", {0, "100ms"})}, 0);
    SessionHooks hooks;
    hooks.request_snapshot = [this](bool resync) {
      ++snapshot_requests_;
      snapshot_resyncs_.push_back(resync);
    };
    hooks.cancel_snapshot = [this] { ++snapshot_cancels_; };
    hooks.write = [this](std::string& line, const RecordContext& context, bool) {
      EXPECT_EQ(line.back(), '\n');
      line.pop_back();
      lines_.push_back(line);
      contexts_.push_back(context.conn_id);
      line.clear();
      return PushInfo{0, 0};
    };
    hooks.schedule = [](std::chrono::milliseconds, std::function<void()>) {};
    hooks.log = [](LogLevel, const std::string&) {};
    ConnectionHooks connection_hooks;
    connection_hooks.write = hooks.write;
    connection_hooks.retire = [this](std::uint64_t id) { retired_.push_back(id); };
    connection_hooks.abandon_successor = [this](std::uint64_t id, const std::string&) {
      abandoned_.push_back(id);
    };
    session_ = std::make_unique<FeedSession>(config_, *metrics_, std::move(hooks));
    connection_ = std::make_unique<ConnectionSession>(
        ConnectionSessionConfig{"wss://127.0.0.1/stream", {}, {}}, std::move(connection_hooks));
    connection_->add_feed(*session_);
    connection_->on_open(1, kRolloverT0);
  }

  // Event number n of a continuous stream: futures ids 10n+1..10n+10 with pu = 10n; spot the
  // same U/u without pu.
  std::string event(std::uint64_t n) const {
    const std::uint64_t U = 10 * n + 1, u = 10 * n + 10;
    if (market_ == Market::spot)
      return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000000,"s":"BTCUSDT","U":)" +
             std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"b":[["100.0",")" +
             std::to_string(n) + R"("]],"a":[["101.0","2.0"]]}})";
    return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000000,"T":1700000000000,"s":"BTCUSDT","U":)" +
           std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" +
           std::to_string(10 * n) + R"(,"b":[["100.0",")" + std::to_string(n) +
           R"("]],"a":[["101.0","2.0"]]}})";
  }

  void feed(std::uint64_t conn_id, std::uint64_t n) {
    const std::string text = event(n);
    ASSERT_EQ(parser_.parse(text, frame_), ParseError::none) << text;
    now_ += 1'000'000;
    session_->on_depth(conn_id, frame_, now_, text.size());
  }

  // Syncs connection 1 on a snapshot at event 3's end (u = 40) and feeds events 3..last.
  void sync_through(std::uint64_t last) {
    feed(1, 3);
    RestAnswer answer;
    answer.status = 200;
    answer.body =
        R"({"lastUpdateId":35,"E":1700000000001,"T":1700000000001,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
    answer.sent_ns = kRolloverT0;
    answer.received_ns = kRolloverT0 + 1;
    session_->on_snapshot_answer(answer);
    ASSERT_TRUE(session_->sync().book_valid());
    for (std::uint64_t n = 4; n <= last; ++n) feed(1, n);
  }

  std::vector<rapidjson::Document> records(const char* type) const {
    std::vector<rapidjson::Document> out;
    for (const auto& line : lines_) {
      rapidjson::Document doc;
      doc.Parse(line.c_str());
      EXPECT_FALSE(doc.HasParseError()) << line;
      if (std::string(doc["type"].GetString()) == type) out.push_back(std::move(doc));
    }
    return out;
  }

  // (conn_id, u) of every depth record, in order.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> depth_ids() const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (const auto& doc : records("depth"))
      out.emplace_back(doc["conn_id"].GetUint64(), doc["u"].GetUint64());
    return out;
  }

  // Every event 3..last recorded exactly once, in order.
  void expect_each_event_once(std::uint64_t last) const {
    const auto ids = depth_ids();
    ASSERT_EQ(ids.size(), last - 2);
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i].second, 10 * (i + 3) + 10);
  }

  FeedCounters counters() const { return metrics_->snapshot(kRolloverT0 * 2).run.counters; }

  Market market_ = Market::usdm;
  RecorderConfig config_;
  std::unique_ptr<FeedMetrics> metrics_;
  std::unique_ptr<FeedSession> session_;
  std::unique_ptr<ConnectionSession> connection_;
  FrameParser parser_;
  Frame frame_;
  std::vector<std::string> lines_;
  std::vector<std::uint64_t> contexts_;
  std::vector<std::uint64_t> retired_, abandoned_;
  int snapshot_requests_ = 0;
  std::vector<bool> snapshot_resyncs_;  // by request: true for a resync (the scheduler's priority)
  int snapshot_cancels_ = 0;
  std::int64_t now_ = kRolloverT0;
};

}  // namespace depthrec::session::rollover_fixture

// FeedSession's make-before-break rollover without a network: two connections' frames in,
// records, retire/abandon requests and metrics out. The feed rides a ConnectionSession of one
// stream, as in the recorder (it writes the connect/disconnect records and retires).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "session/connection_session.hpp"
#include "session/feed_session.hpp"

namespace depthrec::session {
namespace {

constexpr std::int64_t kRolloverT0 = 1'700'000'000'000'000'000;

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

TEST_F(RolloverTest, UsdmSuccessorBehindCatchesUpOnTheBooksLastEventAndDropsTheOverlap) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  EXPECT_TRUE(session_->rollover_pending());
  feed(2, 8);  // the book has these
  feed(2, 9);
  EXPECT_TRUE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  feed(2, 10);  // u = 110 == last u: caught up, its next event continues the book
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(session_->active_conn(), 2u);
  feed(2, 11);
  feed(1, 11);  // late on the old connection: ignored
  feed(1, 12);
  feed(2, 12);
  connection_->on_close(1, "rolled_over", std::nullopt, now_);
  feed(2, 13);

  expect_each_event_once(13);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[7], (std::pair<std::uint64_t, std::uint64_t>{1, 110}));  // event 10 from conn 1
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{2, 120}));  // event 11 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["conn_id"].GetUint64(), 2u);
  EXPECT_EQ(connects[1]["rollover_from"].GetUint64(), 1u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 3u);
  EXPECT_GE(connects[1]["rollover_wait_ms"].GetDouble(), 0.0);
  const auto disconnects = records("disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  EXPECT_EQ(disconnects[0]["conn_id"].GetUint64(), 1u);
  EXPECT_STREQ(disconnects[0]["reason"].GetString(), "rolled_over");
  EXPECT_TRUE(records("gap").empty());
  EXPECT_EQ(records("resync").size(), 1u);  // the initial sync only
  EXPECT_EQ(snapshot_requests_, 1);
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.rollover_overlap_events, 3u);
  EXPECT_EQ(c.rollover_fallbacks, 0u);
  EXPECT_EQ(c.breaks, 0u);
  EXPECT_EQ(c.gaps, 0u);
  EXPECT_EQ(c.messages, 11u);
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_EQ(session_->sync().last_final_id(), 140u);
}

TEST_F(RolloverTest, UsdmSuccessorAheadIsHeldUntilTheOldConnectionCatchesUp) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 12);  // pu = 120: the book is at 110
  feed(2, 13);
  EXPECT_TRUE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  feed(1, 11);  // book at 120: the held event 12 joins, 13 follows it
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 12);  // late on the old connection: the successor delivered it
  feed(2, 14);
  expect_each_event_once(14);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{1, 120}));  // event 11 from conn 1
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 0u);
  EXPECT_EQ(counters().breaks, 0u);
}

// What a server sending each event to both connections in turn produces: the successor is always
// one event behind the old connection, never ahead.
TEST_F(RolloverTest, UsdmSuccessorInStepJoinsOnTheFirstEventItShares) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(1, 11);
  EXPECT_TRUE(session_->rollover_pending());
  feed(2, 11);  // the first event it delivers is the book's last: switch
  EXPECT_FALSE(session_->rollover_pending());
  for (std::uint64_t n = 12; n <= 15; ++n) {
    feed(1, n);
    feed(2, n);
  }
  expect_each_event_once(15);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{1, 120}));  // event 11 from conn 1
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  EXPECT_EQ(records("connect")[1]["overlap_events"].GetUint64(), 1u);
  EXPECT_EQ(counters().breaks, 0u);
}

TEST_F(RolloverTest, SpotSuccessorAheadJoinsOnFirstIdRange) {
  make_session(Market::spot);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 12);  // U = 121: the book is at 110, so U > last u + 1: held
  EXPECT_TRUE(session_->rollover_pending());
  feed(1, 11);  // book at 120: U = 121 = last u + 1 joins
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 12);  // late on the old connection
  feed(2, 13);
  connection_->on_close(1, "rolled_over", std::nullopt, now_);
  expect_each_event_once(13);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 0u);
  EXPECT_TRUE(records("gap").empty());
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.breaks, 0u);
  EXPECT_EQ(c.resyncs, 0u);
}

TEST_F(RolloverTest, SuccessorBufferOverflowFallsBackToReconnectAndResync) {
  make_session(Market::usdm, 4);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  // A successor far ahead (a stream the old connection never catches up with here).
  for (std::uint64_t n = 20; n <= 23; ++n) feed(2, n);
  EXPECT_TRUE(abandoned_.empty());
  feed(2, 24);  // a fifth held event: over the bound of 4
  EXPECT_EQ(abandoned_, std::vector<std::uint64_t>{2});
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  EXPECT_EQ(counters().rollover_fallbacks, 1u);
  EXPECT_EQ(session_->active_conn(), 1u);
  feed(2, 25);  // dropped: no longer a successor
  // The transport then cuts the old connection (max_age) and reconnects: the usual path.
  connection_->on_close(1, "max_age: rollover failed", std::nullopt, now_);
  connection_->on_open(3, now_);
  const auto gaps = records("gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_STREQ(gaps[0]["reason"].GetString(), "reconnect");
  feed(3, 30);
  EXPECT_EQ(snapshot_requests_, 2) << "the book resyncs from a new snapshot";
  EXPECT_EQ(depth_ids().size(), 9u);  // events 3..10 and 30: nothing of conn 2 recorded
  EXPECT_EQ(counters().rollovers, 0u);
}

TEST_F(RolloverTest, SuccessorThatFailsToConnectFallsBack) {
  make_session(Market::usdm);
  sync_through(6);
  // The transport could not open a successor: it reports it (id 0) and cuts the old connection.
  connection_->on_rollover_failed(0, "successor failed to connect: refused", now_);
  EXPECT_EQ(counters().rollover_fallbacks, 1u);
  connection_->on_close(1, "max_age: connection reached its maximum age", std::nullopt, now_);
  connection_->on_open(2, now_);
  EXPECT_EQ(records("gap").size(), 1u);
  EXPECT_EQ(records("connect").size(), 2u);
  EXPECT_FALSE(records("connect")[1].HasMember("rollover_from"));
  feed(2, 20);
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_EQ(counters().rollovers, 0u);
}

TEST_F(RolloverTest, TakeoverTimeoutDropsTheHeldEventsAndFallsBack) {
  make_session(Market::usdm);
  sync_through(6);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 20);  // never joined: the old connection stops short of it
  feed(2, 21);
  // The transport's rollover_timeout fired: the successor is dropped, the old one cut.
  connection_->on_rollover_failed(2, "successor did not take over within 30000 ms", now_);
  EXPECT_FALSE(session_->rollover_pending());
  feed(2, 22);  // a late frame of the dropped successor: ignored
  connection_->on_close(1, "max_age", std::nullopt, now_);
  connection_->on_open(3, now_);
  EXPECT_EQ(depth_ids().size(), 4u);  // events 3..6 of conn 1 only
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollover_fallbacks, 1u);
  EXPECT_EQ(c.rollovers, 0u);
  EXPECT_EQ(records("gap").size(), 1u);
  EXPECT_TRUE(retired_.empty());
}

TEST_F(RolloverTest, SuccessorClosedBeforeTakeoverLeavesTheOldConnectionActive) {
  make_session(Market::usdm);
  sync_through(6);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 20);
  connection_->on_close(2, "network_error", std::nullopt, now_);
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(session_->active_conn(), 1u);
  feed(1, 7);
  EXPECT_TRUE(records("disconnect").empty()) << "the successor never started recording";
  EXPECT_TRUE(records("gap").empty());
  expect_each_event_once(7);
}

}  // namespace
}  // namespace depthrec::session

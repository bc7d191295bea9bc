// FeedSession without a network: frames in, records / snapshot requests / callbacks out. The
// feed rides a ConnectionSession of one stream, as in the recorder (connect/disconnect records).
#include "session/feed_session.hpp"

#include "session/connection_session.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace depthrec::session {
namespace {

class FeedSessionTest : public ::testing::Test {
 protected:
  void make_session(Market market, int depth_levels) {
    config_.market = market;
    config_.symbol = "BTCUSDT";
    config_.depth_levels = depth_levels;
    config_.speed = "100ms";
    metrics_ = std::make_unique<FeedMetrics>(
        StreamKey{market, "BTCUSDT", depth_stream_name("BTCUSDT", {depth_levels, "100ms"})}, 0);
    SessionHooks hooks;
    hooks.request_snapshot = [this](bool resync) {
      ++snapshot_requests_;
      snapshot_resyncs_.push_back(resync);
    };
    hooks.cancel_snapshot = [this] { ++snapshot_cancels_; };
    hooks.write = [this](std::string& line, const RecordContext&, bool) {
      // A hand-off may carry one line; split to be safe.
      size_t start = 0;
      while (start < line.size()) {
        const size_t end = line.find('\n', start);
        lines_.push_back(line.substr(start, end - start));
        start = end + 1;
      }
      line.clear();
      return PushInfo{0, 0};
    };
    hooks.schedule = [this](std::chrono::milliseconds, std::function<void()> fn) {
      scheduled_.push_back(std::move(fn));
    };
    hooks.log = [this](LogLevel, const std::string& message) { logs_.push_back(message); };
    hooks.synced = [this] {
      ++synced_announcements_;
      synced_state_when_announced_ = session_->sync().state();
    };
    ConnectionHooks connection_hooks;
    connection_hooks.write = hooks.write;
    session_ = std::make_unique<FeedSession>(config_, *metrics_, std::move(hooks));
    connection_ = std::make_unique<ConnectionSession>(
        ConnectionSessionConfig{"wss://127.0.0.1/stream", {}, {}}, std::move(connection_hooks));
    connection_->add_feed(*session_);
    session_->add_callback([this](const BookUpdate& update) {
      ++callbacks_;
      last_callback_synced_ = update.book_synced;
      if (auto bid = update.book.best_bid()) last_best_bid_ = to_string(bid->price);
    });
    connection_->on_open(1, 1'000);
  }

  void feed(const std::string& payload, std::int64_t recv_ns = 2'000'000'000'000'000'000) {
    frame_texts_.push_back(payload);
    ASSERT_EQ(parser_.parse(frame_texts_.back(), frame_), ParseError::none) << payload;
    session_->on_depth(frame_, recv_ns, payload.size());
  }

  static std::string futures_event(std::uint64_t U, std::uint64_t u, std::uint64_t pu,
                                   const std::string& bid = "100.0") {
    return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000000,"T":1700000000000,"s":"BTCUSDT","U":)" +
           std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" + std::to_string(pu) +
           R"(,"b":[[")" + bid + R"(","1.5"]],"a":[["101.0","2.0"]]}})";
  }

  void answer_snapshot(std::uint64_t last_update_id, long status = 200) {
    RestAnswer answer;
    answer.status = status;
    answer.body =
        R"({"lastUpdateId":)" + std::to_string(last_update_id) +
        R"(,"E":1700000000001,"T":1700000000001,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
    answer.sent_ns = 1'700'000'000'000'000'000;
    answer.received_ns = answer.sent_ns + 1'000'000;
    session_->on_snapshot_answer(answer);
  }

  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& line : lines_) {
      rapidjson::Document doc;
      doc.Parse(line.c_str());
      EXPECT_FALSE(doc.HasParseError()) << line;
      out.push_back(doc["type"].GetString());
    }
    return out;
  }
  std::string field_of_last(const std::string& type, const char* field) const {
    for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
      rapidjson::Document doc;
      doc.Parse(it->c_str());
      if (type == doc["type"].GetString()) {
        const auto& value = doc[field];
        if (value.IsString()) return value.GetString();
        if (value.IsUint64()) return std::to_string(value.GetUint64());
        return value.IsNull() ? "null" : "?";
      }
    }
    return "";
  }

  RecorderConfig config_;
  std::unique_ptr<FeedMetrics> metrics_;
  std::unique_ptr<FeedSession> session_;
  std::unique_ptr<ConnectionSession> connection_;
  FrameParser parser_;
  Frame frame_;
  std::vector<std::string> frame_texts_;
  std::vector<std::string> lines_;
  std::vector<std::string> logs_;
  std::vector<std::function<void()>> scheduled_;
  int snapshot_requests_ = 0;
  std::vector<bool> snapshot_resyncs_;  // by request: true for a resync (the scheduler's priority)
  int snapshot_cancels_ = 0;
  int callbacks_ = 0;
  int synced_announcements_ = 0;  // hooks.synced calls (a service manager's READY)
  SyncState synced_state_when_announced_ = SyncState::awaiting_snapshot;
  bool last_callback_synced_ = false;
  std::string last_best_bid_;
};

TEST_F(FeedSessionTest, FullBookSyncsFromSnapshotAndRecordsEveryEvent) {
  make_session(Market::usdm, 0);
  feed(futures_event(90, 95, 89));
  EXPECT_EQ(snapshot_requests_, 1);
  feed(futures_event(96, 105, 95));
  EXPECT_EQ(snapshot_requests_, 1) << "one request in flight at a time";
  answer_snapshot(100);  // joins the buffered event 96..105
  EXPECT_EQ(session_->sync().state(), SyncState::synced);
  feed(futures_event(106, 110, 105, "100.5"));
  EXPECT_EQ(callbacks_, 1);
  EXPECT_TRUE(last_callback_synced_);
  EXPECT_EQ(last_best_bid_, "100.5");
  EXPECT_EQ(types(),
            (std::vector<std::string>{"connect", "depth", "depth", "snapshot", "resync", "depth"}));
  EXPECT_EQ(field_of_last("resync", "reason"), "initial");
  EXPECT_EQ(field_of_last("resync", "lastUpdateId"), "100");
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.messages, 3u);
  EXPECT_EQ(m.run.counters.breaks, 0u);
  EXPECT_EQ(m.run.counters.resyncs, 0u);
  EXPECT_EQ(m.run.counters.snapshot_ok, 1u);
}

TEST_F(FeedSessionTest, GapWritesMarkerCountsBreakAndResyncsOnlyThisBook) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  feed(futures_event(106, 110, 105));
  feed(futures_event(120, 130, 115));  // pu 115 != 110: a gap
  EXPECT_EQ(session_->sync().state(), SyncState::awaiting_snapshot);
  EXPECT_EQ(callbacks_, 2) << "the applied update, then the break as one unsynced state";
  EXPECT_FALSE(last_callback_synced_);
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_EQ(field_of_last("gap", "reason"), "pu_mismatch");
  EXPECT_EQ(field_of_last("gap", "expected"), "110");
  EXPECT_EQ(field_of_last("gap", "got_pu"), "115");
  answer_snapshot(125);
  EXPECT_EQ(session_->sync().state(), SyncState::synced);
  EXPECT_EQ(field_of_last("resync", "reason"), "pu_mismatch");
  // The first sync asks with initial priority, the resync with resync priority (served first).
  EXPECT_EQ(snapshot_resyncs_, (std::vector<bool>{false, true}));
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.breaks, 1u);
  EXPECT_EQ(m.run.counters.resyncs, 1u);
}

TEST_F(FeedSessionTest, FailedSnapshotIsRetriedAfterADelay) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100, 429);
  EXPECT_EQ(session_->sync().state(), SyncState::awaiting_snapshot);
  ASSERT_EQ(scheduled_.size(), 1u);
  scheduled_.front()();
  EXPECT_EQ(snapshot_requests_, 2);
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.snapshot_rate_limited, 1u);
}

TEST_F(FeedSessionTest, PartialDepthNeedsNoSnapshotAndResyncsOnTheGapEvent) {
  make_session(Market::usdm, 5);
  feed(
      R"({"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":5,"pu":0,"b":[["1.0","1.0"]],"a":[["2.0","1.0"]]}})");
  feed(
      R"({"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":2,"T":2,"s":"BTCUSDT","U":6,"u":9,"pu":5,"b":[["1.0","2.0"]],"a":[["2.0","1.0"]]}})");
  feed(
      R"({"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":3,"T":3,"s":"BTCUSDT","U":20,"u":25,"pu":15,"b":[["1.0","3.0"]],"a":[["2.0","1.0"]]}})");
  EXPECT_EQ(snapshot_requests_, 0);
  EXPECT_EQ(callbacks_, 3);
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.breaks, 1u);
  EXPECT_EQ(m.run.counters.resyncs, 1u);
  EXPECT_EQ(field_of_last("gap", "reason"), "pu_mismatch");
}

// The synced hook (systemd's READY=1) fires once: when the book first joins its snapshot, not at
// the first event nor at a failed snapshot, and not again at a resync.
TEST_F(FeedSessionTest, TheSyncedHookFiresOnceAtTheFirstJoin) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100, 500);
  EXPECT_EQ(synced_announcements_, 0) << "events and a failed snapshot are not a sync";
  scheduled_.front()();
  answer_snapshot(100);
  EXPECT_EQ(synced_announcements_, 1);
  EXPECT_EQ(synced_state_when_announced_, SyncState::synced);
  feed(futures_event(106, 110, 105));
  feed(futures_event(120, 130, 115));  // a gap, then a resync
  answer_snapshot(125);
  EXPECT_EQ(session_->sync().state(), SyncState::synced);
  EXPECT_EQ(synced_announcements_, 1) << "once per run";
}

TEST_F(FeedSessionTest, ThePartialDepthSyncedHookFiresAtTheFirstEvent) {
  make_session(Market::usdm, 5);
  EXPECT_EQ(synced_announcements_, 0);
  feed(
      R"({"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":5,"pu":0,"b":[["1.0","1.0"]],"a":[["2.0","1.0"]]}})");
  EXPECT_EQ(synced_announcements_, 1);
  feed(
      R"({"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":2,"T":2,"s":"BTCUSDT","U":6,"u":9,"pu":5,"b":[["1.0","2.0"]],"a":[["2.0","1.0"]]}})");
  EXPECT_EQ(synced_announcements_, 1);
}

// A snapshot still queued when its connection drops is cancelled (the REST scheduler never sends
// it); the new connection asks for its own. A book that never synced asks with initial priority.
TEST_F(FeedSessionTest, ReconnectCancelsTheSnapshotAskedForOnTheOldConnection) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  EXPECT_EQ(snapshot_requests_, 1);
  connection_->on_close(1, "network_error", std::nullopt, 5'000);
  connection_->on_open(2, 6'000);
  EXPECT_EQ(snapshot_cancels_, 1);
  feed(futures_event(200, 210, 199));
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_EQ(snapshot_resyncs_, (std::vector<bool>{false, false}));
  answer_snapshot(205);
  EXPECT_EQ(session_->sync().state(), SyncState::synced);
  connection_->on_close(2, "network_error", std::nullopt, 7'000);
  connection_->on_open(3, 8'000);
  EXPECT_EQ(snapshot_cancels_, 1) << "nothing was asked for on connection 2 any more";
  feed(futures_event(300, 310, 299));
  EXPECT_EQ(snapshot_resyncs_, (std::vector<bool>{false, false, true}));
}

TEST_F(FeedSessionTest, DisconnectIsMarkedAndTheNextConnectionResyncs) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  connection_->on_close(1, "network_error", std::nullopt, 5'000);
  connection_->on_open(2, 6'000);
  feed(futures_event(200, 210, 199));
  EXPECT_EQ(snapshot_requests_, 2);
  answer_snapshot(205);
  EXPECT_EQ(field_of_last("resync", "reason"), "reconnect");
  EXPECT_EQ(field_of_last("gap", "reason"), "reconnect");
  EXPECT_EQ(field_of_last("connect", "conn_id"), "2");
  EXPECT_EQ(field_of_last("disconnect", "reason"), "network_error");
}

// metrics.json book.unsynced_ms (depthrec-check's unsynced alert) runs from the disconnect.
TEST_F(FeedSessionTest, DisconnectStartsTheUnsyncedClock) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  ASSERT_TRUE(metrics_->snapshot(4'000).book.synced);
  EXPECT_EQ(metrics_->snapshot(4'000).book.unsynced_ns, 0);
  connection_->on_close(1, "network_error", std::nullopt, 5'000);
  EXPECT_FALSE(metrics_->snapshot(8'000).book.synced);
  EXPECT_EQ(metrics_->snapshot(8'000).book.unsynced_ns, 3'000);
}

// A ticker line names the bookTicker stream it came from, not the depth stream (issue 17).
TEST_F(FeedSessionTest, TickerRecordsCarryTheBookTickerStreamName) {
  config_.record_book_ticker = true;
  make_session(Market::usdm, 0);
  const std::string text =
      R"({"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":4984028370881,"s":"BTCUSDT","b":"63943.90","B":"46.371","a":"63944.00","A":"0.095","T":1721347022507,"E":1721347022507}})";
  ASSERT_EQ(parser_.parse(text, frame_), ParseError::none);
  ASSERT_EQ(frame_.type, FrameType::book_ticker);
  session_->on_ticker(frame_.ticker, 2'000'000'000'000'000'000);
  feed(futures_event(90, 95, 89));
  ASSERT_EQ(types(), (std::vector<std::string>{"connect", "ticker", "depth"}));
  EXPECT_EQ(field_of_last("ticker", "stream"), "btcusdt@bookTicker");
  EXPECT_EQ(field_of_last("ticker", "conn_id"), "1");
  EXPECT_EQ(field_of_last("ticker", "b"), "63943.9");
  EXPECT_EQ(field_of_last("depth", "stream"), "btcusdt@depth@100ms");  // unchanged
}

TEST_F(FeedSessionTest, ACallbackThatThrowsDoesNotStopTheFeed) {
  make_session(Market::usdm, 0);
  session_->add_callback([](const BookUpdate&) { throw std::runtime_error("user bug"); });
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  feed(futures_event(106, 110, 105));
  feed(futures_event(111, 115, 110));
  EXPECT_EQ(session_->sync().last_final_id(), 115u);
  EXPECT_EQ(types().back(), "depth") << "recording goes on";
  ASSERT_FALSE(logs_.empty());
  EXPECT_NE(logs_.back().find("user bug"), std::string::npos);
}

TEST_F(FeedSessionTest, SpotDropsEventsUpToTheSnapshotId) {
  make_session(Market::spot, 0);
  auto spot = [](std::uint64_t U, std::uint64_t u) {
    return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":)" +
           std::to_string(U) + R"(,"u":)" + std::to_string(u) +
           R"(,"b":[],"a":[["101.0","2.0"]]}})";
  };
  feed(spot(90, 100));   // u == lastUpdateId: must be dropped on spot
  feed(spot(101, 110));  // joins: U <= 101 <= u
  answer_snapshot(100);
  EXPECT_EQ(session_->sync().state(), SyncState::synced);
  EXPECT_EQ(session_->sync().last_final_id(), 110u);
  EXPECT_EQ(field_of_last("resync", "first_U"), "101");
}

std::uint64_t gap_count(const MetricsSnapshot& m, const std::string& reason) {
  for (const auto& [name, count] : m.gaps) {
    if (name == reason) return count;
  }
  return 0;
}

// Issue 18, item 5: a refused frame that carried the next event leaves its own marker: the gap
// the next event shows is recorded (and counted) as parse_error, not pu_mismatch. A refused frame
// that lost nothing (the next event chains) leaves no gap.
TEST_F(FeedSessionTest, ARefusedFrameThatLostAnEventMarksTheGapAsParseError) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  session_->on_refused_frame(1);  // an extra frame: nothing lost
  feed(futures_event(106, 110, 105));
  EXPECT_EQ(field_of_last("gap", "reason"), "");
  session_->on_refused_frame(2);  // another connection's frame: not this feed's
  session_->on_refused_frame(1);  // carried 111..115
  feed(futures_event(116, 120, 115));
  EXPECT_EQ(field_of_last("gap", "reason"), "parse_error");
  EXPECT_EQ(field_of_last("gap", "got_pu"), "115");
  answer_snapshot(118);
  EXPECT_EQ(field_of_last("resync", "reason"), "parse_error");
  feed(futures_event(121, 125, 119));  // a later gap has its own reason again
  EXPECT_EQ(field_of_last("gap", "reason"), "pu_mismatch");
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(gap_count(m, "parse_error"), 1u);
  EXPECT_EQ(m.run.counters.breaks, 2u);
}

// Issue 18, item 4: after a bogus u far ahead every event is stale; max_stale_run of them make a
// break (gap stale_stream, counted, logged) and the book resyncs, instead of freezing "synced".
TEST_F(FeedSessionTest, AStreamFrozenBehindABogusIdBreaksAndResyncs) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(100);
  const std::uint64_t bogus = 1'000'000'000'000'000'000ULL;
  feed(futures_event(106, bogus, 105));
  std::uint64_t u = 105;
  const std::uint64_t run = SyncLimits{}.max_stale_run;
  for (std::uint64_t i = 0; i + 1 < run; ++i, u += 5) feed(futures_event(u + 1, u + 5, u));
  EXPECT_TRUE(session_->sync().book_valid()) << "not yet";
  EXPECT_EQ(snapshot_requests_, 1);
  feed(futures_event(u + 1, u + 5, u));
  u += 5;
  EXPECT_FALSE(session_->sync().book_valid());
  EXPECT_EQ(field_of_last("gap", "reason"), "stale_stream");
  EXPECT_EQ(field_of_last("gap", "last_u"), std::to_string(bogus));
  EXPECT_EQ(field_of_last("gap", "expected"), "null");
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_NE(logs_.back().find("continuity break (stale_stream)"), std::string::npos)
      << logs_.back();
  answer_snapshot(u - 2);
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_EQ(field_of_last("resync", "reason"), "stale_stream");
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.breaks, 1u);
  EXPECT_EQ(gap_count(m, "stale_stream"), 1u);
}

// Issue 18, item 4: a snapshot whose lastUpdateId no event reaches is given up and fetched again.
TEST_F(FeedSessionTest, ASnapshotAheadOfTheStreamIsFetchedAgain) {
  config_.max_buffered_events = 50;  // the unjoined bound is the larger of this and 1000
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  answer_snapshot(1'000'000'000'000ULL);
  std::uint64_t u = 105;
  const std::uint64_t bound = SyncLimits{}.max_unjoined_events;
  for (std::uint64_t i = 0; i + 1 < bound; ++i, u += 5) feed(futures_event(u + 1, u + 5, u));
  EXPECT_EQ(snapshot_requests_, 1);
  feed(futures_event(u + 1, u + 5, u));
  u += 5;
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_NE(logs_.back().find("is ahead of the stream"), std::string::npos) << logs_.back();
  answer_snapshot(u - 2);
  EXPECT_TRUE(session_->sync().book_valid());
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.snapshot_unjoined, 1u);
}

// The unjoined bound is never below the buffer's: a recorder lagging a fast stream by more than
// 1000 events still joins a genuine snapshot (at 125k ev/s it gave up every one and never synced).
TEST_F(FeedSessionTest, ASnapshotAheadByLessThanTheBufferBoundIsWaitedFor) {
  config_.max_buffered_events = 5000;
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  std::uint64_t u = 105;
  const std::uint64_t lag = 3000;  // events in flight when the snapshot was taken
  answer_snapshot(u + 5 * lag + 2);
  for (std::uint64_t i = 0; i < lag; ++i, u += 5) feed(futures_event(u + 1, u + 5, u));
  EXPECT_FALSE(session_->sync().book_valid());
  feed(futures_event(u + 1, u + 5, u));  // the event that reaches the snapshot
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_EQ(snapshot_requests_, 1);
  const auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_EQ(m.run.counters.snapshot_unjoined, 0u);
}

// Issue 18, item 8: the configured bounds reach the book sync. A positional SyncLimits{events,
// bytes, levels} once fed --max-buffered-bytes into max_stale_run and --max-book-levels into
// max_unjoined_events after those fields were added: neither bound applied.
TEST_F(FeedSessionTest, TheBufferByteBoundAndTheBookLevelBoundReachTheSync) {
  config_.max_buffered_bytes = 1;  // every buffered event is over it
  config_.max_book_levels = 1;
  make_session(Market::usdm, 0);
  feed(futures_event(90, 95, 89));
  feed(futures_event(96, 105, 95));
  auto m = metrics_->snapshot(3'000'000'000'000'000'000);
  EXPECT_GE(gap_count(m, "buffer_overflow"), 1u);
  answer_snapshot(100);
  ASSERT_TRUE(session_->sync().book_valid());
  // Snapshot 99.0 / 102.0, buffered event 100.0 / 101.0: one level a side is kept, the farther
  // of each side dropped; then bid 100.5 drops 100.0.
  EXPECT_EQ(session_->sync().book().levels_dropped(), 2u);
  feed(futures_event(106, 110, 105, "100.5"));
  EXPECT_EQ(session_->sync().book().levels_dropped(), 3u);
  EXPECT_EQ(last_best_bid_, "100.5");
}

// Issue 18, item 9: the log says the real wait, Retry-After included, and the retry waits for it.
TEST_F(FeedSessionTest, ARateLimitedSnapshotLogsAndWaitsTheRealRetryAfter) {
  make_session(Market::usdm, 0);
  feed(futures_event(96, 105, 95));
  RestAnswer answer;
  answer.status = 429;
  answer.body = R"({"code":-1003})";
  answer.retry_after = std::chrono::seconds(259200);
  session_->on_snapshot_answer(answer);
  ASSERT_FALSE(logs_.empty());
  EXPECT_NE(logs_.back().find("retrying in 259200000 ms (Retry-After 259200 s)"), std::string::npos)
      << logs_.back();
}

}  // namespace
}  // namespace depthrec::session

// The pre-sync bounds of a many-stream run (session/presync_budget.hpp), driven through
// FeedSession with fake hooks: a book whose snapshot request is queued keeps a tail only, keeps
// every event from the dispatch on, and all books share one bound in bytes.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "session/feed_session.hpp"
#include "session/presync_budget.hpp"

namespace depthrec::session {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// One futures book: event n has U = 10n+1, u = 10n+10, pu = 10n, E = start + 100 ms * n.
class PresyncStream {
 public:
  PresyncStream(const std::string& symbol, PresyncOptions options) {
    config_.market = Market::usdm;
    config_.symbol = symbol;
    config_.depth_levels = 0;  // a full book: synced from snapshots
    config_.speed = "100ms";
    metrics_ = std::make_unique<FeedMetrics>(
        StreamKey{Market::usdm, symbol, depth_stream_name(symbol, {0, "100ms"})}, 0);
    SessionHooks hooks;
    hooks.request_snapshot = [this](bool) { ++requests_; };
    hooks.schedule = [this](std::chrono::milliseconds, std::function<void()> fn) {
      scheduled_.push_back(std::move(fn));
    };
    hooks.log = [this](LogLevel, const std::string& message) { logs_.push_back(message); };
    feed_ = std::make_unique<FeedSession>(config_, *metrics_, std::move(hooks));
    feed_->set_presync(options);
    feed_->on_connected(1, "wss://127.0.0.1/stream", 0);
  }

  void event(std::uint64_t n) {
    const std::string lower = to_lower(config_.symbol);
    text_ = R"({"stream":")" + lower + R"(@depth@100ms","data":{"e":"depthUpdate","E":)" +
            std::to_string(kStartMs + static_cast<std::int64_t>(n) * 100) + R"(,"T":1,"s":")" +
            config_.symbol + R"(","U":)" + std::to_string(n * 10 + 1) + R"(,"u":)" +
            std::to_string(n * 10 + 10) + R"(,"pu":)" + std::to_string(n * 10) +
            R"(,"b":[["100.0","1.5"]],"a":[["101.0","2.0"]]}})";
    ASSERT_EQ(parser_.parse(text_, frame_), ParseError::none) << text_;
    feed_->on_depth(frame_, 1'000'000 + static_cast<std::int64_t>(n), text_.size());
  }
  void events(std::uint64_t from, std::uint64_t to) {
    for (std::uint64_t n = from; n <= to; ++n) event(n);
  }
  void answer(std::uint64_t last_update_id) {
    RestAnswer answer;
    answer.status = 200;
    answer.body = R"({"lastUpdateId":)" + std::to_string(last_update_id) +
                  R"(,"E":1,"T":1,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
    answer.sent_ns = 1;
    answer.received_ns = 2;
    feed_->on_snapshot_answer(answer);
  }
  void run_scheduled() {
    auto pending = std::move(scheduled_);
    scheduled_.clear();
    for (auto& fn : pending) fn();
  }

  FeedSession& feed() { return *feed_; }
  const BookSynchronizer& sync() { return feed_->sync(); }
  int requests() const { return requests_; }
  const std::vector<std::string>& logs() const { return logs_; }

 private:
  RecorderConfig config_;
  std::unique_ptr<FeedMetrics> metrics_;
  std::unique_ptr<FeedSession> feed_;
  FrameParser parser_;
  Frame frame_;
  std::string text_;
  std::vector<std::function<void()>> scheduled_;
  std::vector<std::string> logs_;
  int requests_ = 0;
};

// The shared bound alone (no tail).
PresyncOptions budget_only(PresyncBudget& budget) {
  return PresyncOptions{std::chrono::milliseconds(0), &budget};
}

std::size_t event_bytes() {
  DepthUpdate event;
  event.bids.resize(1);
  event.asks.resize(1);
  return BookSynchronizer::buffered_size(event);
}

TEST(PresyncBound, QueuedSnapshotKeepsTheTailThenEveryEventFromTheDispatch) {
  PresyncStream stream("BTCUSDT", PresyncOptions{std::chrono::milliseconds(1'000), nullptr});
  stream.events(1, 200);  // 20 s of events while the request waits in the queue
  EXPECT_EQ(stream.requests(), 1);
  EXPECT_EQ(stream.sync().buffered_count(),
            11u);  // the last second: E within 1000 ms of the newest
  EXPECT_EQ(stream.feed().presync_figures().tail_trimmed, 189u);

  stream.feed().on_snapshot_dispatched();
  stream.events(201, 300);
  EXPECT_EQ(stream.sync().buffered_count(), 111u);  // nothing dropped since the dispatch
  // The snapshot was taken after the dispatch: the event holding it is buffered.
  stream.answer(2'505);
  EXPECT_TRUE(stream.sync().book_valid());
  EXPECT_EQ(stream.feed().presync_figures().tail_trimmed, 189u);
  EXPECT_EQ(stream.feed().presync_figures().snapshots_too_old, 0u);
}

TEST(PresyncBound, WithoutATailEveryEventWaitsAsBefore) {
  PresyncStream stream("BTCUSDT", PresyncOptions{});
  stream.events(1, 200);
  EXPECT_EQ(stream.sync().buffered_count(), 200u);
  EXPECT_EQ(stream.feed().presync_figures().tail_trimmed, 0u);
  EXPECT_FALSE(stream.feed().presync_figures().bounded);
}

TEST(PresyncBound, SnapshotOlderThanTheTailIsFetchedAgainAndThenSyncs) {
  PresyncStream stream("ETHUSDT", PresyncOptions{std::chrono::milliseconds(1'000), nullptr});
  stream.events(1, 100);  // keeps 90..100: U=901 first
  stream.feed().on_snapshot_dispatched();
  stream.answer(505);  // a snapshot served 4.5 s behind the stream
  EXPECT_FALSE(stream.sync().book_valid());
  EXPECT_EQ(stream.feed().presync_figures().snapshots_too_old, 1u);
  stream.run_scheduled();  // the retry's delay
  EXPECT_EQ(stream.requests(), 2);
  // Queued again: the tail holds again until that request is sent.
  stream.events(101, 150);
  EXPECT_EQ(stream.sync().buffered_count(), 11u);
  stream.feed().on_snapshot_dispatched();
  stream.events(151, 155);
  stream.answer(1'525);
  EXPECT_TRUE(stream.sync().book_valid());
  EXPECT_EQ(stream.feed().presync_figures().snapshots_too_old, 1u);
}

TEST(PresyncBound, OneBudgetIsSharedAndTheGrowingStreamDropsItsOldest) {
  const std::size_t each = event_bytes();
  PresyncBudget budget(30 * each);
  PresyncStream a("AAAUSDT", budget_only(budget));
  PresyncStream b("BBBUSDT", budget_only(budget));
  a.events(1, 20);
  EXPECT_EQ(budget.used(), 20 * each);
  b.events(1, 25);  // B's 11th event takes the total over: B drops its own oldest, A keeps all
  EXPECT_EQ(a.sync().buffered_count(), 20u);
  EXPECT_EQ(b.sync().buffered_count(), 10u);
  EXPECT_EQ(budget.used(), 30 * each);
  EXPECT_LE(budget.peak(), 30 * each + each);  // over by one event at most, for an instant
  EXPECT_EQ(b.feed().presync_figures().budget_dropped, 15u);
  EXPECT_EQ(budget.dropped_events(), 15u);
  EXPECT_EQ(b.logs().end() - std::find_if(b.logs().begin(), b.logs().end(),
                                          [](const std::string& line) {
                                            return line.find("max-presync-buffer-mb") !=
                                                   std::string::npos;
                                          }),
            1);  // logged once, not per event

  // A syncs: its bytes go back to the budget, and B may grow again.
  a.feed().on_snapshot_dispatched();
  a.answer(105);
  EXPECT_TRUE(a.sync().book_valid());
  EXPECT_EQ(budget.used(), 10 * each);
  b.events(26, 40);
  EXPECT_EQ(b.sync().buffered_count(), 25u);
  EXPECT_EQ(b.feed().presync_figures().budget_dropped, 15u);
  // B's kept events still sync: the snapshot lies inside them.
  b.answer(305);
  EXPECT_TRUE(b.sync().book_valid());
  EXPECT_EQ(budget.used(), 0u);
}

// A book whose request was sent keeps every event over the bound (its snapshot joins one of them);
// the queued ones give way.
TEST(PresyncBound, ABookWhoseRequestWasSentKeepsEveryEventOverTheBound) {
  const std::size_t each = event_bytes();
  PresyncBudget budget(10 * each);
  PresyncStream queued("AAAUSDT", budget_only(budget));
  PresyncStream sent("BBBUSDT", budget_only(budget));
  queued.events(1, 10);
  sent.events(1, 1);
  sent.feed().on_snapshot_dispatched();
  sent.events(2, 30);
  EXPECT_EQ(sent.sync().buffered_count(), 30u);
  EXPECT_EQ(sent.feed().presync_figures().budget_dropped, 0u);
  queued.events(11, 12);  // the queued book's next event gives way: it drops to its newest
  EXPECT_EQ(queued.sync().buffered_count(), 1u);
  sent.answer(255);
  EXPECT_TRUE(sent.sync().book_valid());
  EXPECT_EQ(budget.used(), each);
}

TEST(PresyncBound, ASyncedBookLosesNothingToTheBudget) {
  const std::size_t each = event_bytes();
  PresyncBudget budget(5 * each);
  PresyncStream a("AAAUSDT", budget_only(budget));
  PresyncStream b("BBBUSDT", budget_only(budget));
  a.events(1, 2);
  a.answer(15);
  ASSERT_TRUE(a.sync().book_valid());
  b.events(1, 50);   // B alone fills the budget
  a.events(3, 100);  // A keeps applying: nothing of it is buffered or dropped
  EXPECT_TRUE(a.sync().book_valid());
  EXPECT_EQ(a.sync().counters().applied, 100u);
  EXPECT_EQ(a.feed().presync_figures().budget_dropped, 0u);
  EXPECT_EQ(b.sync().buffered_count(), 5u);
}

TEST(PresyncBound, AStreamGoneGivesItsBytesBack) {
  PresyncBudget budget(std::size_t{1} << 20);
  {
    PresyncStream a("AAAUSDT", budget_only(budget));
    a.events(1, 10);
    EXPECT_EQ(budget.used(), 10 * event_bytes());
  }
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(budget.peak(), 10 * event_bytes());
}

TEST(PresyncBound, AReconnectEmptiesTheBufferInTheBudgetToo) {
  PresyncBudget budget(std::size_t{1} << 20);
  PresyncStream a("AAAUSDT", budget_only(budget));
  a.events(1, 10);
  a.feed().on_connected(2, "wss://127.0.0.1/stream", 5);
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace depthrec::session

// ConnectionSession without a network (issue 12, item 3): several depth feeds on one connection,
// frames routed by stream name, connection records once, a rollover that retires the old
// connection only when every feed has joined (or fell back alone), and a disconnect that breaks
// only the books of that connection.
#include "session/connection_session.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace depthrec::session {
namespace {

constexpr std::int64_t kSessionT0 = 1'700'000'000'000'000'000;
const char* const kUrl = "wss://127.0.0.1/stream?streams=many";

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

TEST_F(ConnectionSessionTest, TwoFeedsOnOneConnectionAreRoutedByStreamNameAndConnectedOnce) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  EXPECT_EQ(of_type("connect").size(), 1u) << "one connect record per connection";
  EXPECT_EQ(server_time_requests_, 1);
  sync_through("BTCUSDT", 1, 6);
  sync_through("ETHUSDT", 1, 5);
  EXPECT_EQ(of_type("depth", "BTCUSDT").size(), 4u);
  EXPECT_EQ(of_type("depth", "ETHUSDT").size(), 3u);
  for (const Written* w : of_type("depth", "ETHUSDT"))
    EXPECT_STREQ(w->doc["stream"].GetString(), "ethusdt@depth@100ms");
  EXPECT_EQ(feed("BTCUSDT").sync().last_final_id(), 70u);
  EXPECT_EQ(feed("ETHUSDT").sync().last_final_id(), 60u);
  EXPECT_EQ(connection(0).counters().depth_frames, 7u);
  // The same stream cannot be carried twice.
  EXPECT_FALSE(connection(0).add_feed(feed("BTCUSDT")));
  EXPECT_EQ(connection(0).feed_count(), 2u);
}

TEST_F(ConnectionSessionTest, FramesOfAnUnknownStreamAreCountedAndNotDelivered) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 4);
  const std::size_t records_before = written_.size();
  EXPECT_EQ(send(0, 1, event("XRPUSDT", 5)), RouteResult::unknown_stream);
  // A carried stream's name with another symbol inside.
  EXPECT_EQ(send(0, 1, event("XRPUSDT", 5, "BTCUSDT")), RouteResult::other_symbol);
  EXPECT_EQ(written_.size(), records_before) << "nothing delivered, nothing recorded";
  EXPECT_EQ(connection(0).counters().unknown_stream_frames, 1u);
  EXPECT_EQ(connection(0).counters().other_symbol_frames, 1u);
  EXPECT_EQ(feed("BTCUSDT").sync().last_final_id(), 50u);
  EXPECT_EQ(counters("ETHUSDT").messages, 0u);
  // A raw frame (no stream name) is ambiguous on a connection of two streams.
  EXPECT_EQ(
      send(0, 1,
           R"({"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":51,"u":60,"pu":50,"b":[],"a":[]})"),
      RouteResult::unknown_stream);
  EXPECT_EQ(send(0, 1, event("BTCUSDT", 5)), RouteResult::depth);
  EXPECT_EQ(feed("BTCUSDT").sync().last_final_id(), 60u);
}

TEST_F(ConnectionSessionTest, RolloverOfThreeFeedsWaitsForTheSlowestBeforeRetiring) {
  add_feeds({"BTCUSDT", "ETHUSDT", "SOLUSDT"});
  connection(0).on_open(1, now_);
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) sync_through(s, 1, 10);
  connection(0).on_successor_open(2, 1, now_);
  // BTC catches up on the successor (its event 10 is the book's last), ETH joins in step.
  send(0, 2, event("BTCUSDT", 10));
  EXPECT_EQ(feed("BTCUSDT").active_conn(), 2u);
  send(0, 2, event("BTCUSDT", 11));
  send(0, 2, event("ETHUSDT", 11));  // pu = 110 == last u: joins
  EXPECT_EQ(feed("ETHUSDT").active_conn(), 2u);
  EXPECT_TRUE(retired_.empty()) << "SOL has not joined: the old connection still carries it";
  EXPECT_TRUE(connection(0).rollover_pending());
  EXPECT_EQ(of_type("connect").size(), 1u);
  send(0, 1, event("SOLUSDT", 11));  // SOL goes on on the old connection meanwhile
  send(0, 2, event("SOLUSDT", 10));  // overlap
  send(0, 2, event("SOLUSDT", 11));  // the book's last: SOL caught up
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1}) << "retired once, when the last joined";
  EXPECT_EQ(connection(0).active_conn(), 2u);
  const auto connects = of_type("connect");
  ASSERT_EQ(connects.size(), 2u) << "one connect record for the successor, not one per stream";
  EXPECT_EQ(connects[1]->conn_id, 2u);
  EXPECT_EQ(connects[1]->doc["rollover_from"].GetUint64(), 1u);
  EXPECT_EQ(connects[1]->doc["overlap_events"].GetUint64(), 3u);  // BTC 1, SOL 2
  connection(0).on_close(1, "rolled_over", 1000, now_);
  EXPECT_EQ(of_type("disconnect").size(), 1u);
  EXPECT_TRUE(of_type("gap").empty()) << "no stream broke";
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
    send(0, 2, event(s, 12));
    EXPECT_EQ(feed(s).sync().last_final_id(), 130u) << s;
    EXPECT_EQ(counters(s).rollovers, 1u) << s;
    EXPECT_EQ(counters(s).breaks, 0u) << s;
  }
  EXPECT_EQ(connection(0).counters().rollovers, 1u);
}

// Following exchangeInfo: a stream unsubscribed during a rollover is taken off the connection;
// the rollover then waits only for the streams still carried, and the removed stream's frames are
// no longer delivered (counted as an unknown stream) and its stopped feed records nothing more.
TEST_F(ConnectionSessionTest, ARemovedFeedIsNoLongerRoutedAndARolloverDoesNotWaitForIt) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  connection(0).on_successor_open(2, 1, now_);
  send(0, 2, event("BTCUSDT", 10));  // BTC joins; ETH has not
  EXPECT_TRUE(retired_.empty());
  feed("ETHUSDT").stop("delisted");
  EXPECT_TRUE(connection(0).remove_feed(feed("ETHUSDT"), now_));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1}) << "the one stream left has joined";
  EXPECT_EQ(connection(0).feed_count(), 1u);
  EXPECT_FALSE(connection(0).remove_feed(feed("ETHUSDT"), now_)) << "not carried any more";
  const std::size_t records_before = written_.size();
  EXPECT_EQ(send(0, 2, event("ETHUSDT", 11)), RouteResult::unknown_stream);
  EXPECT_EQ(written_.size(), records_before);
  EXPECT_TRUE(feed("ETHUSDT").stopped());
  // The stream left goes on on the successor.
  EXPECT_EQ(send(0, 2, event("BTCUSDT", 11)), RouteResult::depth);
  EXPECT_EQ(counters("ETHUSDT").breaks, 0u);
}

// Following exchangeInfo: a stream listed while the connection's successor is connecting (its URL
// is the one of before) is not carried by it. The rollover does not wait for it: the others join
// and the old connection is retired at once (not at the join deadline); the new stream moves to
// the successor, where its SUBSCRIBE then goes, and syncs there like any listing.
TEST_F(ConnectionSessionTest,
       AFeedAddedWhileTheSuccessorConnectsDoesNotHoldTheRolloverAndSyncsOnIt) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  // SOLUSDT listed while the successor connects: not in its URL.
  add_feeds({"SOLUSDT"}, 0, 20'000, false);
  feed("SOLUSDT").on_connected(1, kUrl, now_);

  connection(0).on_successor_open(2, 1, now_);
  send(0, 2, event("BTCUSDT", 10));
  send(0, 2, event("ETHUSDT", 10));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1})
      << "the streams of the successor's URL joined: retired without waiting for SOLUSDT";
  EXPECT_FALSE(connection(0).rollover_pending());
  EXPECT_EQ(connection(0).active_conn(), 2u);
  EXPECT_EQ(feed("SOLUSDT").active_conn(), 2u) << "moved to the successor";
  EXPECT_EQ(connection(0).counters().stream_fallbacks, 1u);
  // Its SUBSCRIBE goes on the successor now: its events arrive there and its book syncs.
  sync_through("SOLUSDT", 2, 10);
  EXPECT_TRUE(feed("SOLUSDT").sync().book_valid());
  EXPECT_EQ(feed("SOLUSDT").sync().last_final_id(), 110u);
  for (const char* s : {"BTCUSDT", "ETHUSDT"}) EXPECT_EQ(counters(s).breaks, 0u) << s;
}

TEST_F(ConnectionSessionTest, AFeedThatNeverJoinsFallsBackAloneAtTheJoinDeadline) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  const int eth_snapshots = feeds_["ETHUSDT"]->snapshot_requests;
  connection(0).on_successor_open(2, 1, now_);
  ASSERT_EQ(scheduled_.size(), 1u) << "the join deadline";
  send(0, 2, event("BTCUSDT", 11));  // BTC joins; ETH stays quiet on the successor
  EXPECT_TRUE(retired_.empty());
  send(0, 1, event("ETHUSDT", 11));  // ETH still follows the old connection
  scheduled_.front()();
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_FALSE(connection(0).rollover_pending());
  EXPECT_TRUE(abandoned_.empty()) << "BTC joined: the successor is kept";
  // ETH alone breaks (gap reason reconnect) and resyncs on the successor; BTC keeps its book.
  const auto gaps = of_type("gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0]->symbol, "ETHUSDT");
  EXPECT_STREQ(gaps[0]->doc["reason"].GetString(), "reconnect");
  EXPECT_EQ(gaps[0]->conn_id, 1u);
  EXPECT_EQ(feed("ETHUSDT").active_conn(), 2u);
  EXPECT_FALSE(feed("ETHUSDT").sync().book_valid());
  EXPECT_TRUE(feed("BTCUSDT").sync().book_valid());
  send(0, 2, event("ETHUSDT", 13));
  EXPECT_GT(feeds_["ETHUSDT"]->snapshot_requests, eth_snapshots);
  EXPECT_EQ(counters("ETHUSDT").rollover_fallbacks, 1u);
  EXPECT_EQ(counters("BTCUSDT").rollover_fallbacks, 0u);
  EXPECT_EQ(connection(0).counters().stream_fallbacks, 1u);
  send(0, 1, event("ETHUSDT", 12));  // late on the retired connection: ignored
  EXPECT_FALSE(feed("ETHUSDT").sync().book_valid());
}

TEST_F(ConnectionSessionTest, AFeedOverItsHeldBoundFallsBackAloneWhileTheOthersJoin) {
  start_rollover_of_two_synced_feeds();
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("ETHUSDT", n));  // never joins
  EXPECT_FALSE(feed("ETHUSDT").rollover_pending()) << "held bound reached";
  EXPECT_TRUE(abandoned_.empty()) << "BTC may still join";
  EXPECT_TRUE(retired_.empty());
  send(0, 2, event("BTCUSDT", 11));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(of_type("gap", "ETHUSDT").size(), 1u);
  EXPECT_TRUE(of_type("gap", "BTCUSDT").empty());
}

TEST_F(ConnectionSessionTest, WhenNoFeedJoinsTheSuccessorIsAbandonedAsWithOneFeed) {
  start_rollover_of_two_synced_feeds();
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("ETHUSDT", n));
  EXPECT_TRUE(abandoned_.empty());
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("BTCUSDT", n));
  EXPECT_EQ(abandoned_, std::vector<std::uint64_t>{2});
  EXPECT_TRUE(retired_.empty());
  // The deadline after the fact changes nothing.
  ASSERT_EQ(scheduled_.size(), 1u);
  scheduled_.front()();
  EXPECT_TRUE(retired_.empty());
}

TEST_F(ConnectionSessionTest, ADisconnectResyncsOnlyTheBooksOfThatConnection) {
  add_feeds({"BTCUSDT", "ETHUSDT"}, 0);
  add_feeds({"SOLUSDT"}, 1);
  connection(0).on_open(1, now_);
  connection(1).on_open(2, now_);
  sync_through("BTCUSDT", 1, 5);
  sync_through("ETHUSDT", 1, 5);
  sync_through("SOLUSDT", 2, 5, 1);
  connection(0).on_close(1, "network_error", std::nullopt, now_);
  EXPECT_EQ(of_type("disconnect").size(), 1u) << "once per connection";
  const auto gaps = of_type("gap");
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(of_type("gap", "BTCUSDT").size(), 1u);
  EXPECT_EQ(of_type("gap", "ETHUSDT").size(), 1u);
  EXPECT_TRUE(of_type("gap", "SOLUSDT").empty());
  for (const char* s : {"BTCUSDT", "ETHUSDT"})
    EXPECT_FALSE(feeds_[s]->metrics->snapshot(now_).book.synced) << s;
  EXPECT_TRUE(feeds_["SOLUSDT"]->metrics->snapshot(now_).book.synced);
  send(1, 2, event("SOLUSDT", 6));
  EXPECT_EQ(feed("SOLUSDT").sync().last_final_id(), 70u);
  EXPECT_EQ(counters("SOLUSDT").gaps, 0u);
  // The reconnect resyncs the two books of connection 1 from new snapshots; SOL is untouched.
  connection(0).on_open(3, now_);
  EXPECT_EQ(server_time_requests_, 3);
  for (const char* s : {"BTCUSDT", "ETHUSDT"}) {
    EXPECT_EQ(feed(s).active_conn(), 3u) << s;
    EXPECT_FALSE(feed(s).sync().book_valid()) << s;
    send(0, 3, event(s, 9));
    EXPECT_EQ(feeds_[s]->snapshot_requests, 2) << s;
  }
  EXPECT_EQ(feed("SOLUSDT").active_conn(), 2u);
  EXPECT_TRUE(feed("SOLUSDT").sync().book_valid());
  EXPECT_EQ(feeds_["SOLUSDT"]->snapshot_requests, 1);
}

// A many-stream run (the engine): the connection's connect/disconnect records go to the
// `connections` stream under its own writer id; each feed's lines and markers (gap, resync,
// snapshot) under that feed's id, so the writer keeps them in the feed's own members.
TEST_F(ConnectionSessionTest, ManyStreamRunWritesConnectionRecordsToTheConnectionsStream) {
  connections_stream_id_ = 0;
  add_feeds({"BTCUSDT", "ETHUSDT"});
  feed("BTCUSDT").set_stream_ids(1, 2);
  feed("ETHUSDT").set_stream_ids(3, 4);
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 5);
  sync_through("ETHUSDT", 1, 5);
  connection(0).on_close(1, "network_error", std::nullopt, now_);
  ASSERT_EQ(of_type("connect").size(), 1u);
  ASSERT_EQ(of_type("disconnect").size(), 1u);
  std::size_t markers = 0;
  for (const Written& w : written_) {
    const std::string type = w.doc["type"].GetString();
    if (type == "connect" || type == "disconnect") {
      EXPECT_STREQ(w.doc["stream"].GetString(), "connections");
      EXPECT_EQ(w.stream_id, 0u);
      continue;
    }
    markers += type == "gap" || type == "resync" || type == "snapshot" ? 1 : 0;
    EXPECT_EQ(w.stream_id, w.symbol == "BTCUSDT" ? 1u : 3u) << type << " of " << w.symbol;
  }
  EXPECT_GE(markers, 4u) << "each feed's snapshot and gap";
  EXPECT_EQ(of_type("gap", "BTCUSDT").size(), 1u);
  EXPECT_EQ(of_type("gap", "ETHUSDT").size(), 1u);
}

}  // namespace
}  // namespace depthrec::session

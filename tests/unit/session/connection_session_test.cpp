// ConnectionSession without a network (issue 12, item 3): several depth feeds on one connection,
// frames routed by stream name, connection records once, and a disconnect that breaks only the
// books of that connection. The rollover: connection_session_rollover_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connection_session_fixture.hpp"

namespace depthrec::session {
namespace {

using connection_fixture::ConnectionSessionTest;
using connection_fixture::Written;

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

// --redis-book-every: a synced diff-depth book hands a `book` line (the local book after the
// event) to the Redis sink's hook every N events applied, right after that event's depth line.
// And the on_book grid sampler of the live Parquet `book` dataset.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "session/connection_session.hpp"
#include "session/feed_session.hpp"
#include "session/observer_registry.hpp"

namespace depthrec::session {
namespace {

std::string futures_event(std::uint64_t U, std::uint64_t u, std::uint64_t pu,
                          const std::string& bid) {
  return R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000000,"T":1700000000000,"s":"BTCUSDT","U":)" +
         std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" + std::to_string(pu) +
         R"(,"b":[[")" + bid + R"(","1.5"]],"a":[["101.0","2.0"]]}})";
}

TEST(FeedSessionBook, ABookLineFollowsEveryNthAppliedEvent) {
  RecorderConfig config;
  config.market = Market::usdm;
  config.symbol = "BTCUSDT";
  config.speed = "100ms";
  config.depth_levels = 0;  // diff depth: a book from a snapshot
  config.redis_book_every = 2;
  FeedMetrics metrics(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, 0);
  std::vector<std::string> sequence;  // "depth", "snapshot"... and "BOOK" for the sink's lines
  std::vector<std::string> books;
  SessionHooks hooks;
  hooks.request_snapshot = [](bool) {};
  hooks.write = [&](std::string& line, const RecordContext&, bool) {
    std::size_t start = 0;  // a hand-off may carry more than one line
    while (start < line.size()) {
      const std::size_t end = line.find('\n', start);
      rapidjson::Document doc;
      doc.Parse(line.substr(start, end - start).c_str());
      EXPECT_TRUE(doc.IsObject()) << line;
      if (doc.IsObject()) sequence.push_back(doc["type"].GetString());
      start = end == std::string::npos ? line.size() : end + 1;
    }
    line.clear();
    return PushInfo{0, 0};
  };
  hooks.publish_book = [&](std::string& line, const RecordContext& context) {
    EXPECT_EQ(context.stream, "btcusdt@depth@100ms");
    sequence.push_back("BOOK");
    books.push_back(line);
  };
  ConnectionHooks connection_hooks;
  connection_hooks.write = hooks.write;
  FeedSession session(config, metrics, std::move(hooks));
  ConnectionSession connection(ConnectionSessionConfig{"wss://127.0.0.1/stream", {}, {}},
                               std::move(connection_hooks));
  connection.add_feed(session);
  connection.on_open(1, 1'000);

  FrameParser parser;
  Frame frame;
  std::vector<std::string> texts;
  const auto feed = [&](const std::string& text) {
    texts.push_back(text);
    ASSERT_EQ(parser.parse(texts.back(), frame), ParseError::none);
    session.on_depth(frame, 2'000'000'000'000'000'000, text.size());
  };
  feed(futures_event(96, 105, 95, "100.0"));  // buffered: no book before a sync
  RestAnswer answer;
  answer.status = 200;
  answer.body =
      R"({"lastUpdateId":100,"E":1,"T":1,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
  session.on_snapshot_answer(answer);  // joins 96..105
  feed(futures_event(106, 110, 105, "100.1"));
  feed(futures_event(111, 120, 110, "100.2"));  // the 2nd applied: a book
  feed(futures_event(121, 130, 120, "100.3"));
  feed(futures_event(131, 140, 130, "100.4"));  // the 4th: a book
  EXPECT_EQ(sequence, (std::vector<std::string>{"connect", "depth", "snapshot", "resync", "depth",
                                                "depth", "BOOK", "depth", "depth", "BOOK"}));
  ASSERT_EQ(books.size(), 2u);
  rapidjson::Document book;
  book.Parse(books[1].c_str());
  ASSERT_TRUE(book.IsObject()) << books[1];
  EXPECT_STREQ(book["type"].GetString(), "book");
  EXPECT_EQ(book["lastUpdateId"].GetUint64(), 140u);
  EXPECT_EQ(book["E"].GetInt64(), 1700000000000);
  // Every level of the book, best first: bids 100.4 .. 100.0, 99.0; asks 101.0, 102.0.
  ASSERT_EQ(book["bids"].Size(), 6u);
  EXPECT_STREQ(book["bids"][0][0].GetString(), "100.4");
  EXPECT_STREQ(book["bids"][5][0].GetString(), "99");
  EXPECT_STREQ(book["bids"][5][1].GetString(), "3");
  ASSERT_EQ(book["asks"].Size(), 2u);
  EXPECT_STREQ(book["asks"][0][0].GetString(), "101");
  EXPECT_EQ(std::count(books[1].begin(), books[1].end(), '\n'), 1) << "one line";
}

TEST(FeedSessionBook, TheTimeFormPublishesABookOncePerPeriod) {
  RecorderConfig config;
  config.market = Market::usdm;
  config.symbol = "BTCUSDT";
  config.speed = "100ms";
  config.depth_levels = 0;
  config.redis_book_every_ms = 5'000;  // --redis-book-every 5s
  FeedMetrics metrics(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, 0);
  std::vector<std::uint64_t> book_ids;
  SessionHooks hooks;
  hooks.request_snapshot = [](bool) {};
  hooks.write = [](std::string& line, const RecordContext&, bool) {
    line.clear();
    return PushInfo{0, 0};
  };
  hooks.publish_book = [&](std::string& line, const RecordContext&) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_TRUE(doc.IsObject()) << line;
    book_ids.push_back(doc["lastUpdateId"].GetUint64());
  };
  FeedSession session(config, metrics, std::move(hooks));
  FrameParser parser;
  Frame frame;
  std::vector<std::string> texts;
  constexpr std::int64_t kSecond = 1'000'000'000;
  const auto feed_at = [&](const std::string& text, std::int64_t recv_ns) {
    texts.push_back(text);
    ASSERT_EQ(parser.parse(texts.back(), frame), ParseError::none);
    session.on_depth(frame, recv_ns, text.size());
  };
  const std::int64_t t0 = 2'000'000'000'000'000'000;
  feed_at(futures_event(96, 105, 95, "100.0"), t0);
  RestAnswer answer;
  answer.status = 200;
  answer.body = R"({"lastUpdateId":100,"E":1,"T":1,"bids":[["99.0","3.0"]],"asks":[]})";
  session.on_snapshot_answer(answer);
  // Events 1 s apart: books at the first event applied 5 s after the sync and 5 s after that.
  std::uint64_t u = 105;
  for (int second = 1; second <= 11; ++second) {
    feed_at(futures_event(u + 1, u + 10, u, "100." + std::to_string(second)),
            t0 + second * kSecond);
    u += 10;
  }
  EXPECT_EQ(book_ids, (std::vector<std::uint64_t>{165, 215}));
}

constexpr std::int64_t kGridTestMs = 1'000'000;
constexpr std::int64_t kGridTestBase = 2'000'000'000'000'000'000;  // a multiple of 100 ms

// An on_book observer with a sampling grid (ObserverOptions::every_ns, the live `book` dataset's
// seam): the book as it was before the first update after each grid point, one state per point,
// levels as the book has them (fewer than asked), nothing while the book is unsynced.
TEST(FeedSessionGrid, SamplesTheBookBeforeTheFirstUpdateAfterEachPointOnlyWhileSynced) {
  RecorderConfig config;
  config.market = Market::usdm;
  config.symbol = "BTCUSDT";
  config.speed = "100ms";
  config.depth_levels = 0;
  FeedMetrics metrics(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, 0);
  SessionHooks hooks;
  int snapshot_requests = 0;
  hooks.request_snapshot = [&](bool) { ++snapshot_requests; };
  hooks.write = [](std::string& line, const RecordContext&, bool) {
    line.clear();
    return PushInfo{0, 0};
  };
  FeedSession session(config, metrics, std::move(hooks));

  ObserverRegistry registry;
  ObserverOptions options;
  options.delivery = Delivery::synchronous;
  options.levels = 5;  // the book has 2 bid levels, then 3, and 2 asks
  options.every_ns = 100 * kGridTestMs;
  std::vector<TopOfBook> samples;
  registry.on_book([&](const TopOfBook& top) { samples.push_back(top); }, options);
  const SubscriptionKey key{Venue::binance, Market::usdm, "BTCUSDT",
                            Channel{ChannelKind::diff_depth, 0, {}}};
  session.set_observers(registry.for_book(key, {Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}));

  FrameParser parser;
  Frame frame;
  std::vector<std::string> texts;
  const auto feed = [&](const std::string& text, std::int64_t at_ms) {
    texts.push_back(text);
    ASSERT_EQ(parser.parse(texts.back(), frame), ParseError::none);
    session.on_depth(frame, kGridTestBase + at_ms * kGridTestMs, text.size());
  };
  feed(futures_event(96, 105, 95, "100.0"), 10);  // buffered: not synced, no grid
  RestAnswer answer;
  answer.status = 200;
  answer.body =
      R"({"lastUpdateId":100,"E":1,"T":1,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
  session.on_snapshot_answer(answer);
  feed(futures_event(106, 110, 105, "100.1"), 20);  // synced: the first point is 100 ms
  EXPECT_TRUE(samples.empty());
  feed(futures_event(111, 120, 110, "100.2"), 100);  // at the point: part of it
  EXPECT_TRUE(samples.empty());
  feed(futures_event(121, 130, 120, "100.3"), 420);  // 100 ms (after 120), 200..400 ms too
  ASSERT_EQ(samples.size(), 4u);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const TopOfBook& sample = samples[i];
    EXPECT_EQ(sample.sample_ns,
              kGridTestBase + static_cast<std::int64_t>(i + 1) * 100 * kGridTestMs);
    EXPECT_EQ(sample.recv_ns, kGridTestBase + 100 * kGridTestMs);  // of the update at 100 ms
    EXPECT_EQ(sample.final_id, 120u);
    EXPECT_TRUE(sample.synced);
    ASSERT_TRUE(sample.key);
    EXPECT_EQ(sample.key->symbol, "BTCUSDT");
    ASSERT_EQ(sample.bids.size(), 4u);  // 100.2, 100.1, 100.0, 99.0: fewer than 5
    EXPECT_EQ(to_string(sample.bids.front().price), "100.2");
    ASSERT_EQ(sample.asks.size(), 2u);
    EXPECT_EQ(to_string(sample.asks.front().price), "101");
  }
  // A gap (pu 140 after u 130): the points before it keep the book, none follow.
  feed(futures_event(141, 150, 140, "100.5"), 510);
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples.back().sample_ns, kGridTestBase + 500 * kGridTestMs);
  EXPECT_EQ(samples.back().final_id, 130u);
  EXPECT_GE(snapshot_requests, 1);
  feed(futures_event(151, 160, 150, "100.6"), 900);  // unsynced: 600..800 ms get nothing
  EXPECT_EQ(samples.size(), 5u);
  answer.body =
      R"({"lastUpdateId":145,"E":1,"T":1,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
  session.on_snapshot_answer(answer);                // resynced (141..160 applied)
  feed(futures_event(161, 170, 160, "100.7"), 950);  // the first point is now 1000 ms
  EXPECT_EQ(samples.size(), 5u);
  feed(futures_event(171, 180, 170, "100.8"), 1001);
  ASSERT_EQ(samples.size(), 6u);
  EXPECT_EQ(samples.back().sample_ns, kGridTestBase + 1000 * kGridTestMs);
  EXPECT_EQ(samples.back().final_id, 170u);
}

}  // namespace
}  // namespace depthrec::session

// The Redis sink's queue (line_inbox.hpp): lines and notes in the order offered, a taken inbox
// swapped for an empty one; streams indexed by the caller's id while it names the same stream.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "redis/line_inbox.hpp"

namespace depthrec::redis {
namespace {

TEST(LineInbox, LinesAndNotesInTheOrderOffered) {
  LineInbox inbox;
  const auto t0 = LineInbox::Clock::now();
  inbox.push_line("first", 3, t0);
  LineInbox::Skipped skipped;
  skipped["k"].add("usdm", "BTCUSDT", "btcusdt@depth@100ms", 7);
  inbox.push_note(std::move(skipped));
  inbox.push_line("", 1, t0);
  inbox.push_line("third line", 0, t0 + std::chrono::milliseconds(1));
  ASSERT_EQ(inbox.size(), 4u);
  EXPECT_EQ(inbox.lines(), 3u);
  EXPECT_EQ(inbox.bytes(), 15u);
  EXPECT_EQ(inbox.line(0), "first");
  EXPECT_EQ(inbox.stream(0), 3u);
  EXPECT_TRUE(inbox.is_note(1));
  EXPECT_EQ(inbox.note(1).at("k").last_sequence, 7u);
  EXPECT_EQ(inbox.line(2), "");
  EXPECT_EQ(inbox.line(3), "third line");
  EXPECT_EQ(inbox.offered(3) - inbox.offered(0), std::chrono::milliseconds(1));
  LineInbox taken;
  std::swap(inbox, taken);
  EXPECT_TRUE(inbox.empty());
  EXPECT_EQ(taken.line(3), "third line");
  taken.clear();
  EXPECT_TRUE(taken.empty());
  EXPECT_EQ(taken.lines(), 0u);
  EXPECT_EQ(taken.bytes(), 0u);
}

TEST(LineInbox, LinesAcrossChunksAndLongerThanOneStayWholeAfterClear) {
  LineInbox inbox(2 * LineInbox::kChunkBytes);
  const auto now = LineInbox::Clock::now();
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    std::vector<std::string> offered;
    for (std::size_t i = 0; i < 1800; ++i)
      offered.push_back(std::string(600 + i % 7, 'a' + i % 26));
    offered.insert(offered.begin() + 1234,  // past the first chunk
                   std::string(LineInbox::kChunkBytes + 1, 'z'));
    for (std::size_t i = 0; i < offered.size(); ++i)
      inbox.push_line(offered[i], static_cast<std::uint32_t>(i), now);
    ASSERT_EQ(inbox.lines(), offered.size());
    std::size_t whole = 0;
    for (std::size_t i = 0; i < offered.size(); ++i)
      if (inbox.line(i) == offered[i] && inbox.stream(i) == i) ++whole;
    EXPECT_EQ(whole, offered.size());
    inbox.clear();
    EXPECT_TRUE(inbox.empty());
  }
}

TEST(StreamIndex, ByIdWhileItNamesTheStreamElseByName) {
  StreamIndex streams;
  const std::uint32_t depth = streams.index_of("btcusdt@depth@100ms", 5);
  const std::uint32_t ticker = streams.index_of("btcusdt@bookTicker", 6);
  EXPECT_NE(depth, ticker);
  EXPECT_EQ(streams.index_of("btcusdt@depth@100ms", 5), depth);
  EXPECT_EQ(streams.index_of("btcusdt@depth@100ms", std::nullopt), depth);
  // An id given to another stream (a reconnect's new context) still finds each by its name.
  EXPECT_EQ(streams.index_of("btcusdt@bookTicker", 5), ticker);
  EXPECT_EQ(streams.index_of("btcusdt@depth@100ms", 5), depth);
  EXPECT_EQ(streams.index_of("connections", 0xFFFFFFFFU), 2u);  // beyond the hinted ids
  EXPECT_EQ(streams.size(), 3u);
  EXPECT_EQ(streams.name(ticker), "btcusdt@bookTicker");
}

}  // namespace
}  // namespace depthrec::redis

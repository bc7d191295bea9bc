// StreamRouteIndex: a connection's stream names to route numbers (issue 12's O(1) routing, no
// string built per frame): every name found among thousands, near misses not, growth keeps
// every route, clear() empties it, and a lookup allocates nothing.
#include "session/stream_route_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/counting_new.hpp"

namespace depthrec::session {
namespace {

std::string depth_name(int i) {
  return "sym" + std::to_string(i) + "usdt@depth@100ms";
}

TEST(StreamRouteIndex, EveryNameOfThousandsIsFoundWithItsRouteAfterGrowing) {
  StreamRouteIndex index;
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(index.add(depth_name(i), static_cast<std::uint32_t>(2 * i)));
  }
  EXPECT_EQ(index.size(), 3000u);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(index.find(depth_name(i)), static_cast<std::uint32_t>(2 * i)) << depth_name(i);
  }
}

TEST(StreamRouteIndex, NearMissesPrefixesAndEmptyNamesAreNotFound) {
  StreamRouteIndex index;
  EXPECT_EQ(index.find("btcusdt@depth@100ms"), StreamRouteIndex::kNone);  // empty index
  ASSERT_TRUE(index.add("btcusdt@depth@100ms", 0));
  ASSERT_TRUE(index.add("btcusdt@bookTicker", 1));
  EXPECT_EQ(index.find("btcusdt@depth@100ms"), 0u);
  EXPECT_EQ(index.find("btcusdt@bookTicker"), 1u);
  EXPECT_EQ(index.find("btcusdt@depth@100m"), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find("btcusdt@depth@100msx"), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find("BTCUSDT@depth@100ms"), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find("btcusdt@booktickeR"), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find(""), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find(std::string("btcusdt@depth@100ms\0", 20)), StreamRouteIndex::kNone);
}

TEST(StreamRouteIndex, ANameAddedTwiceKeepsItsFirstRoute) {
  StreamRouteIndex index;
  ASSERT_TRUE(index.add("ethusdt@depth", 4));
  EXPECT_FALSE(index.add("ethusdt@depth", 9));
  EXPECT_EQ(index.find("ethusdt@depth"), 4u);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_THROW(index.add("x", StreamRouteIndex::kNone), std::invalid_argument);
}

TEST(StreamRouteIndex, ClearForgetsEveryNameAndTheIndexFillsAgain) {
  StreamRouteIndex index;
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(index.add(depth_name(i), static_cast<std::uint32_t>(i)));
  index.clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.find(depth_name(7)), StreamRouteIndex::kNone);
  // Without a removal, a feed leaving a connection is its others added again.
  for (int i = 50; i < 100; ++i)
    ASSERT_TRUE(index.add(depth_name(i), static_cast<std::uint32_t>(i)));
  EXPECT_EQ(index.find(depth_name(7)), StreamRouteIndex::kNone);
  EXPECT_EQ(index.find(depth_name(77)), 77u);
}

TEST(StreamRouteIndex, ALookupAllocatesNothing) {
  SKIP_UNLESS_COUNTING();
  StreamRouteIndex index;
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    names.push_back(depth_name(i));
    ASSERT_TRUE(index.add(names.back(), static_cast<std::uint32_t>(i)));
  }
  names.push_back("nosuch@depth@100ms-with-a-name-longer-than-any-small-string-buffer");
  const std::size_t before = allocation_count.load();
  std::size_t found = 0;
  for (const std::string& name : names) found += index.find(name) != StreamRouteIndex::kNone;
  EXPECT_EQ(allocation_count.load() - before, 0u);
  EXPECT_EQ(found, 1000u);
  auto block = std::make_unique<std::string>(100, 'x');  // the counter does count
  EXPECT_GT(allocation_count.load() - before, 0u);
}

}  // namespace
}  // namespace depthrec::session

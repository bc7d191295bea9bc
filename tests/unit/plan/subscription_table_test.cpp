// The subscription table and its router: ids, duplicates, O(1) routing of a frame's stream name,
// removal under churn, and no allocation on the routing path.
#include "plan/subscription_table.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "unit/counting_new.hpp"

namespace depthrec::plan {
namespace {

SubscriptionKey depth_key(const std::string& symbol, Market market = Market::usdm) {
  return SubscriptionKey{Venue::binance, market, symbol, Channel::diff_depth(StreamSpeed::ms100)};
}

std::string symbol_number(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "S%04dUSDT", i);
  return text;
}

std::string name_of(const std::string& symbol) {
  std::string name;
  for (char c : symbol) name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name + "@depth@100ms";
}

std::optional<StreamId> route(const SubscriptionTable& table, std::string_view name) {
  return table.route(Venue::binance, Market::usdm, name);
}

TEST(SubscriptionTable, AddsRoutesAndRemovesWithoutReusingIds) {
  SubscriptionTable table;
  EXPECT_EQ(route(table, "btcusdt@depth@100ms"), std::nullopt);  // empty table
  const auto btc = table.add(depth_key("BTCUSDT"), "btcusdt@depth@100ms");
  const auto eth = table.add(depth_key("ETHUSDT"), "ethusdt@depth@100ms");
  ASSERT_TRUE(btc.id && eth.id);
  EXPECT_EQ(btc.id->value, 0u);
  EXPECT_EQ(eth.id->value, 1u);
  EXPECT_EQ(route(table, "btcusdt@depth@100ms"), btc.id);
  EXPECT_EQ(route(table, "ethusdt@depth@100ms"), eth.id);
  EXPECT_EQ(table.find(depth_key("ETHUSDT")), eth.id);
  EXPECT_EQ(table.name(*eth.id), "ethusdt@depth@100ms");
  EXPECT_EQ(table.key(*eth.id), depth_key("ETHUSDT"));
  // Names not in the table, near misses included.
  for (const char* other : {"", "btcusdt@depth", "btcusdt@depth@100ms ", "BTCUSDT@depth@100ms",
                            "xrpusdt@depth@100ms", "btcusdt@bookTicker"}) {
    EXPECT_EQ(route(table, other), std::nullopt) << other;
  }
  EXPECT_TRUE(table.remove(*btc.id));
  EXPECT_FALSE(table.remove(*btc.id));
  EXPECT_FALSE(table.remove(StreamId{99}));
  EXPECT_EQ(route(table, "btcusdt@depth@100ms"), std::nullopt);
  EXPECT_EQ(table.find(depth_key("BTCUSDT")), std::nullopt);
  EXPECT_EQ(route(table, "ethusdt@depth@100ms"), eth.id);
  EXPECT_EQ(table.size(), 1u);
  // Subscribed again (a relisting): a new id, so a late frame for the old one goes nowhere.
  const auto again = table.add(depth_key("BTCUSDT"), "btcusdt@depth@100ms");
  ASSERT_TRUE(again.id);
  EXPECT_EQ(again.id->value, 2u);
  EXPECT_FALSE(table.contains(*btc.id));
  EXPECT_EQ(table.ids_issued(), 3u);
}

TEST(SubscriptionTable, RefusesAKeyOrAStreamNameTwice) {
  SubscriptionTable table;
  ASSERT_TRUE(table.add(depth_key("BTCUSDT"), "btcusdt@depth@100ms").id);
  const auto same_key = table.add(depth_key("BTCUSDT"), "other");
  EXPECT_FALSE(same_key.id);
  EXPECT_EQ(same_key.error, "binance:usdm:BTCUSDT:depth@100ms: already subscribed");
  const auto same_name = table.add(depth_key("ETHUSDT"), "btcusdt@depth@100ms");
  EXPECT_FALSE(same_name.id);
  EXPECT_EQ(same_name.error,
            "binance:usdm:ETHUSDT:depth@100ms: stream btcusdt@depth@100ms is already subscribed "
            "as binance:usdm:BTCUSDT:depth@100ms");
  EXPECT_EQ(table.size(), 1u);
}

// Spot, USD-M and COIN-M name their streams alike: a frame is routed by its connection's market.
TEST(SubscriptionTable, TheSameNameInThreeMarketsIsThreeStreams) {
  SubscriptionTable table;
  std::optional<StreamId> ids[3];
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    const auto added = table.add(depth_key("BTCUSDT", market), "btcusdt@depth@100ms");
    ASSERT_TRUE(added.id) << added.error;
    ids[static_cast<int>(market)] = added.id;
  }
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    EXPECT_EQ(table.route(Venue::binance, market, "btcusdt@depth@100ms"),
              ids[static_cast<int>(market)]);
  }
  table.remove(*ids[static_cast<int>(Market::usdm)]);
  EXPECT_EQ(table.route(Venue::binance, Market::usdm, "btcusdt@depth@100ms"), std::nullopt);
  EXPECT_EQ(table.route(Venue::binance, Market::spot, "btcusdt@depth@100ms"),
            ids[static_cast<int>(Market::spot)]);
}

TEST(SubscriptionTable, RoutesEveryNameOfAThreeThousandKeyTable) {
  SubscriptionTable table;
  for (int i = 0; i < 3000; ++i) {
    const auto added = table.add(depth_key(symbol_number(i)), name_of(symbol_number(i)));
    ASSERT_TRUE(added.id) << added.error;
    ASSERT_EQ(added.id->value, static_cast<std::uint32_t>(i));
  }
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(route(table, name_of(symbol_number(i))), StreamId{static_cast<std::uint32_t>(i)});
  }
  for (int i = 3000; i < 6000; ++i) {
    ASSERT_EQ(route(table, name_of(symbol_number(i))), std::nullopt);
  }
  EXPECT_EQ(route(table, "s0001usdt@depth@100m"), std::nullopt);
}

// Symbols listed and delisted at random, checked against a std::map after every step: the
// backward-shift removal leaves no hole a lookup would stop at.
TEST(SubscriptionTable, ChurnMatchesAReferenceMap) {
  SubscriptionTable table;
  std::map<std::string, StreamId> reference;
  std::mt19937 random(12);
  for (int step = 0; step < 20000; ++step) {
    const std::string symbol = symbol_number(static_cast<int>(random() % 400));
    const std::string name = name_of(symbol);
    const auto it = reference.find(name);
    if (it == reference.end()) {
      const auto added = table.add(depth_key(symbol), name);
      ASSERT_TRUE(added.id) << added.error;
      reference.emplace(name, *added.id);
    } else {
      ASSERT_TRUE(table.remove(it->second));
      reference.erase(it);
    }
    if (step % 97 == 0) {
      for (int i = 0; i < 400; ++i) {
        const std::string probe = name_of(symbol_number(i));
        const auto expected = reference.find(probe);
        ASSERT_EQ(route(table, probe),
                  expected == reference.end() ? std::nullopt : std::optional(expected->second))
            << "step " << step << " " << probe;
      }
    }
  }
  EXPECT_EQ(table.size(), reference.size());
}

TEST(SubscriptionTable, RoutingAllocatesNothing) {
  SKIP_UNLESS_COUNTING();
  SubscriptionTable table;
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i) {
    names.push_back(name_of(symbol_number(i)));
    ASSERT_TRUE(table.add(depth_key(symbol_number(i)), names.back()).id);
  }
  names.push_back("nosuch@depth@100ms");
  const std::size_t before = allocation_count.load();
  std::size_t found = 0;
  for (int pass = 0; pass < 10; ++pass) {
    for (const std::string& name : names) found += route(table, name) ? 1 : 0;
  }
  EXPECT_EQ(allocation_count.load() - before, 0u);
  EXPECT_EQ(found, 30000u);
  // The counter does see allocations (the check above is not vacuous).
  auto block = std::make_unique<std::string>(100, 'x');
  EXPECT_GT(allocation_count.load() - before, 0u);
}

}  // namespace
}  // namespace depthrec::plan

// The connection planner: limits per connection, one market and one route per connection,
// determinism, incremental add/remove (a listing, a delisting), and bad keys refused alone.
#include "plan/connection_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "unit/plan/plan_test_support.hpp"

namespace depthrec::plan {
namespace {

using test::binance_rules;
using test::depth100;
using test::key;
using test::market_keys;
using test::numbered_symbol;

std::size_t streams_in(const std::vector<StreamCommand>& commands) {
  std::size_t count = 0;
  for (const StreamCommand& command : commands) count += command.streams.size();
  return count;
}

// Every stream of a connection resolves to the connection's own group.
void expect_connections_consistent(const ConnectionPlanner& planner,
                                   const venues::VenueRules& rules) {
  venues::ResolvedStream resolved;
  std::size_t total = 0;
  for (const PlannedConnection& connection : planner.connections()) {
    EXPECT_FALSE(connection.streams.empty());
    EXPECT_LE(connection.streams.size(), rules.limits(connection.group).max_streams_per_connection);
    for (StreamId id : connection.streams) {
      ASSERT_EQ(rules.resolve(planner.table().key(id), resolved), "");
      EXPECT_EQ(resolved.group, connection.group) << planner.table().name(id);
      EXPECT_EQ(planner.connection_of(id), connection.id);
      EXPECT_EQ(planner.table().route(connection.group.venue, connection.group.market,
                                      planner.table().name(id)),
                id);
    }
    total += connection.streams.size();
  }
  EXPECT_EQ(total, planner.table().size());
}

TEST(ConnectionPlanner, SpotTakes1024StreamsAConnectionFutures200ByDefault) {
  const auto rules = binance_rules();
  ConnectionPlanner planner(rules);
  std::vector<SubscriptionKey> keys = market_keys(Market::spot, 0, 2500, false);
  const std::vector<SubscriptionKey> usdm = market_keys(Market::usdm, 0, 225, true);  // 450
  keys.insert(keys.end(), usdm.begin(), usdm.end());
  const PlanChange change = planner.add(keys);
  EXPECT_TRUE(change.errors.empty());
  EXPECT_EQ(streams_in(change.subscribe), 2950u);
  std::map<std::string, std::vector<std::size_t>> sizes;  // group -> streams per connection
  for (const PlannedConnection& connection : planner.connections()) {
    sizes[venues::to_string(connection.group)].push_back(connection.streams.size());
  }
  EXPECT_EQ(sizes["binance:spot"], (std::vector<std::size_t>{1024, 1024, 452}));
  EXPECT_EQ(sizes["binance:usdm/public"], (std::vector<std::size_t>{200, 200, 50}));
  EXPECT_EQ(change.opened.size(), 6u);
  expect_connections_consistent(planner, *rules);
  // A symbol's depth and bookTicker are placed side by side (same connection unless at a border).
  const StreamId depth = *planner.table().find(depth100(Market::usdm, numbered_symbol(7)));
  const StreamId ticker =
      *planner.table().find(key(Market::usdm, numbered_symbol(7), Channel::book_ticker()));
  EXPECT_EQ(planner.connection_of(depth), planner.connection_of(ticker));
}

TEST(ConnectionPlanner, FuturesLimitIsConfigurable) {
  venues::VenueOptions options;
  options.futures_streams_per_connection = 1024;
  ConnectionPlanner planner(binance_rules(options));
  planner.add(market_keys(Market::coinm, 0, 300, true));
  ASSERT_EQ(planner.connections().size(), 1u);
  EXPECT_EQ(planner.connections()[0].streams.size(), 600u);
}

// A venue of the test's own with two routes per market (as USD-M has once aggTrade, kline...
// join depth): bookTicker on "/market". The planner must never mix them on one connection.
class TwoRouteRules : public venues::VenueRules {
 public:
  std::string resolve(const SubscriptionKey& key, venues::ResolvedStream& out) const override {
    std::string error = VenueRules::resolve(key, out);
    if (error.empty() && key.channel.kind == ChannelKind::book_ticker) out.group.route = "/market";
    return error;
  }
  venues::ConnectionLimits limits(const venues::ConnectionGroup& group) const override {
    venues::ConnectionLimits limits = VenueRules::limits(group);
    limits.max_streams_per_connection = 7;
    return limits;
  }
};

TEST(ConnectionPlanner, NeverMixesTwoRoutesOnOneConnection) {
  const auto rules = std::make_shared<const TwoRouteRules>();
  ConnectionPlanner planner(rules);
  const PlanChange change = planner.add(market_keys(Market::usdm, 0, 20, true));
  EXPECT_TRUE(change.errors.empty());
  std::size_t public_connections = 0;
  std::size_t market_connections = 0;
  for (const PlannedConnection& connection : planner.connections()) {
    (connection.group.route == "/public" ? public_connections : market_connections) += 1;
  }
  EXPECT_EQ(public_connections, 3u);  // 20 depth streams, 7 a connection
  EXPECT_EQ(market_connections, 3u);  // 20 bookTicker streams
  expect_connections_consistent(planner, *rules);
}

TEST(ConnectionPlanner, ThePlanDoesNotDependOnTheOrderKeysCameIn) {
  std::vector<SubscriptionKey> keys = market_keys(Market::usdm, 0, 300, true);
  const std::vector<SubscriptionKey> spot = market_keys(Market::spot, 0, 1500, false);
  keys.insert(keys.end(), spot.begin(), spot.end());
  auto plan_of = [](const std::vector<SubscriptionKey>& input) {
    ConnectionPlanner planner(binance_rules());
    planner.add(input);
    std::map<std::uint32_t, std::vector<std::string>> plan;
    for (const PlannedConnection& connection : planner.connections()) {
      for (StreamId id : connection.streams) {
        plan[connection.id].push_back(std::string(planner.table().name(id)));
      }
    }
    return plan;
  };
  const auto expected = plan_of(keys);
  std::mt19937 random(5);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(keys.begin(), keys.end(), random);
    EXPECT_EQ(plan_of(keys), expected);
  }
}

TEST(ConnectionPlanner, ANewListingFillsRoomBeforeOpeningAConnection) {
  ConnectionPlanner planner(binance_rules());
  planner.add(market_keys(Market::usdm, 0, 200, false));  // one full connection
  ASSERT_EQ(planner.connections().size(), 1u);
  const std::uint32_t first = planner.connections()[0].id;

  // Ten delistings: UNSUBSCRIBE on that connection, which stays open.
  const PlanChange removed = planner.remove(market_keys(Market::usdm, 100, 10, false));
  EXPECT_TRUE(removed.errors.empty());
  ASSERT_EQ(removed.unsubscribe.size(), 1u);
  EXPECT_EQ(removed.unsubscribe[0].connection, first);
  EXPECT_EQ(removed.unsubscribe[0].streams.size(), 10u);
  EXPECT_TRUE(removed.emptied.empty());
  EXPECT_EQ(planner.table().route(Venue::binance, Market::usdm, "s0105usdt@depth@100ms"),
            std::nullopt);

  // Fifteen listings: ten fill the room (live SUBSCRIBE, no reconnect), five open a connection.
  const PlanChange added = planner.add(market_keys(Market::usdm, 1000, 15, false));
  EXPECT_TRUE(added.errors.empty());
  ASSERT_EQ(added.subscribe.size(), 2u);
  EXPECT_EQ(added.subscribe[0].connection, first);
  EXPECT_EQ(added.subscribe[0].streams.size(), 10u);
  ASSERT_EQ(added.opened.size(), 1u);
  EXPECT_EQ(added.subscribe[1].connection, added.opened[0]);
  EXPECT_EQ(added.subscribe[1].streams.size(), 5u);
  EXPECT_EQ(planner.connection(first)->streams.size(), 200u);
  expect_connections_consistent(planner, venues::VenueRules());
}

TEST(ConnectionPlanner, AConnectionLeftEmptyIsReportedForClosing) {
  ConnectionPlanner planner(binance_rules());
  planner.add(market_keys(Market::usdm, 0, 250, false));  // 200 + 50
  ASSERT_EQ(planner.connections().size(), 2u);
  const std::uint32_t second = planner.connections()[1].id;
  std::vector<SubscriptionKey> gone = market_keys(Market::usdm, 200, 50, false);
  gone.push_back(depth100(Market::usdm, numbered_symbol(0)));  // one from the first connection
  const PlanChange change = planner.remove(gone);
  EXPECT_EQ(change.emptied, std::vector<std::uint32_t>{second});
  // Nothing to UNSUBSCRIBE on a connection about to close; the first one loses one stream.
  ASSERT_EQ(change.unsubscribe.size(), 1u);
  EXPECT_EQ(change.unsubscribe[0].streams.size(), 1u);
  EXPECT_NE(change.unsubscribe[0].connection, second);
  EXPECT_EQ(planner.connections().size(), 1u);
  EXPECT_EQ(planner.connection(second), nullptr);
  // Connection ids are not reused either.
  const PlanChange later = planner.add(market_keys(Market::usdm, 500, 60, false));
  ASSERT_EQ(later.opened.size(), 1u);
  EXPECT_GT(later.opened[0], second);
}

TEST(ConnectionPlanner, BadKeysAreRefusedEachWithItsMessageAndTheOthersArePlaced) {
  venues::VenueOptions options;
  options.ws_endpoint(Market::usdm) = "wss://fstream.binance.com/market";
  PlannerConfig config;
  config.max_streams_total = 4;
  ConnectionPlanner planner(binance_rules(options), config);
  const std::vector<SubscriptionKey> keys{
      depth100(Market::spot, "BTCUSDT"),
      depth100(Market::spot, "BTC/USDT"),                                   // symbol format
      depth100(Market::spot, "BTCUSDT"),                                    // listed twice
      key(Market::spot, "ETHUSDT", Channel::diff_depth(StreamSpeed::ms0)),  // not on spot
      depth100(Market::usdm, "BTCUSDT"),                                    // route mismatch
      depth100(Market::spot, "AAAUSDT"),
      depth100(Market::spot, "BBBUSDT"),
      depth100(Market::spot, "CCCUSDT"),
      depth100(Market::spot, "DDDUSDT"),  // the fifth valid key: over the cap of 4
  };
  const PlanChange change = planner.add(keys);
  std::map<std::string, std::string> errors;
  for (const KeyError& error : change.errors) errors[to_string(error.key)] = error.message;
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors["binance:spot:BTC/USDT:depth@100ms"],
            "unknown symbol format 'BTC/USDT': Binance symbols are 1-32 of A-Z, 0-9 and '_'");
  EXPECT_EQ(errors["binance:spot:BTCUSDT:depth@100ms"],
            "binance:spot:BTCUSDT:depth@100ms: listed twice");
  EXPECT_EQ(errors["binance:spot:ETHUSDT:depth@0ms"].rfind("binance:spot:ETHUSDT:depth@0ms: spot "
                                                           "has no diff depth at 0ms",
                                                           0),
            0u);
  EXPECT_EQ(errors["binance:usdm:BTCUSDT:depth@100ms"].rfind("route mismatch: btcusdt@depth@100ms "
                                                             "is served on /public",
                                                             0),
            0u);
  EXPECT_EQ(errors["binance:spot:DDDUSDT:depth@100ms"],
            "binance:spot:DDDUSDT:depth@100ms: over the cap of 4 streams in all");
  // The four good keys are subscribed, on one spot connection.
  EXPECT_EQ(planner.table().size(), 4u);
  EXPECT_EQ(streams_in(change.subscribe), 4u);
  ASSERT_EQ(planner.connections().size(), 1u);
  EXPECT_EQ(planner.connections()[0].group.market, Market::spot);
  // Subscribing a key again later is named for what it is.
  const PlanChange again = planner.add({depth100(Market::spot, "AAAUSDT")});
  ASSERT_EQ(again.errors.size(), 1u);
  EXPECT_EQ(again.errors[0].message, "binance:spot:AAAUSDT:depth@100ms: already subscribed");
  EXPECT_TRUE(again.subscribe.empty());
}

TEST(ConnectionPlanner, RemovingAKeyNotSubscribedIsAnErrorTheOthersAreRemoved) {
  ConnectionPlanner planner(binance_rules());
  planner.add(market_keys(Market::spot, 0, 3, false));
  const PlanChange change = planner.remove(
      {depth100(Market::spot, numbered_symbol(1)), depth100(Market::spot, "NOSUCHUSDT")});
  ASSERT_EQ(change.errors.size(), 1u);
  EXPECT_EQ(change.errors[0].message, "binance:spot:NOSUCHUSDT:depth@100ms: not subscribed");
  EXPECT_EQ(streams_in(change.unsubscribe), 1u);
  EXPECT_EQ(planner.table().size(), 2u);
}

TEST(ConnectionPlanner, BySymbolPlacesASymbolsStreamsOnOneConnectionWithRoomForAll) {
  venues::VenueOptions options;
  options.futures_streams_per_connection = 4;
  const auto rules = binance_rules(options);
  ConnectionPlanner planner(rules);
  planner.add(market_keys(Market::usdm, 0, 3, false));  // connection 1: 3 of 4 slots
  ASSERT_EQ(planner.connections().size(), 1u);

  // Key by key (the start's plan) the pair is split at the last slot...
  ConnectionPlanner each(rules);
  each.add(market_keys(Market::usdm, 0, 3, false));
  const PlanChange split = each.add(market_keys(Market::usdm, 100, 1, true));
  EXPECT_EQ(split.subscribe.size(), 2u) << "depth on connection 1, bookTicker on a new one";

  // ...by symbol (the follow's listings) it goes whole to a connection with room for both.
  const PlanChange change =
      planner.add(market_keys(Market::usdm, 100, 1, true), KeyPlacement::by_symbol);
  EXPECT_TRUE(change.errors.empty());
  ASSERT_EQ(change.subscribe.size(), 1u);
  ASSERT_EQ(change.opened.size(), 1u);
  EXPECT_EQ(change.subscribe[0].connection, change.opened[0]);
  EXPECT_EQ(change.subscribe[0].streams.size(), 2u);
  EXPECT_EQ(planner.connection(1)->streams.size(), 3u) << "its last slot stays free";

  // A pair that fits takes the last two slots of a connection, not a new one.
  const PlanChange fits =
      planner.add(market_keys(Market::usdm, 200, 1, true), KeyPlacement::by_symbol);
  ASSERT_EQ(fits.subscribe.size(), 1u);
  EXPECT_TRUE(fits.opened.empty());
  EXPECT_EQ(fits.subscribe[0].connection, change.opened[0]);
  // Depth-only listings fill the free slot as before.
  const PlanChange single =
      planner.add({depth100(Market::usdm, "ONEUSDT")}, KeyPlacement::by_symbol);
  ASSERT_EQ(single.subscribe.size(), 1u);
  EXPECT_EQ(single.subscribe[0].connection, 1u);
  expect_connections_consistent(planner, *rules);
}

TEST(ConnectionPlanner, BySymbolPlacesAUnitLargerThanAConnectionKeyByKey) {
  venues::VenueOptions options;
  options.futures_streams_per_connection = 1;
  const auto rules = binance_rules(options);
  ConnectionPlanner planner(rules);
  const PlanChange change =
      planner.add(market_keys(Market::usdm, 0, 1, true), KeyPlacement::by_symbol);
  EXPECT_TRUE(change.errors.empty());
  EXPECT_EQ(change.opened.size(), 2u) << "one stream a connection: the pair cannot share one";
  expect_connections_consistent(planner, *rules);
}

}  // namespace
}  // namespace depthrec::plan

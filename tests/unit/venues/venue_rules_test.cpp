#include "venues/venue_rules.hpp"

#include <gtest/gtest.h>

namespace depthrec::venues {
namespace {

SubscriptionKey key(Market market, const std::string& symbol, Channel channel) {
  return SubscriptionKey{Venue::binance, market, symbol, channel};
}

TEST(VenueRules, ResolvesNameAndConnectionGroup) {
  const VenueRules rules;
  ResolvedStream out;
  ASSERT_EQ(
      rules.resolve(key(Market::usdm, "BTCUSDT", Channel::diff_depth(StreamSpeed::ms100)), out),
      "");
  EXPECT_EQ(out.name, "btcusdt@depth@100ms");
  EXPECT_EQ(to_string(out.group), "binance:usdm/public");
  ASSERT_EQ(rules.resolve(key(Market::spot, "ETHUSDT", Channel::book_ticker()), out), "");
  EXPECT_EQ(out.name, "ethusdt@bookTicker");
  EXPECT_EQ(to_string(out.group), "binance:spot");
}

TEST(VenueRules, RefusesSymbolFormatAndChannelsTheMarketLacks) {
  const VenueRules rules;
  ResolvedStream out;
  EXPECT_EQ(rules.resolve(key(Market::spot, "btc/usdt", Channel::book_ticker()), out),
            "unknown symbol format 'btc/usdt': Binance symbols are 1-32 of A-Z, 0-9 and '_'");
  // Text from an exchangeInfo answer or a config file is quoted, never echoed raw.
  EXPECT_EQ(rules.resolve(key(Market::spot, "A\x1b[2J", Channel::book_ticker()), out),
            "unknown symbol format 'A\\x1b[2J': Binance symbols are 1-32 of A-Z, 0-9 and '_'");
  EXPECT_EQ(rules.resolve(key(Market::spot, "BTCUSDT", Channel::diff_depth(StreamSpeed::ms0)), out),
            "binance:spot:BTCUSDT:depth@0ms: spot has no diff depth at 0ms (spot: depth, "
            "depth@100ms, depth@1000ms)");
}

TEST(VenueRules, AnEndpointPinnedToTheOtherRouteIsAMismatch) {
  VenueOptions options;
  options.ws_endpoint(Market::usdm) = "wss://fstream.binance.com/market";
  const VenueRules rules(options);
  ResolvedStream out;
  EXPECT_EQ(
      rules.resolve(key(Market::usdm, "BTCUSDT", Channel::diff_depth(StreamSpeed::ms100)), out),
      "route mismatch: btcusdt@depth@100ms is served on /public, but the usdm endpoint "
      "wss://fstream.binance.com/market is /market (Binance acknowledges such a SUBSCRIBE "
      "and then sends nothing)");
  // Only USD-M is routed; the matching route, or an endpoint with none, is fine.
  options.ws_endpoint(Market::usdm) = "wss://127.0.0.1:9443/public/";
  EXPECT_EQ(VenueRules(options).resolve(
                key(Market::usdm, "BTCUSDT", Channel::diff_depth(StreamSpeed::ms100)), out),
            "");
  options.ws_endpoint(Market::usdm) = "wss://127.0.0.1:9443";
  EXPECT_EQ(VenueRules(options).resolve(key(Market::usdm, "BTCUSDT", Channel::book_ticker()), out),
            "");
}

TEST(VenueRules, LimitsPerGroupAndRequestText) {
  VenueOptions options;
  options.futures_streams_per_connection = 300;
  const VenueRules rules(options);
  EXPECT_EQ(rules.limits({Venue::binance, Market::spot, ""}).max_streams_per_connection, 1024u);
  EXPECT_EQ(rules.limits({Venue::binance, Market::usdm, "/public"}).max_streams_per_connection,
            300u);
  EXPECT_EQ(
      rules.stream_request(Venue::binance, StreamMethod::subscribe,
                           {"btcusdt@depth@100ms", "btcusdt@bookTicker"}, 7),
      R"({"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@bookTicker"],"id":7})");
  EXPECT_EQ(rules.stream_request(Venue::binance, StreamMethod::unsubscribe, {"x@depth"}, 8),
            R"({"method":"UNSUBSCRIBE","params":["x@depth"],"id":8})");
}

TEST(VenueRules, FuturesStreamsPerConnectionMustBeWithinBinancesRange) {
  VenueOptions options;
  EXPECT_EQ(validate(options), "");
  options.futures_streams_per_connection = 1024;
  EXPECT_EQ(validate(options), "");
  options.futures_streams_per_connection = 0;
  EXPECT_EQ(validate(options), "futures streams per connection must be 1 to 1024, not 0");
  options.futures_streams_per_connection = 1025;
  EXPECT_EQ(validate(options), "futures streams per connection must be 1 to 1024, not 1025");
}

// Fewer streams per spot connection keep its URL (every stream named in it) short.
TEST(VenueRules, SpotStreamsPerConnectionIsAnOptionWithinBinancesLimit) {
  VenueOptions options;
  EXPECT_EQ(
      VenueRules(options).limits({Venue::binance, Market::spot, ""}).max_streams_per_connection,
      1024u);
  options.spot_streams_per_connection = 300;
  EXPECT_EQ(validate(options), "");
  EXPECT_EQ(
      VenueRules(options).limits({Venue::binance, Market::spot, ""}).max_streams_per_connection,
      300u);
  options.spot_streams_per_connection = 0;
  EXPECT_EQ(validate(options), "spot streams per connection must be 1 to 1024, not 0");
  options.spot_streams_per_connection = 1025;
  EXPECT_EQ(validate(options), "spot streams per connection must be 1 to 1024, not 1025");
}

}  // namespace
}  // namespace depthrec::venues

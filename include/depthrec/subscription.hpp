// What a recorder subscribes to: a key (venue, market, symbol, channel) per stream, and the small
// dense StreamId each key gets when it is subscribed, so the hot path never compares strings.
// The key says what the data is; how a venue names, routes and limits it lives in
// src/venues/<venue>/ (the Binance rules in src/venues/binance/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "depthrec/kline_interval.hpp"
#include "depthrec/market.hpp"

namespace depthrec {

enum class Venue : std::uint8_t { binance };
std::string_view to_string(Venue venue);
std::optional<Venue> parse_venue(std::string_view name);  // "binance"

// The kinds of data a subscription carries. A new kind (trade, aggTrade, kline_<i>, markPrice,
// forceOrder...) is a new value here, its name and route in the venue's folder and its handler:
// the routing from a frame's stream name to its StreamId does not change.
enum class ChannelKind : std::uint8_t {
  diff_depth,     // every book change: a full local book is kept from snapshot + diffs
  partial_depth,  // the top 5/10/20 levels, whole each time
  book_ticker,    // best bid and ask
  trade,          // every trade; ids (`t`) consecutive per symbol
  agg_trade,      // trades aggregated by taker order; ids (`a`) consecutive per symbol
  kline,          // candles of one interval; open times advance by the interval
  mark_price,     // futures mark price, every 3 s or (speed ms1000) every second
  force_order,    // futures liquidation orders
  // USD-M's RPI book (<symbol>@rpiDepth@500ms): diff events of the book with Retail Price
  // Improvement orders, a book of its own synced from its own snapshot (/fapi/v1/rpiDepth) by
  // the same procedure as diff_depth.
  rpi_depth,
};
std::string_view to_string(ChannelKind kind);

// How often a depth stream pushes; exchange_default is the stream name without a speed suffix.
enum class StreamSpeed : std::uint8_t { exchange_default, ms0, ms100, ms250, ms500, ms1000 };
std::string_view to_string(StreamSpeed speed);  // "", "0ms", "100ms", "250ms", "500ms", "1000ms"
std::optional<StreamSpeed> parse_stream_speed(std::string_view text);  // the same spellings

struct Channel {
  ChannelKind kind = ChannelKind::diff_depth;
  std::uint16_t levels = 0;  // partial depth: 5, 10 or 20; 0 for the other kinds
  StreamSpeed speed = StreamSpeed::exchange_default;
  KlineInterval interval = KlineInterval::none;  // kline only

  static Channel diff_depth(StreamSpeed speed) { return {ChannelKind::diff_depth, 0, speed}; }
  static Channel partial_depth(std::uint16_t levels, StreamSpeed speed) {
    return {ChannelKind::partial_depth, levels, speed};
  }
  static Channel book_ticker() {
    return {ChannelKind::book_ticker, 0, StreamSpeed::exchange_default};
  }
  static Channel trade() { return {ChannelKind::trade, 0, StreamSpeed::exchange_default}; }
  static Channel agg_trade() { return {ChannelKind::agg_trade, 0, StreamSpeed::exchange_default}; }
  static Channel kline(KlineInterval interval) {
    return {ChannelKind::kline, 0, StreamSpeed::exchange_default, interval};
  }
  // markPrice (every 3 s) or markPrice@1s.
  static Channel mark_price(bool every_second) {
    return {ChannelKind::mark_price, 0,
            every_second ? StreamSpeed::ms1000 : StreamSpeed::exchange_default};
  }
  static Channel force_order() {
    return {ChannelKind::force_order, 0, StreamSpeed::exchange_default};
  }
  // rpiDepth@500ms: Binance pushes the RPI book every 500 ms only.
  static Channel rpi_depth() { return {ChannelKind::rpi_depth, 0, StreamSpeed::ms500}; }

  friend bool operator==(const Channel& a, const Channel& b) {
    return std::tie(a.kind, a.levels, a.speed, a.interval) ==
           std::tie(b.kind, b.levels, b.speed, b.interval);
  }
  friend bool operator!=(const Channel& a, const Channel& b) { return !(a == b); }
  friend bool operator<(const Channel& a, const Channel& b) {
    return std::tie(a.kind, a.levels, a.speed, a.interval) <
           std::tie(b.kind, b.levels, b.speed, b.interval);
  }
};
// An event channel: one without a book (trade, aggTrade, kline, markPrice, forceOrder), recorded by
// its ChannelHandler (src/session/channel_handler.hpp) on its own, not by a depth stream's
// FeedSession.
bool is_event_channel(ChannelKind kind);

// Binance's spelling: "depth@100ms", "depth", "depth5@100ms", "bookTicker", "trade", "aggTrade",
// "kline_1m", "markPrice", "markPrice@1s", "forceOrder", "rpiDepth@500ms".
std::string to_string(const Channel& channel);

struct SubscriptionKey {
  Venue venue = Venue::binance;
  Market market = Market::usdm;
  std::string symbol;  // as the exchange lists it (upper case on Binance), e.g. "BTCUSDT"
  Channel channel;

  friend bool operator==(const SubscriptionKey& a, const SubscriptionKey& b) {
    return std::tie(a.venue, a.market, a.symbol, a.channel) ==
           std::tie(b.venue, b.market, b.symbol, b.channel);
  }
  friend bool operator!=(const SubscriptionKey& a, const SubscriptionKey& b) { return !(a == b); }
  friend bool operator<(const SubscriptionKey& a, const SubscriptionKey& b) {
    return std::tie(a.venue, a.market, a.symbol, a.channel) <
           std::tie(b.venue, b.market, b.symbol, b.channel);
  }
};
// For logs: "binance:usdm:BTCUSDT:depth@100ms". Peer-controlled symbols are not quoted here:
// keys reach a log only after the venue accepted their symbol's format.
std::string to_string(const SubscriptionKey& key);
std::size_t hash_value(const SubscriptionKey& key);

// A subscribed key's index: dense from 0 in the order keys were subscribed, never reused within
// a run (a late frame of a removed key cannot reach another key's handler).
struct StreamId {
  std::uint32_t value = 0;

  friend bool operator==(StreamId a, StreamId b) { return a.value == b.value; }
  friend bool operator!=(StreamId a, StreamId b) { return a.value != b.value; }
  friend bool operator<(StreamId a, StreamId b) { return a.value < b.value; }
};

}  // namespace depthrec

template <>
struct std::hash<depthrec::SubscriptionKey> {
  std::size_t operator()(const depthrec::SubscriptionKey& key) const noexcept {
    return depthrec::hash_value(key);
  }
};

template <>
struct std::hash<depthrec::StreamId> {
  std::size_t operator()(depthrec::StreamId id) const noexcept { return id.value; }
};

#include "depthrec/subscription.hpp"

namespace depthrec {

std::string_view to_string(Venue venue) {
  switch (venue) {
    case Venue::binance:
      return "binance";
  }
  return "unknown";
}

std::optional<Venue> parse_venue(std::string_view name) {
  if (name == "binance") return Venue::binance;
  return std::nullopt;
}

std::string_view to_string(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::diff_depth:
      return "diff_depth";
    case ChannelKind::partial_depth:
      return "partial_depth";
    case ChannelKind::book_ticker:
      return "book_ticker";
    case ChannelKind::trade:
      return "trade";
    case ChannelKind::agg_trade:
      return "agg_trade";
    case ChannelKind::kline:
      return "kline";
    case ChannelKind::mark_price:
      return "mark_price";
    case ChannelKind::force_order:
      return "force_order";
    case ChannelKind::rpi_depth:
      return "rpi_depth";
  }
  return "unknown";
}

bool is_event_channel(ChannelKind kind) {
  return kind == ChannelKind::trade || kind == ChannelKind::agg_trade ||
         kind == ChannelKind::kline || kind == ChannelKind::mark_price ||
         kind == ChannelKind::force_order;
}

std::string_view to_string(StreamSpeed speed) {
  switch (speed) {
    case StreamSpeed::exchange_default:
      return "";
    case StreamSpeed::ms0:
      return "0ms";
    case StreamSpeed::ms100:
      return "100ms";
    case StreamSpeed::ms250:
      return "250ms";
    case StreamSpeed::ms500:
      return "500ms";
    case StreamSpeed::ms1000:
      return "1000ms";
  }
  return "";
}

std::optional<StreamSpeed> parse_stream_speed(std::string_view text) {
  for (StreamSpeed speed : {StreamSpeed::exchange_default, StreamSpeed::ms0, StreamSpeed::ms100,
                            StreamSpeed::ms250, StreamSpeed::ms500, StreamSpeed::ms1000}) {
    if (to_string(speed) == text) return speed;
  }
  return std::nullopt;
}

std::string to_string(const Channel& channel) {
  std::string text;
  switch (channel.kind) {
    case ChannelKind::diff_depth:
      text = "depth";
      break;
    case ChannelKind::partial_depth:
      text = "depth" + std::to_string(channel.levels);
      break;
    case ChannelKind::book_ticker:
      return "bookTicker";
    case ChannelKind::trade:
      return "trade";
    case ChannelKind::agg_trade:
      return "aggTrade";
    case ChannelKind::kline:
      return "kline_" + std::string(to_string(channel.interval));
    case ChannelKind::mark_price:
      return channel.speed == StreamSpeed::ms1000 ? "markPrice@1s" : "markPrice";
    case ChannelKind::force_order:
      return "forceOrder";
    case ChannelKind::rpi_depth:
      text = "rpiDepth";
      break;
  }
  if (channel.speed != StreamSpeed::exchange_default) {
    text += '@';
    text += to_string(channel.speed);
  }
  return text;
}

std::string to_string(const SubscriptionKey& key) {
  std::string text(to_string(key.venue));
  text += ':';
  text += to_string(key.market);
  text += ':';
  text += key.symbol;
  text += ':';
  text += to_string(key.channel);
  return text;
}

std::size_t hash_value(const SubscriptionKey& key) {
  // The fields that are not the symbol fit in 32 bits; mixed into the symbol's hash.
  const std::size_t small =
      (static_cast<std::size_t>(key.venue) << 24) ^ (static_cast<std::size_t>(key.market) << 16) ^
      (static_cast<std::size_t>(key.channel.kind) << 12) ^
      (static_cast<std::size_t>(key.channel.speed) << 8) ^ key.channel.levels ^
      (static_cast<std::size_t>(key.channel.interval) << 28);
  const std::size_t symbol = std::hash<std::string_view>{}(key.symbol);
  return symbol ^ (small + 0x9e3779b97f4a7c15ull + (symbol << 6) + (symbol >> 2));
}

}  // namespace depthrec

#include "cli/stream_flags.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "config/stream_names.hpp"
#include "venues/binance/binance_streams.hpp"

namespace depthrec::cli {

std::string apply_stream_names(const std::vector<std::string>& names, bool skip_unsupported,
                               RecorderConfig& config, std::vector<Channel>& events,
                               std::vector<std::string>& warnings) {
  std::vector<Channel> depth;
  for (const std::string& name : names) {
    const config::StreamName parsed = config::parse_stream_name(name);
    if (parsed.kind == config::StreamNameKind::unsupported && skip_unsupported) {
      warnings.push_back("--streams: " + parsed.message + "; skipped (--skip-unsupported-streams)");
      continue;
    }
    if (parsed.kind != config::StreamNameKind::recorded) {
      return "--streams: " + parsed.message +
             (parsed.kind == config::StreamNameKind::unsupported
                  ? " (--skip-unsupported-streams records the others)"
                  : "");
    }
    const Channel& channel = parsed.channel;
    if (channel.kind == ChannelKind::book_ticker) {
      config.record_book_ticker = true;
    } else if (is_event_channel(channel.kind) || channel.kind == ChannelKind::rpi_depth) {
      // The RPI book is a stream of its own beside the depth stream, as an event channel is.
      if (std::find(events.begin(), events.end(), channel) == events.end())
        events.push_back(channel);
    } else {
      depth.push_back(channel);
    }
  }
  if (depth.size() > 1)
    return "--streams: one depth stream per symbol (" + to_string(depth[0]) + " and " +
           to_string(depth[1]) + " given)";
  if (depth.empty())
    return "--streams: name the depth stream recorded beside the others (depth, depth@100ms, "
           "depth5...): this build records the event channels (trade, aggTrade, kline_<interval>, "
           "markPrice, forceOrder) beside a depth stream";
  config.depth_levels = depth.front().kind == ChannelKind::partial_depth ? depth.front().levels : 0;
  config.speed = std::string(to_string(depth.front().speed));
  return {};
}

std::string subscribe_event_channels(const std::vector<Channel>& events, RecorderConfig& config) {
  if (events.empty()) return {};
  if (config.symbol_selection.has_all()) {
    // Every symbol the engine resolves or later sees listed gets them (subscriptions_of).
    for (const Channel& channel : events) {
      for (Market market : config.symbol_selection.markets()) {
        const std::string error = venues::binance::check_channel(market, channel);
        if (!error.empty())
          return "--streams " + to_string(channel) + " with --symbols " +
                 std::string(to_string(market)) + ":ALL: " + error;
      }
    }
    config.event_channels = events;
    return {};
  }
  if (config.subscriptions.empty())
    config.subscriptions = subscriptions_of(config, {{config.market, config.symbol}});
  std::vector<std::pair<Market, std::string>> symbols;
  std::set<std::pair<Market, std::string>> seen;
  for (const SubscriptionKey& key : config.subscriptions) {
    if (seen.insert({key.market, key.symbol}).second) symbols.emplace_back(key.market, key.symbol);
  }
  for (const auto& [market, symbol] : symbols) {
    for (const Channel& channel : events)
      config.subscriptions.push_back({Venue::binance, market, symbol, channel});
  }
  return {};
}

std::string check_channels_offered(const RecorderConfig& config) {
  for (const SubscriptionKey& key : config.subscriptions) {
    const std::string error = venues::binance::check_channel(key.market, key.channel);
    if (!error.empty()) return key.symbol + " " + to_string(key.channel) + ": " + error;
  }
  return {};
}

}  // namespace depthrec::cli

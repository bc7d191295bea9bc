#include "cli/config_symbols.hpp"

#include <algorithm>

namespace depthrec::cli {
namespace {

std::string at(const config::LoadedConfig& loaded, int line, const std::string& key) {
  return loaded.file + ":" + std::to_string(line) + ": " + key + ": ";
}

// The symbol's normal book (diff or partial depth), the one a bookTicker rides with.
bool is_depth(const Channel& channel) {
  return channel.kind != ChannelKind::book_ticker && channel.kind != ChannelKind::rpi_depth &&
         !is_event_channel(channel.kind);
}

}  // namespace

std::string subscribe_config_symbols(const config::LoadedConfig& loaded,
                                     bool skip_unsupported_streams, RecorderConfig& config,
                                     SymbolSelection& selection,
                                     std::vector<std::string>& warnings) {
  if (!loaded.unsupported_streams.empty()) {
    if (!skip_unsupported_streams) {
      std::string error = std::to_string(loaded.unsupported_streams.size()) +
                          " stream(s) depthrec does not record yet (pass "
                          "--skip-unsupported-streams to record the others):";
      for (const std::string& stream : loaded.unsupported_streams) error += "\n  " + stream;
      return error;
    }
    for (const std::string& stream : loaded.unsupported_streams)
      warnings.push_back(stream + "; skipped (--skip-unsupported-streams)");
  }
  std::vector<SubscriptionKey> keys;
  selection = {};
  const bool every_book_ticker = config.record_book_ticker;  // --book-ticker: for every symbol
  for (const config::ConfigSymbol& symbol : loaded.symbols) {
    if (!symbol.enabled) continue;
    const Market market = symbol.market.value_or(config.market);
    std::vector<Channel> channels;
    for (const config::ConfigStream& stream : symbol.streams) {
      if (stream.parsed.kind == config::StreamNameKind::recorded)
        channels.push_back(stream.parsed.channel);
    }
    if (every_book_ticker && !channels.empty() &&
        std::find(channels.begin(), channels.end(), Channel::book_ticker()) == channels.end())
      channels.push_back(Channel::book_ticker());
    if (channels.empty()) {
      warnings.push_back(at(loaded, symbol.line, symbol.key) + symbol.symbol +
                         " has no stream depthrec records yet: not recorded");
      continue;
    }
    // A bookTicker rides with its symbol's depth stream (one FeedSession takes both); trade and
    // aggTrade are streams of their own.
    const bool ticker =
        std::find(channels.begin(), channels.end(), Channel::book_ticker()) != channels.end();
    if (ticker && std::none_of(channels.begin(), channels.end(), is_depth))
      return at(loaded, symbol.line, symbol.key + ".streams") + symbol.symbol +
             ": bookTicker is recorded beside a depth stream of its symbol: list one "
             "(e.g. depth@100ms)";
    for (const Channel& channel : channels)
      keys.push_back({Venue::binance, market, symbol.symbol, channel});
    selection.items.push_back({market, symbol.symbol});
  }
  if (keys.empty())
    return loaded.file + ": modes." + loaded.mode +
           ".symbols: no stream depthrec can record (depth, depth@<speed>, "
           "depth<5|10|20>[@<speed>], bookTicker, trade, aggTrade, rpiDepth...)";
  const std::size_t depth_keys = static_cast<std::size_t>(std::count_if(
      keys.begin(), keys.end(), [](const SubscriptionKey& key) { return is_depth(key.channel); }));
  // Event channels and the RPI book are the many-stream engine's.
  const bool events = std::any_of(keys.begin(), keys.end(), [](const SubscriptionKey& key) {
    return is_event_channel(key.channel.kind) || key.channel.kind == ChannelKind::rpi_depth;
  });
  if (depth_keys == 1 && !events) {
    // One depth stream: the seed's single stream, recorded exactly as `--symbol X` records it.
    const auto depth = std::find_if(
        keys.begin(), keys.end(), [](const SubscriptionKey& key) { return is_depth(key.channel); });
    config.market = depth->market;
    config.symbol = depth->symbol;
    config.depth_levels =
        depth->channel.kind == ChannelKind::partial_depth ? depth->channel.levels : 0;
    config.speed = std::string(to_string(depth->channel.speed));
    config.record_book_ticker = keys.size() == 2;
    config.subscriptions.clear();
    return {};
  }
  config.market = keys.front().market;
  config.symbol = keys.front().symbol;
  config.subscriptions = std::move(keys);
  return {};
}

}  // namespace depthrec::cli

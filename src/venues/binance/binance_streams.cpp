#include "venues/binance/binance_streams.hpp"

#include <initializer_list>

namespace depthrec::venues::binance {
namespace {

bool is_futures(Market market) {
  return market != Market::spot;
}

bool speed_offered(Market market, const Channel& channel) {
  const StreamSpeed speed = channel.speed;
  if (speed == StreamSpeed::exchange_default || speed == StreamSpeed::ms100) return true;
  if (!is_futures(market)) return speed == StreamSpeed::ms1000;
  if (speed == StreamSpeed::ms250 || speed == StreamSpeed::ms500) return true;
  return speed == StreamSpeed::ms0 && channel.kind == ChannelKind::diff_depth;
}

std::string offered_speeds(Market market, const Channel& channel) {
  std::string list;
  for (StreamSpeed speed : {StreamSpeed::exchange_default, StreamSpeed::ms0, StreamSpeed::ms100,
                            StreamSpeed::ms250, StreamSpeed::ms500, StreamSpeed::ms1000}) {
    Channel candidate = channel;
    candidate.speed = speed;
    if (!speed_offered(market, candidate)) continue;
    if (!list.empty()) list += ", ";
    list += to_string(candidate);
  }
  return list;
}

}  // namespace

std::string stream_name(std::string_view symbol, const Channel& channel) {
  std::string name = to_lower(symbol);
  name += '@';
  name += to_string(channel);
  return name;
}

bool is_valid_symbol(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 32) return false;
  for (char c : symbol) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string check_channel(Market market, const Channel& channel) {
  const std::string market_name(to_string(market));
  switch (channel.kind) {
    case ChannelKind::book_ticker:
      if (channel.speed != StreamSpeed::exchange_default || channel.levels != 0)
        return "bookTicker has no speed or levels";
      return {};
    case ChannelKind::trade:
    case ChannelKind::agg_trade:
    case ChannelKind::force_order:
      if (channel.speed != StreamSpeed::exchange_default || channel.levels != 0)
        return to_string(channel) + " has no speed or levels";
      if (channel.kind == ChannelKind::force_order && !is_futures(market))
        return market_name + " has no forceOrder (USD-M and COIN-M only)";
      return {};
    case ChannelKind::kline:
      if (channel.interval == KlineInterval::none)
        return "a kline stream needs an interval (" + std::string(kline_interval_list()) + ")";
      if (channel.speed != StreamSpeed::exchange_default || channel.levels != 0)
        return to_string(channel) + " has no speed or levels";
      if (channel.interval == KlineInterval::s1 && is_futures(market))
        return market_name + " has no kline_1s (spot only)";
      return {};
    case ChannelKind::mark_price:
      if (!is_futures(market))
        return market_name + " has no " + to_string(channel) + " (USD-M and COIN-M only)";
      if ((channel.speed != StreamSpeed::exchange_default &&
           channel.speed != StreamSpeed::ms1000) ||
          channel.levels != 0)
        return "markPrice is pushed every 3 s (markPrice) or every second (markPrice@1s)";
      return {};
    case ChannelKind::rpi_depth:
      if (market != Market::usdm)
        return market_name + " has no rpiDepth (the RPI book is USD-M only: rpiDepth@500ms)";
      if (channel.speed != StreamSpeed::ms500 || channel.levels != 0 ||
          channel.interval != KlineInterval::none)
        return "the RPI book is pushed every 500 ms only (rpiDepth@500ms)";
      return {};
    case ChannelKind::diff_depth:
      if (channel.interval != KlineInterval::none) return "diff depth has no interval";
      if (channel.levels != 0) return "diff depth has no levels (partial depth has 5, 10 or 20)";
      break;
    case ChannelKind::partial_depth:
      if (channel.levels != 5 && channel.levels != 10 && channel.levels != 20)
        return "partial depth has 5, 10 or 20 levels, not " + std::to_string(channel.levels);
      break;
  }
  if (!speed_offered(market, channel)) {
    const std::string what =
        channel.kind == ChannelKind::diff_depth ? "diff depth" : "partial depth";
    return market_name + " has no " + what + " at " + std::string(to_string(channel.speed)) + " (" +
           market_name + ": " + offered_speeds(market, channel) + ")";
  }
  return {};
}

}  // namespace depthrec::venues::binance

// The single-symbol recorder's names (depthrec/market.hpp), kept as forwards.
namespace depthrec {

std::string depth_stream_name(std::string_view symbol, const DepthStreamSpec& spec) {
  const StreamSpeed speed = parse_stream_speed(spec.speed).value_or(StreamSpeed::exchange_default);
  const Channel channel =
      spec.levels > 0 ? Channel::partial_depth(static_cast<std::uint16_t>(spec.levels), speed)
                      : Channel::diff_depth(speed);
  return venues::binance::stream_name(symbol, channel);
}

std::string book_ticker_stream_name(std::string_view symbol) {
  return venues::binance::stream_name(symbol, Channel::book_ticker());
}

}  // namespace depthrec

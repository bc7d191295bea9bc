#include "config/stream_names.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace depthrec::config {
namespace {

// Binance market streams (binance-protocol.md, "USD-M routes") depthrec does not record yet.
constexpr std::array<std::string_view, 2> kNotYetRecorded{"ticker", "miniTicker"};

constexpr std::string_view kNotYet = " is a Binance stream depthrec does not record yet";

// "depth", "depth@100ms", "depth20", "depth5@500ms": the depth channel, or nullopt.
std::optional<Channel> parse_depth(std::string_view name) {
  constexpr std::string_view kDepth = "depth";
  if (name.substr(0, kDepth.size()) != kDepth) return std::nullopt;
  std::string_view rest = name.substr(kDepth.size());
  std::string_view speed_text;
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    speed_text = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (speed_text.empty()) return std::nullopt;  // "depth@" names nothing
  }
  const std::optional<StreamSpeed> speed = parse_stream_speed(speed_text);
  if (!speed) return std::nullopt;
  if (rest.empty()) return Channel::diff_depth(*speed);
  if (rest.front() == '0') return std::nullopt;  // "depth05" is not Binance's spelling
  std::uint16_t levels = 0;
  const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), levels);
  if (error != std::errc() || end != rest.data() + rest.size()) return std::nullopt;
  if (levels != 5 && levels != 10 && levels != 20) return std::nullopt;
  return Channel::partial_depth(levels, *speed);
}

}  // namespace

StreamName parse_stream_name(std::string_view name) {
  StreamName result;
  const std::string quoted = "'" + std::string(name) + "'";
  if (const std::optional<Channel> depth = parse_depth(name)) {
    result.kind = StreamNameKind::recorded;
    result.channel = *depth;
    return result;
  }
  // "rpiDepth" is taken for Binance's only RPI stream, rpiDepth@500ms.
  if (name == "rpiDepth") {
    result.kind = StreamNameKind::recorded;
    result.channel = Channel::rpi_depth();
    return result;
  }
  for (const Channel& channel :
       {Channel::book_ticker(), Channel::trade(), Channel::agg_trade(), Channel::mark_price(false),
        Channel::mark_price(true), Channel::force_order(), Channel::rpi_depth()}) {
    if (name == to_string(channel)) {
      result.kind = StreamNameKind::recorded;
      result.channel = channel;
      return result;
    }
  }
  for (std::string_view channel : kNotYetRecorded) {
    if (name == channel) {
      result.kind = StreamNameKind::unsupported;
      result.message = quoted + std::string(kNotYet);
      return result;
    }
  }
  constexpr std::string_view kKline = "kline_";
  if (name.substr(0, kKline.size()) == kKline) {
    const std::string_view interval = name.substr(kKline.size());
    if (const std::optional<KlineInterval> known = parse_kline_interval(interval)) {
      result.kind = StreamNameKind::recorded;
      result.channel = Channel::kline(*known);
      return result;
    }
    result.kind = StreamNameKind::bad_interval;
    result.message = quoted + ": Binance has no kline interval '" + std::string(interval) + "' (" +
                     std::string(kline_interval_list()) + ")";
    return result;
  }
  result.kind = StreamNameKind::unknown;
  result.message = quoted +
                   " is not a Binance stream name (depth, depth@<0ms|100ms|250ms|500ms|1000ms>, "
                   "depth<5|10|20>[@<speed>], bookTicker, trade, aggTrade, kline_<interval>, "
                   "markPrice, markPrice@1s, forceOrder, rpiDepth[@500ms])";
  return result;
}

}  // namespace depthrec::config

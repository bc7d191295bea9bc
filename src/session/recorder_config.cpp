#include "depthrec/recorder_config.hpp"

#include <string>
#include <vector>

#include "venues/binance/binance_endpoints.hpp"
#include "venues/binance/binance_limits.hpp"
#include "venues/binance/binance_streams.hpp"

#include "redis/age_trim.hpp"
#include "redis/redis_url.hpp"
#include "session/market_endpoints.hpp"
#include "session/realtime_priority.hpp"
#include "session/recorder_rest_budgets.hpp"

namespace depthrec {
namespace {

namespace binance = venues::binance;

// 4 columns a level: 1000 levels make a 4003-column `book` table, already unusual to read.
constexpr std::size_t kMaxParquetBookLevels = 1000;

std::string without_trailing_slash(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

// The single-symbol recorder's URLs and weights: thin forwards to the Binance venue
// (src/venues/binance/). A user's --endpoint is used as given (no route added), as before.
std::string stream_url(const RecorderConfig& config) {
  const Channel depth =
      config.depth_levels > 0
          ? Channel::partial_depth(static_cast<std::uint16_t>(config.depth_levels),
                                   StreamSpeed::exchange_default)
          : Channel::diff_depth(StreamSpeed::exchange_default);
  const std::string base =
      config.ws_endpoint.empty()
          ? binance::ws_base("", config.market, binance::route_of(config.market, depth.kind))
          : without_trailing_slash(config.ws_endpoint);
  std::vector<std::string> streams{
      depth_stream_name(config.symbol, DepthStreamSpec{config.depth_levels, config.speed})};
  if (config.record_book_ticker) streams.push_back(book_ticker_stream_name(config.symbol));
  return binance::combined_stream_url(base, streams);
}

std::string snapshot_url(const RecorderConfig& config) {
  if (config.rpi_book) return binance::rpi_snapshot_url(config.rest_endpoint, config.symbol);
  return binance::snapshot_url(config.rest_endpoint, config.market, config.symbol,
                               config.snapshot_limit);
}

int snapshot_weight(const RecorderConfig& config) {
  return config.rpi_book ? binance::kRpiSnapshotWeight
                         : snapshot_weight(config.market, config.snapshot_limit);
}

std::string book_stream_name(const RecorderConfig& config) {
  if (config.rpi_book) return binance::stream_name(config.symbol, Channel::rpi_depth());
  return depth_stream_name(config.symbol, DepthStreamSpec{config.depth_levels, config.speed});
}

std::string server_time_url(const RecorderConfig& config) {
  return binance::rest_url(config.rest_endpoint, config.market, binance::RestEndpoint::server_time);
}

int snapshot_weight(Market market, int limit) {
  return binance::snapshot_weight(market, limit);
}

std::string validate(const RecorderConfig& config) {
  if (!is_valid_symbol(config.symbol))
    return "invalid symbol '" + config.symbol +
           "': use letters, digits, '_' or '-' (1-32 characters)";
  if (config.depth_levels != 0 && config.depth_levels != 5 && config.depth_levels != 10 &&
      config.depth_levels != 20)
    return "invalid depth " + std::to_string(config.depth_levels) + ": use 5, 10, 20 or full";
  static const char* const kSpeeds[] = {"", "0ms", "100ms", "250ms", "500ms", "1000ms"};
  bool speed_ok = false;
  for (const char* speed : kSpeeds) speed_ok = speed_ok || config.speed == speed;
  if (!speed_ok)
    return "invalid speed '" + config.speed + "': use 0ms, 100ms, 250ms, 500ms or 1000ms";
  for (const Channel& channel : config.event_channels) {
    // The RPI book is a stream of its own beside the depth stream, as an event channel is.
    if (!is_event_channel(channel.kind) && channel.kind != ChannelKind::rpi_depth)
      return "event_channels: " + to_string(channel) +
             " is a depth or bookTicker channel (depth_levels, speed and record_book_ticker "
             "name those)";
  }
  if (!binance::is_valid_snapshot_limit(config.market, config.snapshot_limit)) {
    return config.market == Market::spot
               ? "invalid snapshot limit for spot: use 1 to 5000"
               : "invalid snapshot limit for futures: use 5, 10, 20, 50, 100, 500 or 1000";
  }
  if (config.rotate_sec <= 0) return "--rotate-sec must be positive";
  if (config.max_bytes == 0) return "--max-bytes must be positive";
  if (config.backups < 0) return "--backups must be 0 or more";
  if (config.print_interval_sec <= 0) return "--print-interval must be positive";
  if (!config.redis_url.empty()) {
    std::string error;
    if (!redis::parse_redis_url(config.redis_url, error)) return error;
    if (!config.write_files) return "--redis needs the recording files (the complete record)";
  }
  if (!config.parquet_dir.empty() && !config.write_files)
    return "--parquet needs the recording files (the complete record)";
  if (config.parquet_rotate_sec < 1 || config.parquet_rotate_sec > 86'400)
    return "--parquet-rotate must be from 1s to 24h";
  if (config.parquet_row_group_bytes < (64u << 10))
    return "--parquet-row-group-mb must be at least 0.0625 (64 KiB)";
  if (config.parquet_book_levels > 0 && config.parquet_dir.empty())
    return "--parquet-book-levels needs --parquet DIR";
  if (config.parquet_book_levels > kMaxParquetBookLevels)
    return "--parquet-book-levels must be at most " + std::to_string(kMaxParquetBookLevels);
  if (config.parquet_book_every_ns <= 0)
    return "--parquet-book-every must be an interval (100ms, 1s), not `event`";
  if (config.redis_keys != "depthrec" && config.redis_keys != "seed001")
    return "--redis-keys must be depthrec or seed001";
  if (config.redis_queue_capacity < 2) return "--redis-queue must be at least 2";
  if (!config.redis_max_age.empty() && !redis::parse_duration_ms(config.redis_max_age))
    return "--redis-max-age wants a duration such as 90s, 10m, 2h or 1d (at most 365d), not '" +
           config.redis_max_age + "'";
  if (!config.redis_max_age.empty() && config.redis_url.empty())
    return "--redis-max-age needs --redis";
  if (config.redis_book_every > 0 && config.redis_book_every_ms > 0)
    return "--redis-book-every is N events or a duration, not both";
  if ((config.redis_book_every > 0 || config.redis_book_every_ms > 0) && config.redis_url.empty())
    return "--redis-book-every needs --redis (book entries exist in Redis only)";
  if (config.realtime_priority < 0 || config.realtime_priority > session::kMaxRealtimePriority)
    return "--realtime-priority must be 0 (off) or 1 to " +
           std::to_string(session::kMaxRealtimePriority);
  if (config.exchange_info_interval_sec < 0)
    return "--exchange-info-interval-sec must be 0 (off) or more";
  if (config.run_minutes && !(*config.run_minutes > 0 && *config.run_minutes <= 1e8))  // NaN, inf
    return "--run-minutes must be positive (at most 1e8)";
  if (config.queue_capacity == 0) return "--queue-capacity must be positive";
  if (config.max_queue_bytes < config.max_frame_bytes)
    return "--queue-max-bytes must be at least --max-frame-bytes (a record up to a frame's size)";
  if (config.max_buffered_events == 0) return "--max-buffered-events must be positive";
  if (config.max_buffered_bytes == 0) return "--max-buffered-bytes must be positive";
  if (config.presync_tail.count() < 0) return "--presync-tail-ms must not be negative";
  if (config.max_presync_buffer_bytes < (std::size_t{1} << 20))
    return "--max-presync-buffer-mb must be at least 1";
  if (config.max_book_levels < 5000)
    return "--max-book-levels must be at least 5000 (a snapshot's levels)";
  if (config.max_unwritten_bytes < (2u << 20))
    return "--max-unwritten-bytes must be at least 2097152 (2 MiB: a flush's worth plus room)";
  if (config.gzip_level < 1 || config.gzip_level > 9) return "--gzip-level must be 1 to 9";
  if (config.stall_timeout.count() <= 0) return "--stall-timeout must be positive";
  if (config.backoff_max.count() <= 0) return "--backoff-max-ms must be positive";
  if (config.rest_timeout.count() <= 0) return "--rest-timeout-ms must be positive";
  if (config.rest_weight_per_minute < 0) return "--rest-weight-per-minute must not be negative";
  if (config.rest_weight_window.count() <= 0) return "--rest-weight-window-ms must be positive";
  // Written as !(x > 0 && x <= 1) so that NaN is refused too.
  if (!(config.rest_safety_share > 0 && config.rest_safety_share <= 1))
    return "--rest-safety-share must be above 0 and at most 1";
  if (!(config.rest_initial_share > 0 && config.rest_initial_share <= 1))
    return "--rest-initial-share must be above 0 and at most 1";
  if (config.rpi_book && (config.market != Market::usdm || config.depth_levels != 0))
    return "the RPI book (rpiDepth) is a full USD-M book: market usdm, no levels";
  if (config.depth_levels == 0) {
    // A snapshot the budget can never admit would fail at every retry: say so at the start.
    const transport::RestBudgetConfig budget = session::feed_rest_budget(config);
    const int room = transport::rest_weight_limit(budget, transport::RestPriority::initial);
    const int weight = snapshot_weight(config);
    if (weight > room)
      return "a snapshot of --snapshot-limit " +
             std::to_string(config.rpi_book ? binance::kRpiSnapshotLimit : config.snapshot_limit) +
             " weighs " + std::to_string(weight) + ", more than the " + std::to_string(room) +
             " of the REST budget (" + std::to_string(budget.weight_per_window) +
             " per window, --rest-initial-share) an initial sync may use";
  }
  if (config.max_connection_age.count() <= 0) return "--max-connection-age-sec must be positive";
  if (config.rollover_timeout.count() <= 0) return "rollover timeout must be positive";
  if (config.write_files && config.data_dir.empty()) return "--data-dir must not be empty";
  // A symbol's depth stream and its bookTicker share a connection: at least 2 per connection.
  if (config.futures_streams_per_connection < 2 ||
      config.futures_streams_per_connection > binance::kMaxFuturesStreamsPerConnection)
    return "--futures-streams-per-connection must be 2 to " +
           std::to_string(binance::kMaxFuturesStreamsPerConnection);
  if (config.spot_streams_per_connection < 2 ||
      config.spot_streams_per_connection > binance::kSpotStreamsPerConnection)
    return "--spot-streams-per-connection must be 2 to " +
           std::to_string(binance::kSpotStreamsPerConnection);
  return {};
}

std::vector<SubscriptionKey> subscriptions_of(
    const RecorderConfig& config, const std::vector<std::pair<Market, std::string>>& symbols) {
  const StreamSpeed speed =
      parse_stream_speed(config.speed).value_or(StreamSpeed::exchange_default);
  const Channel depth =
      config.depth_levels > 0
          ? Channel::partial_depth(static_cast<std::uint16_t>(config.depth_levels), speed)
          : Channel::diff_depth(speed);
  std::vector<SubscriptionKey> keys;
  for (const auto& [market, symbol] : symbols) {
    keys.push_back(SubscriptionKey{Venue::binance, market, to_upper(symbol), depth});
    if (config.record_book_ticker)
      keys.push_back(
          SubscriptionKey{Venue::binance, market, to_upper(symbol), Channel::book_ticker()});
    for (const Channel& channel : config.event_channels)
      keys.push_back(SubscriptionKey{Venue::binance, market, to_upper(symbol), channel});
  }
  return keys;
}

RecorderConfig stream_config(const RecorderConfig& config, const SubscriptionKey& depth_key,
                             bool with_book_ticker) {
  RecorderConfig out = config;
  out.subscriptions.clear();  // one stream's copy: thousands of them must not hold the list
  out.symbol_selection = {};
  out.event_channels.clear();
  out.market = depth_key.market;
  out.symbol = depth_key.symbol;
  out.depth_levels =
      depth_key.channel.kind == ChannelKind::partial_depth ? depth_key.channel.levels : 0;
  out.speed = std::string(to_string(depth_key.channel.speed));
  out.record_book_ticker = with_book_ticker;
  out.rpi_book = depth_key.channel.kind == ChannelKind::rpi_depth;
  out.ws_endpoint = session::ws_endpoint_of(config, depth_key.market);
  out.rest_endpoint = session::rest_endpoint_of(config, depth_key.market);
  return out;
}

}  // namespace depthrec

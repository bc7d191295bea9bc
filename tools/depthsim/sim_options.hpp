// Everything the simulator can be told on its command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fault_plan.hpp"
#include "listing_schedule.hpp"
#include "market_spec.hpp"

namespace depthsim {

// One market the process serves on its own listener, with its symbols and their rates.
struct MarketSymbols {
  Market market = Market::usdm;
  std::vector<std::string> symbols;
  std::vector<double> rates;  // events/s per symbol (parallel to symbols); empty: --rate each
};

struct SimOptions {
  // Network
  std::uint16_t port = 0;  // 0: the OS chooses
  std::string port_file;
  bool tls = true;
  std::string cert_out;  // where the generated certificate (the clients' CA file) is written
  std::string cert_file;
  std::string key_file;

  // Market model
  Market market = Market::usdm;
  std::vector<std::string> symbols{"BTCUSDT"};  // upper case
  std::vector<double> symbol_rates;  // parallel to symbols when --total-rate spreads the rate
  // Every market the process serves (--symbols market:SYM, --symbol-count): one listener each,
  // in this order. The exchange of markets[i] gets options_for_market(options, i).
  std::vector<MarketSymbols> markets;
  double total_rate = 0;       // > 0: events/s over all symbols of all markets, Zipf-spread
  double zipf_exponent = 1.8;  // rank k's share ~ 1 / (k + 20)^exponent
  std::uint64_t seed = 1;
  double rate = 100;             // events per second per symbol; 0 = as fast as clients take them
  std::uint64_t max_events = 0;  // per symbol; 0 = unlimited
  double duration_sec = 0;       // stop generating after this long; 0 = never
  double exit_after_sec = 0;     // shut down cleanly after this long; 0 = never
  bool start_on_subscribe = false;
  std::int64_t clock_offset_ms = 0;  // exchange clock = local clock + offset
  // Rate 0 waits while a client has more queued; a client with more than slow_client_bytes
  // queued is disconnected.
  std::size_t pacing_buffer_bytes = std::size_t{4} * 1024 * 1024;
  std::size_t slow_client_bytes = std::size_t{256} * 1024 * 1024;

  // Connection rules
  double ping_interval_sec = 0;  // 0: the market default (180 futures, 20 spot)
  double pong_timeout_sec = 0;   // 0: the market default (600 futures, 60 spot)
  double max_connection_age_sec = 86400;
  int message_limit_per_sec = 0;                  // 0: the market default (10 futures, 5 spot)
  std::size_t max_streams_per_connection = 1024;  // URL or SUBSCRIBE beyond it: refused

  // REST request weight per IP per minute: spot's own, USD-M and COIN-M share one since 2026.
  int rest_weight_spot = 6000;
  int rest_weight_futures = 2400;

  // Listings and delistings at a time (--list-after, --delist-after); options_for_market keeps
  // the market's own.
  std::vector<ScheduledListing> scheduled_listings;

  // Faults
  std::vector<PlannedFault> faults;
  std::vector<RestFaultSpec> rest_faults;
  int rest_delay_ms = 15000;  // the rest timeout fault answers this late
  // The REST weight window (rest_weight_budget.hpp): Binance's is the clock minute; tests
  // shorten it to see a budget's pacing within seconds.
  int rest_weight_window_ms = 60000;
  // Hostile volumes on every diff event (synthetic_book.hpp): N removals of absent far levels
  // (large frames, the book unchanged), N new far asks kept in the book (a level flood).
  std::size_t large_event_levels = 0;
  std::size_t level_flood = 0;
  // One trade group (trade and aggTrade events) every N depth events of a symbol; 0: none.
  std::uint64_t trade_every = 1;
  // Aggregate trades each symbol keeps for the aggTrades REST query (older ids: an empty list).
  std::size_t trade_history = 10000;

  // Replay
  std::string replay_file;
  std::vector<std::string> replay_companions;  // merged by receive time (cryptofeed REST replies)
  double replay_speed = 1;  // 1 original timing, 10 ten times faster, 0 as fast as possible
};

// The options of the exchange serving options.markets[index] (its market, symbols, rates and
// the market's defaults for pings and the incoming message limit).
SimOptions options_for_market(const SimOptions& options, std::size_t index);

// Parses the command line. Returns nullopt and fills `message` on --help (exit_code 0) or an
// error (exit_code 2); defaults that depend on the market are resolved.
std::optional<SimOptions> parse_command_line(int argc, const char* const* argv,
                                             std::string& message, int& exit_code);

}  // namespace depthsim

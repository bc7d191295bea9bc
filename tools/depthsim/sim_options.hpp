// Everything the simulator can be told on its command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fault_plan.hpp"
#include "market_spec.hpp"

namespace depthsim {

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
  int message_limit_per_sec = 0;  // 0: the market default (10 futures, 5 spot)

  // Faults
  std::vector<PlannedFault> faults;
  std::vector<RestFaultSpec> rest_faults;
  int rest_delay_ms = 15000;  // the rest timeout fault answers this late
  // REST weight per IP (rest_weight_meter.hpp): over the limit, 429 + Retry-After. 0: counted in
  // X-MBX-USED-WEIGHT-1M and /sim/stats, never refused.
  int rest_weight_limit = 0;
  int rest_weight_window_ms = 60000;
  // Hostile volumes on every diff event (synthetic_book.hpp): N removals of absent far levels
  // (large frames, the book unchanged), N new far asks kept in the book (a level flood).
  std::size_t large_event_levels = 0;
  std::size_t level_flood = 0;

  // Replay
  std::string replay_file;
  std::vector<std::string> replay_companions;  // merged by receive time (cryptofeed REST replies)
  double replay_speed = 1;  // 1 original timing, 10 ten times faster, 0 as fast as possible
};

// Parses the command line. Returns nullopt and fills `message` on --help (exit_code 0) or an
// error (exit_code 2); defaults that depend on the market are resolved.
std::optional<SimOptions> parse_command_line(int argc, const char* const* argv,
                                             std::string& message, int& exit_code);

}  // namespace depthsim

// Hand-made book states for the OFI tests: levels from decimal text, ids chained like futures.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/decimal.hpp"
#include "ofi_calculator.hpp"

namespace depthrec::ofi::test {

inline Decimal dec(const std::string& text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

using Levels = std::vector<std::pair<std::string, std::string>>;  // (price, qty), best first

inline std::vector<PriceLevel> levels(const Levels& text) {
  std::vector<PriceLevel> out;
  for (const auto& [price, qty] : text) out.push_back(PriceLevel{dec(price), dec(qty)});
  return out;
}

// A futures state: U = u = id, pu = id - 1, so consecutive ids continue each other.
inline TopOfBook state(std::uint64_t id, std::int64_t event_ms, const Levels& bids,
                       const Levels& asks) {
  TopOfBook top;
  top.first_id = id;
  top.final_id = id;
  top.prev_final_id = id - 1;
  top.has_prev_final_id = true;
  top.kind = DepthKind::diff;
  top.event_time_ms = event_ms;
  top.recv_ns = event_ms * 1'000'000 + 250'000;  // received 0.25 ms after E
  top.synced = true;
  top.bids = levels(bids);
  top.asks = levels(asks);
  return top;
}

// Collects every window a calculator emits.
struct Collected {
  std::vector<OfiWindow> windows;
  OfiCalculator::WindowSink sink() {
    return [this](const OfiWindow& window) { windows.push_back(window); };
  }
};

inline OfiConfig count_windows(std::uint64_t events, std::size_t levels = 1) {
  OfiConfig config;
  config.levels = levels;
  config.window_ms = 0;
  config.window_events = events;
  return config;
}

inline OfiConfig time_windows(std::int64_t ms, std::size_t levels = 1,
                              WindowClock clock = WindowClock::event_time) {
  OfiConfig config;
  config.levels = levels;
  config.window_ms = ms;
  config.clock = clock;
  return config;
}

}  // namespace depthrec::ofi::test

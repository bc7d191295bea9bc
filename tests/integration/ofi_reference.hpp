// OFI recomputed from a depthrec recording, independently of depthrec's code: its own decimal
// parser, a std::map book rebuilt from the snapshot and depth lines (docs/records.md), its own
// windows. The end-to-end test compares it with what depthrec-ofi computed live.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

namespace itest {

struct ReferenceOptions {
  std::size_t levels = 5;
  std::int64_t window_ms = 0;       // time windows on the event time E, or
  std::uint64_t window_events = 0;  // count windows
};

struct ReferenceWindow {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  bool complete = true;
  std::uint64_t events = 0;
  std::uint64_t transitions = 0;
  std::uint64_t gaps = 0;
  std::uint64_t first_id = 0;
  std::uint64_t last_id = 0;
  std::vector<double> mlofi;
  std::int64_t best_bid_units = 0;  // price x 10^8 at the window's last state
  std::int64_t best_ask_units = 0;
};

// Price text ("63943.90") as an integer number of 10^-8 units.
std::int64_t price_units(const std::string& text);

// Book states are those the recorder hands to its callback: the book after each depth event that
// arrives once a snapshot is in (events recorded before the snapshot line are applied with it,
// and events older than it are dropped). A snapshot after the first one restarts the OFI chain.
// Futures (pu) recordings only, full book.
std::vector<ReferenceWindow> reference_ofi(const std::vector<rapidjson::Document>& records,
                                           const ReferenceOptions& options);

}  // namespace itest

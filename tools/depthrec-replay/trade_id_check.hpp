// depthrec-replay's check of the id-sequenced channels (trade `t`, aggTrade `a`) in a depthrec
// recording: per stream, each recorded id is the last + 1, or the ids between are named by the
// `gap` record (reason id_gap, from..to) written just before it. A jump no gap record marks, an
// id twice or going back makes the recording inconsistent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/replay_reader.hpp"

namespace depthrec::replay {

struct TradeStreamReport {
  std::string stream;   // "btcusdt@aggTrade"
  std::string channel;  // "trade", "aggTrade"
  std::uint64_t events = 0;
  std::uint64_t marked_gaps = 0, missing_ids = 0;  // jumps a gap record names
  std::uint64_t unmarked_gaps = 0;                 // jumps no gap record names
  std::uint64_t out_of_order = 0;                  // an id not above the last
  std::optional<std::uint64_t> first_id, last_id;
  bool consistent() const { return unmarked_gaps == 0 && out_of_order == 0; }
};

class TradeIdCheck {
 public:
  // True when `item` is one of the check's (a trade/aggTrade record or an id_gap gap record):
  // the book verifiers do not see it.
  bool take(const ReplayItem& item);
  std::vector<TradeStreamReport> reports() const;
  bool consistent() const;

 private:
  struct Pending {
    std::uint64_t from = 0, to = 0;
  };
  std::map<std::string, TradeStreamReport> streams_;
  std::map<std::string, Pending> pending_gaps_;  // by stream: the gap record not yet followed
};

}  // namespace depthrec::replay

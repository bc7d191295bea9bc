// depthrec-replay's check of the id-sequenced channels (trade `t`, aggTrade `a`) in a depthrec
// recording: per stream, each recorded id is the last + 1, or the ids between are named by the
// `gap` record (reason id_gap, from..to) written just before it. A jump no gap record marks, an
// id twice or going back makes the recording inconsistent.
// --repair-trades recordings: trades with source rest fill a marked gap (each id of it at most
// once, in id order, never outside it) and its gap_fill record closes it: "filled" must hold
// every id of the gap; a partial or failed repair leaves the gap marked (reported unfilled).
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
  std::string market;   // the records' `market` ("" for a raw capture): BTCUSDT on spot and on
                        // USD-M are two streams of one name
  std::string channel;  // "trade", "aggTrade"
  std::uint64_t events = 0;
  std::uint64_t marked_gaps = 0, missing_ids = 0;  // jumps a gap record names
  std::uint64_t unmarked_gaps = 0;                 // jumps no gap record names
  std::uint64_t out_of_order = 0;                  // an id not above the last
  // --repair-trades
  std::uint64_t filled_gaps = 0;    // gaps whose every id was recorded from REST
  std::uint64_t unfilled_gaps = 0;  // marked gaps not filled (no repair, partial or failed)
  std::uint64_t rest_trades = 0;    // trades recorded from REST into a gap
  std::uint64_t bad_repairs = 0;    // a REST trade outside an open gap or twice, a false "filled"
  std::optional<std::uint64_t> first_id, last_id;
  bool consistent() const { return unmarked_gaps == 0 && out_of_order == 0 && bad_repairs == 0; }
};

// What the checks key a stream by: its market and name ("usdm:btcusdt@trade"), so that one
// symbol's streams on two markets are checked apart.
inline std::string market_stream_key(const ReplayItem& item) {
  return (item.market ? std::string(to_string(*item.market)) + ":" : std::string()) +
         std::string(item.stream);
}

class TradeIdCheck {
 public:
  // True when `item` is one of the check's (a trade/aggTrade record, an id_gap gap record or a
  // gap_fill record): the book verifiers do not see it.
  bool take(const ReplayItem& item);
  std::vector<TradeStreamReport> reports() const;
  bool consistent() const;

 private:
  struct Pending {
    std::uint64_t from = 0, to = 0;
  };
  // A marked gap not closed by its gap_fill yet: the REST trades recorded into it.
  struct OpenGap {
    std::uint64_t to = 0;
    std::uint64_t filled = 0;
    std::optional<std::uint64_t> last_rest_id;
  };
  void take_rest_trade(TradeStreamReport& report, const std::string& stream, std::uint64_t id);
  void take_gap_fill(const ReplayItem& item, const ReplayGapFill& fill);
  TradeStreamReport& report_of(const ReplayItem& item);

  std::map<std::string, TradeStreamReport> streams_;
  std::map<std::string, Pending> pending_gaps_;  // by stream: the gap record not yet followed
  std::map<std::string, std::map<std::uint64_t, OpenGap>> open_gaps_;  // by stream, by `from`
  std::map<std::string, std::uint64_t> gaps_marked_;  // by stream: gap records seen
};

}  // namespace depthrec::replay

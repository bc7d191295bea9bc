// depthrec-replay's cross-check of kline streams against the recorded trades (issue 13 item 6):
// a closed candle names its trades (k.f..k.L); when every one of them was recorded (the symbol's
// `trade` records, else its `aggTrade` records, whose f..l ranges must tile the candle's ids
// exactly), its open, high, low, close, base and quote volumes, trade count and taker-buy
// volumes must equal what those trades imply, and each trade's time must lie in the candle.
// A candle whose trades were not all recorded (before the recording began, a gap) or that has no
// trade is skipped and counted. Quote volumes are compared at Binance's 8 decimals: the exact sum
// of price x quantity may have 16, and the exchange's own rounding of it is not documented.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/replay_reader.hpp"

namespace depthrec::replay {

struct KlineCrossReport {
  static constexpr std::size_t kMaxListedMismatches = 5;
  std::string stream;                         // "btcusdt@kline_1m"
  std::uint64_t closed = 0;                   // closed candles recorded
  std::uint64_t verified = 0;                 // equal to their recorded trades
  std::uint64_t skipped = 0;                  // trades not all recorded, or none in the candle
  std::uint64_t mismatched = 0;               // differing from their recorded trades
  std::vector<std::string> first_mismatches;  // "candle <UTC open> (open_time N): high ..."
  bool consistent() const { return mismatched == 0; }
};

class KlineTradeCheck {
 public:
  // Looks at every item (takes none): trade and aggTrade events, closed kline updates.
  void observe(const ReplayItem& item);
  // Compares every closed candle with its trades; one report per kline stream, by name.
  std::vector<KlineCrossReport> finish();

 private:
  // One trade (first == last) or one aggregate trade (its trades first..last).
  struct Piece {
    std::int64_t last = 0;
    Decimal price, quantity;
    bool buyer_is_maker = false;
    std::int64_t time_ms = 0;
  };
  using Pieces = std::map<std::int64_t, Piece>;  // by first trade id
  struct Candle {
    std::string book;  // market:symbol
    std::string stream;
    std::int64_t open_time = 0, close_time = 0, first_id = -1, last_id = -1;
    Decimal open, high, low, close, base, quote, taker_base, taker_quote;
    std::uint64_t count = 0;
  };
  static std::string compare(const Candle& candle, const Pieces& pieces);

  std::map<std::string, Pieces> trades_, agg_trades_;  // by book
  std::vector<Candle> candles_;
};

}  // namespace depthrec::replay

// A symbol's trades, consistent with its book: each group is one taker order that takes liquidity
// at the top of the book (a buyer lifts the best ask, a seller hits the best bid) in 1-3 fills of
// at most the level's quantity. Trade ids (`t`) and aggregate ids (`a`) are consecutive per
// symbol, as Binance's; `f..l` of an aggTrade are the trade ids it covers. Its own seeded
// generator: the book's sequence of updates is the same with or without trades.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "level_book.hpp"
#include "market_spec.hpp"
#include "seeded_random.hpp"

namespace depthsim {

struct TradeGroup {
  std::uint64_t agg_id = 0;
  std::uint64_t first_trade_id = 0, last_trade_id = 0;
  std::int64_t price = 0;           // in the symbol's price units
  std::vector<std::int64_t> fills;  // quantity of each trade, in qty units
  bool buyer_is_maker = false;      // a seller took the bid
  std::int64_t event_ms = 0, trade_ms = 0;
};

class TradeTape {
 public:
  TradeTape(const std::string& symbol, std::uint64_t seed);

  // The next group at the book's top, with `fills` trades (0: 1-3, drawn); nullopt-like empty
  // fills when the taken side has no level.
  TradeGroup next(const LevelBook& book, std::int64_t event_ms, std::size_t fills = 0);

 private:
  SeededRandom random_;
  std::uint64_t next_trade_id_ = 1'000'000;
  std::uint64_t next_agg_id_ = 500'000;
};

// Payloads as Binance sends them (binance-protocol.md): spot trade e,E,s,t,p,q,T,m,M; futures
// trade e,E,T,s,t,p,q,X,m; aggTrade e,E,s,a,p,q,f,l,T,m (+ spot M, USD-M nq and st).
std::string render_trade(Market market, const SymbolSpec& spec, const TradeGroup& group,
                         std::size_t fill);
std::string render_agg_trade(Market market, const SymbolSpec& spec, const TradeGroup& group);

}  // namespace depthsim

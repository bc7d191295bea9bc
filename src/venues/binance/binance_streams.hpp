// Binance's stream names and which channels each market offers (binance-protocol.md, "Endpoints"
// and "2026 changes"). Names are lower case on the wire except the `bookTicker` suffix.
#pragma once

#include <string>
#include <string_view>

#include "depthrec/subscription.hpp"

namespace depthrec::venues::binance {

// "<symbol lower case>@<channel>": btcusdt@depth@100ms, btcusdt@depth5, btcusdt@bookTicker.
std::string stream_name(std::string_view symbol, const Channel& channel);

// Binance symbols: 1 to 32 of A-Z, 0-9 and '_' (BTCUSDT, 1000SATSUSDT, BTCUSD_PERP,
// BTCUSDT_250328), upper case as exchangeInfo lists them.
bool is_valid_symbol(std::string_view symbol);

// Empty when the market offers the channel, else why not, e.g. "spot has no diff depth at 0ms
// (spot: depth, depth@100ms, depth@1000ms)". Spot pushes diff and partial depth at its default
// 1000 ms or 100 ms; futures at their default 250 ms or 0/100/250/500 ms (0 ms only for diffs);
// partial depth has 5, 10 or 20 levels; bookTicker has no speed; rpiDepth is USD-M's, at 500 ms.
std::string check_channel(Market market, const Channel& channel);

}  // namespace depthrec::venues::binance

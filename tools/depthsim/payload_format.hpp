// Binance's exact JSON shapes, rendered by hand from integer levels (fast, fixed decimals).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "level_book.hpp"
#include "market_spec.hpp"

namespace depthsim {

// Diff depth: futures {"e":"depthUpdate","E","T","s",("ps" coinm),"U","u","pu","b","a"};
// spot {"e":"depthUpdate","E","s","U","u","b","a"}.
std::string render_diff_depth(Market market, const SymbolSpec& spec, const BookUpdate& update);

// Partial depth of `levels` from `book` at `update`: futures a depthUpdate carrying the top
// levels and the update's U/u/pu; spot {"lastUpdateId","bids","asks"}.
std::string render_partial_depth(Market market, const SymbolSpec& spec, const LevelBook& book,
                                 std::size_t levels, const BookUpdate& update);

// bookTicker at `update` (u = update.last_id): futures {"e","u","s","b","B","a","A","T","E"},
// spot {"u","s","b","B","a","A"}.
std::string render_book_ticker(Market market, const SymbolSpec& spec, const LevelBook& book,
                               const BookUpdate& update);

// REST snapshot: {"lastUpdateId",("E","T" futures),"bids","asks"}; depth 0 = every level.
std::string render_snapshot(Market market, const SymbolSpec& spec, const LevelBook& book,
                            std::size_t depth, std::int64_t event_ms, std::int64_t transaction_ms);

// {"stream":"<stream>","data":<payload>}
std::string wrap_combined(std::string_view stream, std::string_view payload);

// `text` (JSON) pretty-printed: `newline` and indentation after every '{' '[' ',' and before
// every '}' ']', spaces and tabs around ':' and ','; strings untouched. Still the same JSON.
// (exchange_hostile_events.cpp)
std::string pretty_json(std::string_view text, std::string_view newline);

// A JSON string literal with quotes and escapes ("a\"b").
void append_json_string(std::string& out, std::string_view text);

}  // namespace depthsim

// Holding an aggTrade key's lines while the recorder repairs a trade-id gap (--repair-trades), so
// that the Redis stream gets the repaired trades in aggTrade id order. Pure: no I/O, no clock
// (the caller gives the time), one thread (the sink's).
//
// Why: an entry's id is its aggTrade id (<a>-0, entry_planner.hpp) and XADD refuses an id at or
// below the stream's top, so trades fetched from REST after the live trades that follow their
// gap would be refused. Instead, per key:
//   - an id_gap `gap` line passes at once (the consumer learns of the hole), and the key's later
//     lines are held: live trades, the REST trades (source rest), further gap lines;
//   - the gap's `gap_fill` line releases what is held, sorted: aggTrades by id, the gap_fill just
//     after its range's ids (before the first live trade past the gap), any other line after the
//     trade it followed. Held lines beyond a gap still waiting for its gap_fill stay held.
//   - bounds: more than max_lines held on a key, or its oldest held line older than max_wait_ms,
//     and the key gives its pending gaps up: what is held is released sorted, and what comes
//     later for those gaps (REST trades, the gap_fill) is "late".
//     LateLines::skip (the live sink): late lines are not published; when the gap_fill ends the
//     repair, ONE skipped range names them (the sink's redis_drop gap entry: depthrec-replay
//     --to-redis can fill it). LateLines::pass (the replay, whose fill script inserts below the
//     top): late lines are released as they come.
// Lines of other channels, and aggTrade keys with no gap pending, pass straight through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/stream_entry.hpp"

namespace depthrec::redis {

struct RepairHoldLimits {
  // A repair takes one REST request per 1000 ids, below every book's snapshot in priority: a
  // second or two normally. Past this, consumers would wait too long for the key's trades.
  std::size_t max_lines = 20'000;     // held lines per key
  std::int64_t max_wait_ms = 10'000;  // the oldest held line of a key
};

enum class LateLines : std::uint8_t { skip, pass };

struct RepairHoldCounts {
  std::uint64_t lines_held = 0;     // lines that waited for a gap_fill
  std::uint64_t gaps_released = 0;  // gaps whose gap_fill released their key's lines in order
  std::uint64_t gaps_given_up = 0;  // gaps whose key hit a bound (lines, time) or was flushed
  std::uint64_t late_lines = 0;     // lines of a given-up gap that came after it was given up
  std::uint64_t holding = 0;        // lines held now (every key)
};

// What to plan, in order: a line (of `stream`; `publish` is the caller's flag, carried through),
// or, when `skipped_key` is set, what that key lost (SkippedRange: a redis_drop gap entry).
struct ReleasedLine {
  std::string line;
  std::string stream;
  bool publish = true;
  std::string skipped_key;
  SkippedRange skipped;
};

class RepairHold {
 public:
  RepairHold(KeyOptions keys, RepairHoldLimits limits, LateLines late)
      : keys_(keys), limits_(limits), late_(late) {}

  // One recorded line (no '\n') of `stream` at `now_ms`. True: the caller plans it now, as it is
  // (nothing else is released: no copy made). False: the hold took it, and `out` has what is ready
  // to plan now, in order (maybe nothing).
  bool offer(std::string_view line, std::string_view stream, bool publish, std::int64_t now_ms,
             std::vector<ReleasedLine>& out);
  // Keys whose oldest held line is older than max_wait_ms give their gaps up (released sorted).
  void expire(std::int64_t now_ms, std::vector<ReleasedLine>& out);
  // `key` gives its gaps up now (the sink is about to mark lines of it skipped: order first).
  void release_key(const std::string& key, std::vector<ReleasedLine>& out);
  // Every key gives its gaps up (at stop, at the end of a replay).
  void release_all(std::vector<ReleasedLine>& out);

  bool holding() const { return counts_.holding > 0; }
  const RepairHoldCounts& counts() const { return counts_; }

 private:
  struct Gap {
    std::uint64_t from = 0, to = 0;
    std::int64_t opened_ms = 0;
    bool closed = false;
  };
  struct GivenUp {
    std::uint64_t from = 0, to = 0;
    SkippedRange late;
  };
  struct Held {
    std::string line, stream;
    bool publish = true;
    std::uint64_t order_id = 0;  // the aggTrade id it sorts at
    bool after_id = false;       // a non-trade line: after the trade with order_id
  };
  struct KeyState {
    std::deque<Gap> open;  // gaps awaiting their gap_fill, in the order they opened
    std::vector<Held> held;
    std::uint64_t last_id = 0;  // the highest live aggTrade id held (where a marker sorts)
    std::vector<GivenUp> given_up;
  };
  // A line's part in the hold; computed only for aggTrade streams.
  struct Role;

  // A REST trade or gap_fill of a gap given up: true when it was one (then handled).
  bool take_late_line(KeyState& state, const std::string& key, const Role& role,
                      const LineFields& fields, std::string_view line, std::string_view stream,
                      bool publish, std::vector<ReleasedLine>& out);
  // Keeps the line; false when the key holds nothing (the caller plans the line itself).
  bool hold_if_holding(KeyState& state, const Role& role, std::string_view line,
                       std::string_view stream, bool publish);
  // Releases what precedes the first gap still open (everything when none is), sorted.
  void release_ready(KeyState& state, std::vector<ReleasedLine>& out);
  void give_up(KeyState& state, std::vector<ReleasedLine>& out);

  KeyOptions keys_;
  RepairHoldLimits limits_;
  LateLines late_;
  std::unordered_map<std::string, KeyState> states_;
  RepairHoldCounts counts_;
};

}  // namespace depthrec::redis

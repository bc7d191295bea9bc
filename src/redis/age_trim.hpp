// Trimming streams by age (--redis-max-age) although entry ids are exchange sequences, not times.
// XADD ... MINID ~ <id> drops the entries whose id is below <id>; ours are <sequence>-<n>, so an
// age needs a time -> sequence mapping. Each key keeps marks (event time E, sequence), one a
// second at most; the MINID of an entry is the newest mark at least AGE older (by E) than the
// entry's own E. So what is trimmed is always older than AGE by exchange event time (sequences
// grow with E within a stream), and what is kept is at most AGE + 1 s old, plus what Redis keeps
// with `~` (whole stream nodes, 100 entries by default). Two recorders of one stream compute the
// same MINIDs from the same events: no clock of theirs is involved.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <utility>

namespace depthrec::redis {

// "500ms", "90s", "10m", "2h", "1d" -> milliseconds; nullopt for anything else, 0 or more than
// 365 days.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

class SequenceClock {
 public:
  static constexpr std::int64_t kMarkEveryMs = 1000;

  // Notes that `sequence` had event time `time_ms`. Returns the sequence below which the key's
  // entries are older than `age_ms`: the newest mark whose time <= time_ms - age_ms (nullopt
  // while no mark is that old).
  std::optional<std::uint64_t> note(std::int64_t time_ms, std::uint64_t sequence,
                                    std::int64_t age_ms);

 private:
  std::deque<std::pair<std::int64_t, std::uint64_t>> marks_;  // (E ms, sequence), oldest first
  std::optional<std::uint64_t> threshold_;
};

}  // namespace depthrec::redis

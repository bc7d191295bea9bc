// The entries the Redis sink publishes, with ids derived from the exchange sequence so that Redis
// itself keeps one copy of each event however many recorders publish it (exactly-once fan-in).
// Pure: no I/O, one thread (the sink's).
//
// Entry ids, per key:
//   a record with a sequence (depth/ticker u, trade t, aggTrade a)   <seq>-0
//   a record without one (snapshot, gap, resync, ...)                 <last seq>-<n>, n = 1, 2...
//     after the last sequenced record of the key, so it keeps its place in exchange order; one
//     that comes before any sequenced record of its key is held (at most kMaxHeld per key) and
//     published just before the first one, as <seq - 1>-<n>
//   the connections stream (connect, disconnect, subscription)       * (server time: each
//     recorder's connection records are its own, no copy of another's)
// XADD refuses an id equal to or below the stream's top ("The ID specified in XADD is equal or
// smaller than the target stream top item"): a second recorder's copy of an event is refused
// by Redis and counted as a duplicate, and a batch resent after a lost connection cannot double
// anything.
//
// Lines the sink had to skip (its queue was full, Redis refused them) become ONE `gap` entry per
// key and episode, naming the sequence range skipped: {type: gap, reason: redis_drop, from, to,
// dropped}, id <to>-<n>, so a consumer sees where its stream has a hole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "redis/age_trim.hpp"
#include "redis/stream_entry.hpp"

namespace depthrec::redis {

struct PlannedEntry {
  std::string key;
  std::string id;      // "<ms>-<seq>" or "*"
  std::string min_id;  // XADD MINID ~ <min_id> (--redis-max-age; age_trim.hpp); empty: none
  std::vector<std::pair<std::string, std::string>> fields;
  std::optional<std::uint64_t> sequence;  // the exchange sequence it carries, if any
  std::optional<std::int64_t> recv_ns;    // the frame's receipt (the sink's write lag)
  bool gap = false;                       // a redis_drop gap entry of the sink's own
  // A gap entry's range (what it says was skipped), so a gap entry Redis refuses (OOM) is merged
  // into the next one instead of lost.
  std::uint64_t gap_count = 0;
  std::optional<std::uint64_t> gap_first, gap_last;
  std::string market;  // the record's identity, for a gap entry naming it
  std::string symbol;
  std::string stream;
};

// What was skipped of one key in one episode.
struct SkippedRange {
  std::uint64_t count = 0;
  std::optional<std::uint64_t> first_sequence;  // lowest and highest sequence among them
  std::optional<std::uint64_t> last_sequence;
  std::string market;
  std::string symbol;
  std::string stream;
  void add(const LineFields& fields, std::string_view stream_name);
  void add(const PlannedEntry& entry);  // an entry Redis refused (a gap entry: its whole range)
  void add(std::string_view market_name, std::string_view symbol_name, std::string_view stream_name,
           std::optional<std::uint64_t> sequence);

 private:
  void widen(std::optional<std::uint64_t> sequence);
};

// Where the entries of a stream's lines go, and who they are about (a gap entry names them): one
// per stream name and the market and symbol its lines carry (as they carry them: empty when
// absent), owned by the planner, which finds it once per stream rather than per line.
struct EntryRoute {
  std::string stream;
  std::string market;
  std::string symbol;
  std::string key;
};

// An entry's id: the server's ("*") or <ms>-<seq>.
struct EntryId {
  bool server = false;
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  std::string text() const;
};

// One entry of the line being planned, by reference: valid during EntryOutput::add_line only.
struct LineEntry {
  const EntryRoute& route;
  std::string_view line;
  const LineFields& fields;  // parse_line_fields(line)
  EntryId id;
  std::string_view min_id;  // XADD MINID ~ <min_id>; empty: none
};

// Where the planner puts what it plans: entries it owns (held markers it releases, gap entries),
// and the entry of the line being planned by reference, so that the sink writes that one
// straight into its batch (entry_batch.hpp) without building a PlannedEntry.
class EntryOutput {
 public:
  EntryOutput() = default;
  virtual ~EntryOutput() = default;
  virtual void add(PlannedEntry&& entry) = 0;
  virtual void add_line(const LineEntry& entry) = 0;

 protected:  // copied and moved as the class it is, never sliced
  EntryOutput(const EntryOutput&) = default;
  EntryOutput(EntryOutput&&) = default;
  EntryOutput& operator=(const EntryOutput&) = default;
  EntryOutput& operator=(EntryOutput&&) = default;
};

// The PlannedEntry of a line's entry (what EntryOutput::add_line stands for).
PlannedEntry planned_entry(const LineEntry& entry);

class EntryPlanner {
 public:
  static constexpr std::size_t kMaxHeld = 64;

  // `max_age_ms` > 0: entries carry the MINID that trims their key to that age (age_trim.hpp).
  explicit EntryPlanner(KeyOptions options, std::int64_t max_age_ms = 0)
      : options_(options), max_age_ms_(max_age_ms) {}

  // The entries for one recorded line (no '\n') of `stream`, appended to `out`: held markers
  // first when the line releases them. Lines with nothing to publish (empty) add none.
  void plan_line(std::string_view line, std::string_view stream, std::vector<PlannedEntry>& out);
  // The same, for the sink's hot path: `stream` is a slot stream_slot() gave, and the entries go
  // to `out`, the line's own by reference.
  void plan_line(std::string_view line, std::uint32_t stream, EntryOutput& out);
  // The slot of a stream name (the same name, the same slot).
  std::uint32_t stream_slot(std::string_view stream);
  // The stream name of a slot stream_slot() gave (valid until the next new slot).
  std::string_view slot_stream(std::uint32_t slot) const { return stream_names_[slot]; }

  // Records of `key` were skipped: its gap entry is appended to `out` (held like a marker when
  // the key has no sequence yet and the range none either). Markers after it go after `to`.
  void plan_skipped(const std::string& key, const SkippedRange& range,
                    std::vector<PlannedEntry>& out);
  void plan_skipped(const std::string& key, const SkippedRange& range, EntryOutput& out);

  // Markers held for want of a sequence that were given up (kMaxHeld exceeded, or at stop).
  std::uint64_t markers_abandoned() const { return markers_abandoned_; }
  // Gives up the held markers (at stop): counted in markers_abandoned.
  void abandon_held();

  const KeyOptions& options() const { return options_; }

 private:
  struct KeyState {
    std::optional<std::uint64_t> last_sequence;
    std::uint64_t next_sub = 1;
    std::vector<PlannedEntry> held;
    SequenceClock clock;  // --redis-max-age
    std::string min_id;
  };
  // A route and its key's state (nullptr for the connections stream: server ids, no state).
  struct Route {
    EntryRoute route;
    KeyState* state = nullptr;
  };
  void place_marker(KeyState& state, PlannedEntry entry, EntryOutput& out);
  Route& route_of(std::uint32_t stream, const LineFields& fields);

  KeyOptions options_;
  std::int64_t max_age_ms_ = 0;
  std::unordered_map<std::string, KeyState> keys_;  // node-based: a Route keeps its KeyState*
  std::deque<Route> routes_;                        // stable addresses: entries refer to them
  std::vector<std::string> stream_names_;           // by slot
  std::vector<std::vector<Route*>> stream_routes_;  // by slot: one per market and symbol seen
  std::map<std::string, std::uint32_t, std::less<>> slots_;
  std::string connection_min_id_;  // the last connections entry's MINID (its text, by reference)
  std::uint64_t markers_abandoned_ = 0;
};

// XADD's arguments for `entry` (views into it and `maxlen`): XADD key, the trimming (MINID ~
// min_id when the entry has one, else MAXLEN ~ maxlen unless maxlen is empty; Redis takes one
// strategy a command), the id and the fields.
void xadd_arguments(const PlannedEntry& entry, std::string_view maxlen,
                    std::vector<std::string_view>& argv);

// Entry fields of a line: data, type, symbol, the sequence by its exchange name, E.
std::vector<std::pair<std::string, std::string>> entry_fields(std::string_view line,
                                                              const LineFields& fields);

}  // namespace depthrec::redis

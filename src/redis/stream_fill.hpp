// Filling a stream's holes (depthrec-replay --to-redis): entries planned by the live sink's
// EntryPlanner, so with the ids the live sink gives them, written where they belong even below the
// stream's top, which XADD refuses. One Lua script per batch of one key, atomic, so a live sink
// publishing the same key at the same time neither interleaves with it nor doubles anything:
//   - an event (<seq>-0) whose id is in the stream is already present;
//   - a marker (<seq>-<n>: snapshot, resync, ...) is already present when an entry at <seq>-*
//     holds the same `data`; when its planned id is taken (by the live sink's own gap entry, which
//     the live sink numbered first) it goes after the entries at <seq>-*;
//   - what is missing above the top is XADDed; what is missing below it makes the script take the
//     entries after the lowest missing id out (XDEL), set the top back (XSETID) and XADD both in
//     id order, with their ids and fields unchanged.
// No trimming: the live sink's next XADD MAXLEN ~ trims as usual. Consumer groups keep their last
// delivered id, so a group that read past a hole does not get its fill (re-read it with XRANGE,
// or start a group before it: XGROUP CREATE key group <id>).
// The script starts with `#!lua` (Redis 7 flags): under maxmemory with noeviction Redis refuses
// the whole script up front instead of failing it between its XDEL and XADD.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/redis_connection.hpp"

namespace depthrec::redis {

struct FillCounts {
  std::uint64_t published = 0;     // entries added
  std::uint64_t present = 0;       // entries the stream already had
  std::uint64_t refused = 0;       // entries of batches Redis refused (OOM, WRONGTYPE, ...)
  std::uint64_t gaps_removed = 0;  // redis_drop gap entries deleted: the range they named is filled
  std::string last_error;
};

// The script's text (its arguments: fill_arguments).
const std::string& fill_script();

// EVAL's arguments for `entries` (all of one key, in planned order): EVAL <script> 1 <key>, then
// per entry its id, its field count and its fields (names and values).
std::vector<std::string> fill_arguments(const std::vector<PlannedEntry>& entries);

// Fills one batch (one key) on `connection`. False (with `error`) when the connection failed;
// a refusal by Redis is counted in `counts` (refused, last_error) and returns true.
bool fill_batch(RedisConnection& connection, const std::vector<PlannedEntry>& entries,
                FillCounts& counts, std::string& error);

// Deletes the sink's redis_drop gap entries of `key` whose sequence range lies within
// [first_sequence, last_sequence] (a range the caller filled completely). False on a connection
// failure or a refusal (`error`).
bool remove_filled_gaps(RedisConnection& connection, const std::string& key,
                        std::uint64_t first_sequence, std::uint64_t last_sequence,
                        FillCounts& counts, std::string& error);

}  // namespace depthrec::redis

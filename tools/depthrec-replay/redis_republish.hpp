// depthrec-replay --to-redis: republishes a time range of a depthrec recording into Redis with the
// keys, fields and exactly-once ids of the live sink (--redis): every line goes through the live
// sink's EntryPlanner in recording order (lines before the range too, so that markers get the
// numbers the live sink gave them), and what falls in the range is filled into its stream
// (redis/stream_fill.hpp): entries already there are counted as present, missing ones are written
// where they belong, even below the stream's top. A redis_drop gap entry of the live sink whose
// whole sequence range the replayed range covered is deleted once its entries are in. aggTrade
// lines go through the live sink's trade-repair hold (redis/repair_hold.hpp, on the recording's
// clock), so repaired trades and their gap_fill get the ids the live sink gave them.
// The connections stream (connect, disconnect) is not republished: its entries have server ids
// (each recorder's own), so nothing could tell a copy from a new one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "redis/stream_entry.hpp"
#include "redis/stream_fill.hpp"

namespace depthrec::replay {

struct RepublishOptions {
  std::string url;                      // redis://... or unix://...
  std::optional<std::int64_t> from_ns;  // recv_ns range, both ends included
  std::optional<std::int64_t> to_ns;
  std::set<std::string> symbols;  // upper case; empty: every symbol
  redis::KeyOptions keys;
  std::size_t batch = 512;  // entries per script call (one key)
};

struct RepublishResult {
  std::uint64_t lines = 0;               // record lines read
  std::uint64_t in_range = 0;            // of them in the range (and of the symbols asked)
  std::uint64_t connection_records = 0;  // of those, the connections stream's: not republished
  std::uint64_t unreadable = 0;          // lines without a stream or recv_ns (not depthrec's)
  redis::FillCounts counts;
  std::vector<std::string> errors;  // inputs that could not be read, Redis unreachable
  bool ok() const { return errors.empty() && counts.refused == 0; }
};

RepublishResult republish_to_redis(const std::vector<std::string>& inputs,
                                   const RepublishOptions& options);

// --from / --to: an ISO-8601 UTC time (2024-07-18T23:57:02.504Z) or ns since the epoch (ns:N, or
// 19+ digits).
std::optional<std::int64_t> parse_time_bound(const std::string& text);

// "published 5, already present 950, refused 0, gap entries removed 1 (lines 1200 read, ...)".
std::string republish_summary(const RepublishResult& result);

}  // namespace depthrec::replay

// One Redis stream entry as the sink published it (README "Redis Streams"), decoded for a book
// consumer: its id (<seq>-<n>), its `type` field, and for the entries a book needs the record in
// `data` parsed by the recording's own NDJSON reader (depth events; `snapshot` and `book` entries,
// where a book can start; `gap` entries, the recorder's breaks and the sink's redis_drop). Pure: no
// I/O. A malformed entry is refused with why (counted by the caller), never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "depthrec/replay_reader.hpp"

namespace depthrec::consume {

enum class EntryKind : std::uint8_t {
  depth,  // a depth event (item.depth)
  start,  // a `snapshot` (the REST snapshot a sync used) or `book` entry: item.snapshot
  gap,    // a gap entry: the recorder's (a break it saw) or the sink's own (redis_drop)
  other,  // anything else (resync, connect, ticker, trades...): counted, not used for books
};

struct StreamId {
  std::uint64_t ms = 0;   // the exchange sequence for the sink's ids
  std::uint64_t seq = 0;  // 0 for an event, n >= 1 for a marker placed after it
};
// "<ms>-<seq>" as Redis writes ids; false for anything else.
bool parse_stream_id(std::string_view text, StreamId& out);

struct DecodedEntry {
  StreamId id;
  EntryKind kind = EntryKind::other;
  std::string type;         // the entry's `type` field
  bool redis_drop = false;  // a gap entry of the sink's own (reason redis_drop)
  std::string data;         // the record line: item's views point into it
  ReplayItem item;          // depth / start
};

using EntryFields = std::vector<std::pair<std::string, std::string>>;

class EntryDecoder {
 public:
  // Decodes the entry `id` with `fields` into `out`; an empty string on success, else why the
  // entry was refused (the caller counts it and goes on).
  std::string decode(std::string_view id, const EntryFields& fields, DecodedEntry& out);

 private:
  ReplayLineParser parser_;
};

}  // namespace depthrec::consume

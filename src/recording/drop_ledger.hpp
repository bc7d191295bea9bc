// Lines lost per stream, waiting for their writer_drop marker. One writer serves many streams:
// the next line it accepts after a drop is usually another stream's, so a marker built from that
// line's context would put the hole on the wrong stream. The ledger keys the lost lines by
// RecordContext::stream_id and keeps each stream's latest context for its marker.
// Not thread-safe: the owner guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "depthrec/records.hpp"

namespace depthrec::recording {

class DropLedger {
 public:
  // Stream ids are dense (the engine's StreamId): a larger one is refused by note_context.
  static constexpr std::uint32_t kMaxStreamId = (1u << 22) - 1;

  // Keeps the context of `context.stream_id` (copied only when it changed: a reconnect's new
  // conn_id). Returns false for an id above kMaxStreamId.
  // An id is one stream, so its stream name stays; what may change under it is conn_id, market
  // and symbol (the connections stream's records carry each connection's first symbol). The name
  // is therefore compared by length only: every line passes here, and comparing the heap-held
  // name was most of the writer's per-line cost at 1,500 streams (a cache miss and a memcmp).
  bool note_context(const RecordContext& context);
  // The context last noted for `stream_id` (an empty one for an id never noted).
  const RecordContext& context(std::uint32_t stream_id) const;

  void add(std::uint32_t stream_id, std::uint64_t lines);
  std::uint64_t pending(std::uint32_t stream_id) const;
  // Returns the stream's pending count and clears it.
  std::uint64_t take(std::uint32_t stream_id);
  // The stream that has waited longest for its marker, if any.
  std::optional<std::uint32_t> next_pending();
  bool any() const { return streams_pending_ > 0; }
  // Moves every pending count into `other` (oldest first).
  void move_all_into(DropLedger& other);

 private:
  struct Entry {
    RecordContext context;
    std::uint64_t pending = 0;
    bool queued = false;  // in order_ (possibly stale: pending back to 0)
  };
  Entry& entry(std::uint32_t stream_id);

  std::vector<Entry> entries_;
  std::deque<std::uint32_t> order_;  // streams by first drop; stale entries skipped lazily
  std::size_t streams_pending_ = 0;
};

}  // namespace depthrec::recording

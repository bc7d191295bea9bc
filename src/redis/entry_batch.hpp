// EntryBatch: the XADDs of one pipelined batch of the Redis sink, written in RESP as the planner
// hands them over (entry_planner.hpp), and what settling each reply needs. A line's own entry
// goes from the line straight into the buffer: no PlannedEntry, no field strings, its key and
// identity by reference to the planner's route. Entries the planner owns (held markers, gap
// entries: rare) are kept whole. clear() keeps every buffer's capacity for the next batch.
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/entry_planner.hpp"

namespace depthrec::redis {

class EntryBatch final : public EntryOutput {
 public:
  // `maxlen`: XADD MAXLEN ~ <maxlen> for entries without a MINID; empty: no MAXLEN.
  explicit EntryBatch(std::string maxlen = {}) : maxlen_(std::move(maxlen)) {}

  void add(PlannedEntry&& entry) override;
  void add_line(const LineEntry& entry) override;
  void clear();

  std::string_view commands() const { return commands_; }  // the batch's XADDs, in RESP
  std::size_t size() const { return notes_.size(); }       // XADDs written
  bool empty() const { return notes_.empty(); }

  // The i-th entry's key, whether it is a gap entry of the sink's own, and its frame's receipt.
  const std::string& key(std::size_t i) const;
  bool is_gap(std::size_t i) const;
  std::optional<std::int64_t> recv_ns(std::size_t i) const { return notes_[i].recv_ns; }
  // The i-th entry, refused by Redis, into what its key's next gap entry says was skipped.
  void add_skipped(std::size_t i, SkippedRange& range) const;

 private:
  struct Note {
    const EntryRoute* route = nullptr;  // a line's entry; else owned_[owned]
    std::size_t owned = 0;
    std::optional<std::uint64_t> sequence;
    std::optional<std::int64_t> recv_ns;
  };
  void note_line(const LineEntry& entry);

  std::string maxlen_;
  std::string commands_;
  std::vector<Note> notes_;
  std::vector<PlannedEntry> owned_;
  std::vector<std::string_view> argv_;  // an owned entry's XADD (capacity reused)
};

}  // namespace depthrec::redis

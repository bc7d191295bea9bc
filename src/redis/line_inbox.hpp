// LineInbox: the Redis sink's queue between offer() (the recording threads) and its own thread.
// The lines lie back to back in one buffer, each with its stream and the time it was offered,
// and between them the notes of what keys lost (lines dropped before them). The sink's thread
// takes a whole inbox at once by swapping it with its drained one, so an offer copies its line
// into memory already there (no allocation once the buffers have grown, no free on another
// thread) and never waits for more than that swap. Pure; the caller locks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/entry_planner.hpp"

namespace depthrec::redis {

class LineInbox {
 public:
  using Clock = std::chrono::steady_clock;
  using Skipped = std::map<std::string, SkippedRange>;  // by key
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

  // `kept_bytes`: the buffers clear() keeps for the next lines (the queue's byte bound: memory
  // faulted in once is reused, not given back and faulted in again at each burst).
  explicit LineInbox(std::size_t kept_bytes = kChunkBytes) : kept_bytes_(kept_bytes) {}

  void push_line(std::string_view line, std::uint32_t stream, Clock::time_point offered);
  void push_note(Skipped&& skipped);
  // Empties it, keeping up to kept_bytes of buffers.
  void clear();

  std::size_t size() const { return items_.size(); }  // lines and notes
  bool empty() const { return items_.empty(); }
  std::size_t lines() const { return lines_; }
  std::size_t bytes() const { return bytes_; }

  bool is_note(std::size_t i) const { return items_[i].note; }
  std::string_view line(std::size_t i) const;
  std::uint32_t stream(std::size_t i) const { return items_[i].stream; }
  Clock::time_point offered(std::size_t i) const { return items_[i].offered; }
  const Skipped& note(std::size_t i) const { return notes_[items_[i].offset]; }

 private:
  struct Item {
    std::size_t chunk = 0;
    std::size_t offset = 0;  // a line's first byte in its chunk; a note's index in notes_
    std::size_t size = 0;
    std::uint32_t stream = 0;
    bool note = false;
    Clock::time_point offered;
  };
  // The lines, in chunks of kChunkBytes (a longer line has one of its own) that never grow
  // past their capacity: no copy of what they hold, no doubling of one huge buffer.
  std::vector<std::string> chunks_;
  std::size_t chunks_used_ = 0;  // chunks_[0, chunks_used_) hold lines, the last one filling
  std::vector<Item> items_;
  std::vector<Skipped> notes_;
  std::size_t lines_ = 0;
  std::size_t bytes_ = 0;
  std::size_t kept_bytes_;
};

// The streams offered lines name, by a small index (what a LineInbox item carries instead of the
// name): found by the caller's own id for the stream when it has one (RecordContext::stream_id)
// and that id still names it, else by name. Pure; the caller locks.
class StreamIndex {
 public:
  std::uint32_t index_of(std::string_view stream, std::optional<std::uint32_t> id);
  const std::string& name(std::uint32_t index) const { return names_[index]; }
  std::size_t size() const { return names_.size(); }

 private:
  static constexpr std::uint32_t kHintedIds = 1U << 16;  // a process has a few hundred streams
  std::vector<std::string> names_;
  std::map<std::string, std::uint32_t, std::less<>> by_name_;
  std::vector<std::uint32_t> by_id_;  // id -> index + 1 (0: none)
};

}  // namespace depthrec::redis

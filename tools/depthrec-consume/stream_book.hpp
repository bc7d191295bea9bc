// The book of one Redis stream rebuilt from its entries alone, in id order: it starts at the
// first `snapshot`/`book` entry (events before it wait in the synchroniser's buffer, as in the
// recorder, so a REST snapshot taken after some events still joins), then applies each depth
// event under Binance's continuity rules (BookSynchronizer: futures pu == last u, spot U == last
// u + 1). A break is `marked` when a gap entry (the recorder's, or the sink's redis_drop) came
// since the book was last continuous, `unmarked` otherwise; after a break the book waits for the
// next start entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "depthrec/book_sync.hpp"
#include "entry_decoder.hpp"

namespace depthrec::consume {

struct StreamCounts {
  std::uint64_t entries = 0;  // every entry processed (malformed ones included)
  std::uint64_t depth_events = 0;
  std::uint64_t applied = 0;        // depth events applied to a synced book
  std::uint64_t start_entries = 0;  // snapshot and book entries
  std::uint64_t books_synced = 0;   // starts a book joined (the first one and after breaks)
  std::uint64_t gap_entries = 0;    // gap entries (redis_drop ones included)
  std::uint64_t redis_drops = 0;    // of them, the sink's own
  std::uint64_t breaks = 0;         // continuity lost between two events
  std::uint64_t unmarked_breaks = 0;
  std::uint64_t stale = 0;      // events at or below the book (duplicates, before a start)
  std::uint64_t malformed = 0;  // entries refused by the decoder
  std::uint64_t claimed = 0;    // entries taken over from another consumer (XAUTOCLAIM)
};

class StreamBook {
 public:
  // A decoded entry, in id order. Returns true when the book changed (an event applied or a
  // start joined).
  bool apply(const DecodedEntry& entry);
  void count_malformed() {
    ++counts_.entries;
    ++counts_.malformed;
  }
  void count_claimed(std::uint64_t n) { counts_.claimed += n; }

  const StreamCounts& counts() const { return counts_; }
  // The synchroniser, once the first entry told the market (null before).
  const BookSynchronizer* sync() const { return sync_ ? &*sync_ : nullptr; }
  std::string_view symbol() const { return symbol_; }

 private:
  void on_break();

  StreamCounts counts_;
  std::optional<BookSynchronizer> sync_;
  std::string symbol_;
  bool gap_marked_ = false;  // a gap entry came since the book was last continuous
};

}  // namespace depthrec::consume

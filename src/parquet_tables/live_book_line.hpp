// A book state on its way to the live `book` dataset (--parquet-book-levels): the recorder's
// sampler (on its network thread) encodes it as one line for the live sink's bounded queue, the
// same queue as the record lines, and the sink's worker decodes it. The line starts with a byte
// no record line starts with ('\x1e', record lines are JSON objects), then tab-separated fields:
//   book  market  symbol  sample_ns  book_recv_ns  update_id  bids  asks
// each side `price:qty,price:qty,...` best first (empty when the side has no level), decimals in
// their canonical text (exact).
#pragma once

#include <string>
#include <string_view>

#include "parquet_tables/book_state.hpp"

namespace depthrec::export_parquet {

inline constexpr char kBookLineMark = '\x1e';

inline bool is_book_line(std::string_view line) {
  return !line.empty() && line.front() == kBookLineMark;
}

// Appends `state` as a book line (no newline) to `out`.
void append_book_line(std::string& out, const BookState& state);

// Decodes a book line into `state`: "" or why the line is not one (a field missing or malformed,
// a side with more than `max_levels` levels).
std::string parse_book_line(std::string_view line, BookState& state, std::size_t max_levels);

}  // namespace depthrec::export_parquet

// One book state of the `book` table: the top levels of a symbol's book at a sample time (built
// by depthrec-export's BookStates, written by append_book_row).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/order_book.hpp"

namespace depthrec::export_parquet {

struct BookState {
  std::string market, symbol;
  std::int64_t sample_ns = 0;     // the grid point (or, every event, the change's receive time)
  std::int64_t book_recv_ns = 0;  // receive time of the item that made this state
  std::uint64_t update_id = 0;    // the book's last applied u
  std::vector<PriceLevel> bids, asks;  // best first, at most `levels` each
};

}  // namespace depthrec::export_parquet

// --csv: the top N levels after every change of a valid book, one row each:
// recv_ns,u,bid1,bidqty1,...,bidN,bidqtyN,ask1,askqty1,...,askN,askqtyN (empty when absent).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "depthrec/order_book.hpp"

namespace depthrec::replay {

class BookCsv {
 public:
  // `path` "-" is stdout. Check ok() after construction and error() after close().
  BookCsv(const std::string& path, std::size_t levels);
  ~BookCsv();
  BookCsv(const BookCsv&) = delete;
  BookCsv& operator=(const BookCsv&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void row(std::int64_t recv_ns, const OrderBook& book);
  // Flushes and closes (a file) or flushes (stdout); false when anything failed to be written.
  bool close();

 private:
  void append_side(const std::vector<PriceLevel>& levels);

  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::size_t levels_;
  std::string path_;
  std::string line_;
  std::vector<PriceLevel> bids_, asks_;
  std::string error_;
};

}  // namespace depthrec::replay

#include "book_csv.hpp"

#include <cerrno>
#include <cstring>

namespace depthrec::replay {

BookCsv::BookCsv(const std::string& path, std::size_t levels) : levels_(levels), path_(path) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "w");
    owns_file_ = file_ != nullptr;
    if (file_ == nullptr) {
      error_ = path + ": cannot create: " + std::strerror(errno);
      return;
    }
  }
  line_ = "recv_ns,u";
  for (const char* side : {"bid", "ask"}) {
    for (std::size_t i = 1; i <= levels_; ++i) {
      line_ += std::string(",") + side + std::to_string(i) + "," + side + "qty" + std::to_string(i);
    }
  }
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

BookCsv::~BookCsv() {
  if (owns_file_) std::fclose(file_);
}

void BookCsv::append_side(const std::vector<PriceLevel>& levels) {
  char number[kMaxDecimalChars];
  for (std::size_t i = 0; i < levels_; ++i) {
    line_ += ',';
    if (i < levels.size()) line_.append(number, format_decimal(levels[i].price, number));
    line_ += ',';
    if (i < levels.size()) line_.append(number, format_decimal(levels[i].qty, number));
  }
}

void BookCsv::row(std::int64_t recv_ns, const OrderBook& book) {
  if (file_ == nullptr) return;
  book.top(levels_, bids_, asks_);
  line_ = std::to_string(recv_ns);
  line_ += ',';
  line_ += std::to_string(book.last_update_id());
  append_side(bids_);
  append_side(asks_);
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

bool BookCsv::close() {
  if (file_ == nullptr) return false;
  bool written = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  if (owns_file_) {
    written = std::fclose(file_) == 0 && written;
    owns_file_ = false;
  }
  file_ = nullptr;
  if (!written && error_.empty()) error_ = path_ + ": write failed";
  return written;
}

}  // namespace depthrec::replay

// The cursor of the one-pass frame scanners (depth_frame_scanner, book_ticker_scanner): each step
// matches what Binance writes or fails, and a failure makes the scanner decline (the generic
// JSON walk then decides). No allocation; views point into the scanned text.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"

namespace depthrec::json {

class ScanCursor {
 public:
  explicit ScanCursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool at_end() const { return p_ == end_; }
  const char* position() const { return p_; }

  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool eat(std::string_view literal) {
    if (static_cast<std::size_t>(end_ - p_) < literal.size()) return false;
    if (literal.compare(0, literal.size(), p_, literal.size()) != 0) return false;
    p_ += literal.size();
    return true;
  }

  // `{` of a raw payload, or `{"stream":"<name>","data":{` of the combined wrapper (the name
  // must not be empty: the generic walk refuses an empty one).
  bool open_payload(std::string_view& stream, bool& wrapped) {
    stream = {};
    if (!eat('{')) return false;
    wrapped = eat(std::string_view("\"stream\":"));
    return !wrapped || (string(stream) && !stream.empty() && eat(std::string_view(",\"data\":{")));
  }

  // The payload's `}` (and the wrapper's), then nothing more.
  bool close_payload(bool wrapped) { return eat('}') && (!wrapped || eat('}')) && at_end(); }

  // A string without escapes, control characters or bytes >= 0x80 (those need the generic
  // walk's decoding and UTF-8 check): the view between the quotes.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* start = p_;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    return false;
  }

  // A JSON unsigned integer of 1 to 19 digits (always below 2^64), followed by ',' or '}': a
  // fraction or an exponent is not an id.
  bool integer(std::uint64_t& out) {
    const char* start = p_;
    std::uint64_t value = 0;
    for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
      value = value * 10 + static_cast<std::uint64_t>(*p_ - '0');
    }
    const auto digits = p_ - start;
    if (digits == 0 || digits > 19 || (digits > 1 && *start == '0')) return false;
    if (p_ == end_ || (*p_ != ',' && *p_ != '}')) return false;
    out = value;
    return true;
  }

  // A quoted decimal, converted in the pass that finds its end (the closing quote).
  bool decimal(Decimal& out) {
    if (!eat('"')) return false;
    const char* const stop = parse_decimal_prefix(p_, end_, out);
    if (stop == nullptr || stop == end_ || *stop != '"') return false;
    p_ = stop + 1;
    return true;
  }

  // [["price","qty"],...] into `levels` (cleared first), its text into `raw`.
  bool levels(std::size_t max_levels, std::vector<PriceLevel>& levels, std::string_view& raw) {
    const char* start = p_;
    if (!eat('[')) return false;
    levels.clear();
    if (!eat(']')) {
      do {
        PriceLevel level;
        if (!eat('[') || !decimal(level.price) || !fits_book_price(level.price) || !eat(',') ||
            !decimal(level.qty) || !eat(']')) {
          return false;
        }
        if (levels.size() >= max_levels) return false;
        levels.push_back(level);
      } while (eat(','));
      if (!eat(']')) return false;
    }
    raw = std::string_view(start, static_cast<std::size_t>(p_ - start));
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

// A time in ms must fit int64 (the generic walk refuses a larger one as bad_number).
inline bool fits_time(std::uint64_t ms) {
  return ms <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

}  // namespace depthrec::json

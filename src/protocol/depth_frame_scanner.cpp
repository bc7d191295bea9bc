// One pass over the text with a cursor; every step either matches what Binance writes or declines.
// Declining is always safe (the generic walk follows), so each check is the simplest that keeps
// the answer equal to the generic one: e.g. ids of 20 digits, which the generic walk would range-
// check, are declined rather than checked here.
#include "protocol/depth_frame_scanner.hpp"

#include <cstdint>
#include <limits>

#include "protocol/depth_stream_kind.hpp"

namespace depthrec::json {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

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

// The payload fields, one bit each.
constexpr unsigned kEventType = 1U << 0;
constexpr unsigned kEventTime = 1U << 1;
constexpr unsigned kTransactionTime = 1U << 2;
constexpr unsigned kSymbol = 1U << 3;
constexpr unsigned kFirstId = 1U << 4;
constexpr unsigned kFinalId = 1U << 5;
constexpr unsigned kPrevFinalId = 1U << 6;
constexpr unsigned kBids = 1U << 7;
constexpr unsigned kAsks = 1U << 8;
constexpr unsigned kRequired =
    kEventType | kEventTime | kSymbol | kFirstId | kFinalId | kBids | kAsks;

// Reads one "key":value of the payload; the field it was, or 0 to decline.
unsigned read_member(Cursor& in, std::size_t max_levels, Frame& out, std::uint64_t& event_time,
                     std::uint64_t& transaction_time) {
  std::string_view key;
  if (!in.string(key) || !in.eat(':')) return 0;
  DepthUpdate& depth = out.depth;
  if (key.size() == 1) {
    switch (key[0]) {
      case 'e':
        return in.string(out.event_type) && out.event_type == "depthUpdate" ? kEventType : 0U;
      case 'E':
        return in.integer(event_time) ? kEventTime : 0U;
      case 'T':
        return in.integer(transaction_time) ? kTransactionTime : 0U;
      case 's':  // an empty symbol is refused by the generic walk
        return in.string(depth.symbol) && !depth.symbol.empty() ? kSymbol : 0U;
      case 'U':
        return in.integer(depth.first_id) ? kFirstId : 0U;
      case 'u':
        return in.integer(depth.final_id) ? kFinalId : 0U;
      case 'b':
        return in.levels(max_levels, depth.bids, depth.bids_json) ? kBids : 0U;
      case 'a':
        return in.levels(max_levels, depth.asks, depth.asks_json) ? kAsks : 0U;
      default:
        return 0;
    }
  }
  if (key == "pu") return in.integer(depth.prev_final_id) ? kPrevFinalId : 0U;
  return 0;
}

bool fits_time(std::uint64_t ms) {
  return ms <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

}  // namespace

bool scan_depth_update(std::string_view text, std::size_t max_levels_per_side, Frame& out) {
  Cursor in(text);
  if (!in.eat('{')) return false;
  out.stream = {};
  const bool wrapped = in.eat(std::string_view("\"stream\":"));
  if (wrapped &&
      (!in.string(out.stream) || out.stream.empty() || !in.eat(std::string_view(",\"data\":{")))) {
    return false;
  }
  DepthUpdate& depth = out.depth;
  depth.prev_final_id = 0;
  std::uint64_t event_time = 0;
  std::uint64_t transaction_time = 0;
  unsigned seen = 0;
  do {
    const unsigned field = read_member(in, max_levels_per_side, out, event_time, transaction_time);
    if (field == 0 || (seen & field) != 0) return false;  // unknown, bad or repeated
    seen |= field;
  } while (in.eat(','));
  if (!in.eat('}') || (wrapped && !in.eat('}')) || !in.at_end()) return false;
  if ((seen & kRequired) != kRequired) return false;
  if (!fits_time(event_time) || !fits_time(transaction_time)) return false;

  out.type = FrameType::depth_update;
  depth.kind = depth_kind_of_stream(out.stream);
  depth.event_time_ms = static_cast<std::int64_t>(event_time);
  depth.transaction_time_ms = static_cast<std::int64_t>(transaction_time);
  depth.has_prev_final_id = (seen & kPrevFinalId) != 0;
  out.ticker = BookTicker{};
  return true;
}

}  // namespace depthrec::json

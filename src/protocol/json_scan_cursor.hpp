// The cursor of the one-pass frame scanners (depth_frame_scanner, book_ticker_scanner): each step
// matches what Binance writes or fails, and a failure makes the scanner decline (the generic
// JSON walk then decides). No allocation; views point into the scanned text.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"
#include "model/ascii_digits.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
#if defined(__SSE2__)
    // 16 bytes a step while they are there (stream names are ~20 bytes, symbols ~8)
    while (end_ - p_ >= 16) {
      const unsigned special = special_string_bytes(p_);
      if (special == 0) {
        p_ += 16;
        continue;
      }
      p_ += __builtin_ctz(special);
      if (*p_ != '"') return false;
      out = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      return true;
    }
#endif
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
    if (!wide_integer(value)) {
      for (; p_ != end_ && *p_ >= '0' && *p_ <= '9'; ++p_) {
        value = value * 10 + static_cast<std::uint64_t>(*p_ - '0');
      }
    }
    const auto digits = p_ - start;
    if (digits == 0 || digits > 19 || (digits > 1 && *start == '0')) return false;
    if (p_ == end_ || (*p_ != ',' && *p_ != '}')) return false;
    out = value;
    return true;
  }

  // A quoted decimal, converted in the pass that finds its end (the closing quote).
  bool decimal(Decimal& out) {
    std::string_view text;
    return decimal(out, text);
  }
  // The same, and `text` the decimal as written (a view into the frame).
  bool decimal(Decimal& out, std::string_view& text) {
    if (!eat('"')) return false;
    const char* const stop = parse_decimal_prefix(p_, end_, out);
    if (stop == nullptr || stop == end_ || *stop != '"') return false;
    text = std::string_view(p_, static_cast<std::size_t>(stop - p_));
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
#if defined(__SSE2__)
  // Bit i set: byte i of the 16 at `at` ends or spoils a plain string ('"', '\\', < 0x20 or
  // >= 0x80: the signed compare takes both of the last as below 0x20).
  static unsigned special_string_bytes(const char* at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i special = _mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)),
                                         _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                                      _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
    return static_cast<unsigned>(_mm_movemask_epi8(special));
  }
#endif

  // 1..15 digits at p_ with 16 bytes readable (ids and times have 13-16): one 16-byte compare
  // finds their end, two eight-digit blocks convert them (~25 instructions where the loop took
  // ~65); `value` set and p_ past them. false (p_ unmoved): the loop reads them.
  bool wide_integer(std::uint64_t& value) {
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end_ - p_ < 16) return false;
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
    const __m128i values = _mm_sub_epi8(bytes, _mm_set1_epi8('0'));
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(values, _mm_set1_epi8(9)), values);
    const unsigned others = ~static_cast<unsigned>(_mm_movemask_epi8(is_digit));
    const auto count = static_cast<unsigned>(__builtin_ctz(others));  // <= 16
    if (count == 0 || count >= 16) return false;
    std::uint64_t low = 0;
    std::memcpy(&low, &values, sizeof low);
    if (count <= 8) {
      value = digits::eight_digits_value(low << (8 * (8 - count)));
    } else {
      // the first count - 8 digits at the top of the low word; the last eight a load of their own
      std::uint64_t last = 0;
      std::memcpy(&last, p_ + count - 8, sizeof last);
      value = digits::eight_digits_value(low << (8 * (16 - count))) * 100'000'000 +
              digits::eight_digits_value(last - digits::kAsciiZeros);
    }
    p_ += count;
    return true;
#else
    (void)value;
    return false;
#endif
  }

  const char* p_;
  const char* end_;
};

// The payload's "key":value members, comma-separated: `read_member(in)` reads one and returns
// its field's bit, 0 to decline. Declines an unknown, bad or repeated field; `seen` gets the
// fields read.
template <typename ReadMember>
bool scan_members(ScanCursor& in, ReadMember&& read_member, unsigned& seen) {
  seen = 0;
  do {
    const unsigned field = read_member(in);
    if (field == 0 || (seen & field) != 0) return false;
    seen |= field;
  } while (in.eat(','));
  return true;
}

// The fields Binance's event payloads share, one bit each; a scanner's own fields take the bits
// from kFirstOwnField up.
constexpr unsigned kEventTypeField = 1U << 0;
constexpr unsigned kEventTimeField = 1U << 1;
constexpr unsigned kTransactionTimeField = 1U << 2;
constexpr unsigned kSymbolField = 1U << 3;
constexpr unsigned kFirstOwnField = 1U << 4;

// What the shared fields read into; "e" must be `event`.
struct SharedFields {
  std::string_view event;
  std::string_view& event_type;
  std::string_view& symbol;
  std::uint64_t event_time = 0;
  std::uint64_t transaction_time = 0;
};

// The value of one-letter key `key` if it is a shared field: its bit, 0 to decline (a bad value;
// an empty symbol is refused by the generic walk), or kFirstOwnField for a key of the scanner's.
inline unsigned read_shared_field(ScanCursor& in, char key, SharedFields& fields) {
  switch (key) {
    case 'e':
      return in.string(fields.event_type) && fields.event_type == fields.event ? kEventTypeField
                                                                               : 0U;
    case 'E':
      return in.integer(fields.event_time) ? kEventTimeField : 0U;
    case 'T':
      return in.integer(fields.transaction_time) ? kTransactionTimeField : 0U;
    case 's':
      return in.string(fields.symbol) && !fields.symbol.empty() ? kSymbolField : 0U;
    default:
      return kFirstOwnField;
  }
}

// A time in ms must fit int64 (the generic walk refuses a larger one as bad_number).
inline bool fits_time(std::uint64_t ms) {
  return ms <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

}  // namespace depthrec::json

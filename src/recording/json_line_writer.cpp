#include "recording/json_line_writer.hpp"

#include "model/ascii_digits.hpp"
#include "model/utf8.hpp"
#include "recording/utc_time.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace depthrec::recording {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Whether any byte of `text` is <= ' ' (JSON whitespace is among them). 16 bytes a step (the last
// step overlapping) where SSE2 is there, else eight bytes at a time (the "has less than" bit
// trick, exact for every byte value): every record passes its level arrays through here, and they
// almost never hold one.
bool has_byte_up_to_space(std::string_view text) {
#if defined(__SSE2__)
  if (text.size() >= 16) {
    const __m128i space = _mm_set1_epi8(' ');
    const char* const last = text.data() + text.size() - 16;
    for (const char* p = text.data();; p += 16) {
      if (p > last) p = last;
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // unsigned byte <= ' ' exactly when min(byte, ' ') is the byte
      if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(bytes, space), bytes)) != 0) return true;
      if (p == last) return false;
    }
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if (((word - kOnes * 0x21) & ~word & kHighs) != 0) return true;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) <= ' ') return true;
  }
  return false;
}

// `value` (< 10^8) without leading zeros; writes 8 bytes, returns the end of the digits.
char* put_short(char* out, std::uint32_t value) {
  std::uint64_t ascii = digits::eight_ascii_digits(value);
  const unsigned skipped = value == 0 ? 7U : digits::leading_zero_digits(ascii);
  ascii >>= 8 * skipped;
  std::memcpy(out, &ascii, sizeof ascii);
  return out + (8 - skipped);
}

char* put_eight(char* out, std::uint32_t value) {
  const std::uint64_t ascii = digits::eight_ascii_digits(value);
  std::memcpy(out, &ascii, sizeof ascii);
  return out + 8;
}

// Decimal digits of `value`; writes at most 24 bytes (a few past the digits may be scratch).
char* put_uint(char* out, std::uint64_t value) {
  constexpr std::uint64_t kEightDigits = 100'000'000;
  if (value < kEightDigits) return put_short(out, static_cast<std::uint32_t>(value));
  const std::uint64_t high = value / kEightDigits;
  const auto low = static_cast<std::uint32_t>(value % kEightDigits);
  if (high < kEightDigits) {
    out = put_short(out, static_cast<std::uint32_t>(high));
  } else {
    out = put_short(out, static_cast<std::uint32_t>(high / kEightDigits));
    out = put_eight(out, static_cast<std::uint32_t>(high % kEightDigits));
  }
  return put_eight(out, low);
}

// Whether a word holds a byte a JSON string must escape or check (< 0x20, >= 0x80, '"', '\\'):
// the "has zero byte" and "has less than" bit tricks, exact for the question "any byte?".
bool word_needs_escaping(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t quote = word ^ (kOnes * '"');
  const std::uint64_t backslash = word ^ (kOnes * '\\');
  const std::uint64_t found = ((word - kOnes * 0x20) & ~word) | ((quote - kOnes) & ~quote) |
                              ((backslash - kOnes) & ~backslash) | word;
  return (found & kHighs) != 0;
}

// Copies `text` to `out` when none of its bytes needs word_needs_escaping's care (true; else
// what it wrote is scratch): 8-byte words, the last one overlapping, texts of 4..7 bytes as two
// overlapping 4-byte halves, each word stored as it is checked (the JSON line's symbol and stream
// name, twice a record, cost ~330 instructions a call byte by byte). Writes only [out, out + size).
bool copy_plain(std::string_view text, char* out) {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n >= 8) {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&word, p + i, 8);
      if (word_needs_escaping(word)) return false;
      std::memcpy(out + i, &word, 8);
    }
    std::memcpy(&word, p + n - 8, 8);
    if (word_needs_escaping(word)) return false;
    std::memcpy(out + n - 8, &word, 8);
    return true;
  }
  if (n >= 4) {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    if (word_needs_escaping(first | (static_cast<std::uint64_t>(last) << 32))) return false;
    std::memcpy(out, &first, 4);
    std::memcpy(out + n - 4, &last, 4);
    return true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
    out[i] = p[i];
  }
  return true;
}

}  // namespace

// stage_ is left uninitialised: filling 4 KiB per record is the cost this buffer removes.
JsonLineWriter::JsonLineWriter(std::string& out, std::size_t max_size) : out_(out) {
  if (max_size <= kStagedBytes) {
    cursor_ = stage_;
    staging_ = true;
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + max_size);
  cursor_ = out.data() + start;
}

void JsonLineWriter::finish() {
  if (finished_) return;
  finished_ = true;
  if (staging_) {
    out_.append(stage_, static_cast<std::size_t>(cursor_ - stage_));
  } else {
    out_.resize(static_cast<std::size_t>(cursor_ - out_.data()));
  }
}

void JsonLineWriter::iso8601_ms(std::int64_t epoch_ms) {
  cursor_ = format_iso8601_ms(epoch_ms, cursor_);
}

void JsonLineWriter::string(std::string_view text) {
  raw('"');
  // Fast path: symbols, stream names and URLs need no escaping (the room holds 6 bytes a byte)
  if (copy_plain(text, cursor_)) {
    cursor_ += text.size();
    raw('"');
    return;
  }
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++i;
  }
  raw(text.substr(0, i));
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        raw("\\ufffd");
        ++i;
      } else {
        raw(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        raw("\\\"");
        break;
      case '\\':
        raw("\\\\");
        break;
      case '\n':
        raw("\\n");
        break;
      case '\r':
        raw("\\r");
        break;
      case '\t':
        raw("\\t");
        break;
      default:
        if (c < 0x20) {
          raw("\\u00");
          raw(kHex[c >> 4]);
          raw(kHex[c & 0xF]);
        } else {
          raw(static_cast<char>(c));
        }
    }
    ++i;
  }
  raw('"');
}

void JsonLineWriter::compact_json(std::string_view json) {
  if (!has_byte_up_to_space(json)) {
    raw(json);
    return;
  }
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      raw(c);
      if (c == '\\' && i + 1 < json.size()) {
        raw(json[++i]);  // an escaped character, '"' included, does not end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      raw(c);
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      raw(c);
    }
  }
}

void JsonLineWriter::uint(std::uint64_t value) {
  cursor_ = put_uint(cursor_, value);
}

void JsonLineWriter::int64(std::int64_t value) {
  // the magnitude in unsigned arithmetic: INT64_MIN's has no int64
  std::uint64_t magnitude = static_cast<std::uint64_t>(value);
  if (value < 0) {
    raw('-');
    magnitude = 0 - magnitude;
  }
  cursor_ = put_uint(cursor_, magnitude);
}

void JsonLineWriter::optional_uint(std::optional<std::uint64_t> value) {
  if (value) {
    uint(*value);
  } else {
    null();
  }
}

void JsonLineWriter::ms_or_null(std::int64_t ms) {
  if (ms == 0) {
    null();
  } else {
    int64(ms);
  }
}

bool JsonLineWriter::fixed3_fast(double value) {
  // The product with 1000 is within half an ulp, at most 2^-53 of itself, of the exact one: unless
  // it lies that close to a tie (margin doubled) it rounds to the integer the exact value rounds
  // to, the digits to_chars prints, at ~1/10 of its cost (to_chars was 2-3 % of the recorder's
  // instructions, ~670 a call and 2-3 calls an event). Near a tie, to_chars decides exactly.
  const double magnitude = std::fabs(value);
  if (!(magnitude < 1e12)) return false;
  const double scaled = magnitude * 1000.0;
  const double whole = std::floor(scaled);
  const double fraction = scaled - whole;  // exact (Sterbenz)
  const double margin = scaled * 0x1p-52 + 1e-9;
  if (std::fabs(fraction - 0.5) <= margin) return false;
  const auto units = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1U : 0U);
  if (std::signbit(value)) raw('-');  // as to_chars: -0.0001 prints -0.000
  thousandths(units);
  return true;
}

void JsonLineWriter::fixed3(double value) {
  if (!std::isfinite(value)) {
    null();
  } else if (fixed3_fast(value)) {
    return;
  } else if (std::fabs(value) >= 1e15) {
    cursor_ = std::to_chars(cursor_, cursor_ + kMaxNumberChars, value).ptr;  // e.g. 1e+300
  } else {
    cursor_ =
        std::to_chars(cursor_, cursor_ + kMaxNumberChars, value, std::chars_format::fixed, 3).ptr;
  }
}

void JsonLineWriter::ns_as_ms(std::int64_t ns) {
  // Work on the magnitude in unsigned arithmetic so INT64_MIN cannot overflow.
  const bool negative = ns < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const std::uint64_t micros = magnitude / 1000 + (magnitude % 1000 >= 500 ? 1 : 0);
  if (negative && micros != 0) raw('-');
  thousandths(micros);
}

void JsonLineWriter::thousandths(std::uint64_t units) {
  uint(units / 1000);
  const auto fraction = static_cast<unsigned>(units % 1000);
  raw('.');
  raw(static_cast<char>('0' + fraction / 100));
  raw(static_cast<char>('0' + fraction / 10 % 10));
  raw(static_cast<char>('0' + fraction % 10));
}

}  // namespace depthrec::recording

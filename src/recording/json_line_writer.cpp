#include "recording/json_line_writer.hpp"

#include "model/utf8.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace depthrec::recording {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Whether any byte of `text` is <= ' ' (JSON whitespace is among them). Eight bytes at a time
// (the "has less than" bit trick, exact for every byte value): every record passes its level
// arrays through here, and they almost never hold one.
bool has_byte_up_to_space(std::string_view text) {
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

}  // namespace

JsonLineWriter::JsonLineWriter(std::string& out, std::size_t max_size) : out_(out) {
  const std::size_t start = out.size();
  out.resize(start + max_size);
  cursor_ = out.data() + start;
}

void JsonLineWriter::finish() {
  if (finished_) return;
  finished_ = true;
  out_.resize(static_cast<std::size_t>(cursor_ - out_.data()));
}

void JsonLineWriter::string(std::string_view text) {
  raw('"');
  // Fast path: symbols, stream names and URLs need no escaping; copy up to the first byte that
  // does.
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
  cursor_ = std::to_chars(cursor_, cursor_ + kMaxNumberChars, value).ptr;
}

void JsonLineWriter::int64(std::int64_t value) {
  cursor_ = std::to_chars(cursor_, cursor_ + kMaxNumberChars, value).ptr;
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

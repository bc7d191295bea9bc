// The RapidJSON stream FrameHandler reads from: a NUL-terminated copy of the frame, parsed in situ.
// RapidJSON's MemoryStream checks for the end on every Peek/Take through memory, which measured
// as about a third of the parse; reading up to a NUL terminator instead is what RapidJSON's own
// StringStream does. The copy keeps the caller's text untouched and has the same offsets, so
// positions from Tell() index the caller's text directly.
//
// In-situ parsing (kParseInsituFlag) decodes each string over its own bytes in the copy instead of
// pushing it char by char onto the Reader's stack; the handler gets views into the copy.
// Copy optimisation stays off (the StreamTraits default): RapidJSON then advances this very
// object, so Tell() is current inside handler callbacks.
#pragma once

#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace depthrec::json {

class TextCursor {
 public:
  using Ch = char;

  // Copies `text` into `buffer` (capacity reused) followed by NUL padding: RapidJSON's UTF-8
  // validation may take up to three continuation bytes past the terminator before it fails.
  TextCursor(std::string_view text, std::string& buffer) : ascii_(is_ascii(text)) {
    buffer.assign(text.data(), text.size());
    buffer.append(kPadding, '\0');
    begin_ = buffer.data();
    src_ = begin_;
  }

  // Every byte is below 0x80: the text is valid UTF-8 without checking each string.
  bool ascii() const { return ascii_; }

  Ch Peek() const { return *src_; }
  Ch Take() { return *src_++; }
  std::size_t Tell() const { return static_cast<std::size_t>(src_ - begin_); }

  // Output side, for in-situ parsing: a decoded string is written from where it starts, never
  // ahead of the input (escapes only shorten it).
  Ch* PutBegin() { return dst_ = src_; }
  void Put(Ch c) { *dst_++ = c; }
  void Flush() {}
  std::size_t PutEnd(Ch* begin) { return static_cast<std::size_t>(dst_ - begin); }

 private:
  static bool is_ascii(std::string_view text) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    std::uint64_t seen = 0;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      seen |= word;
    }
    for (; i < text.size(); ++i) seen |= static_cast<unsigned char>(text[i]);
    return (seen & kHighBits) == 0;
  }

  static constexpr std::size_t kPadding = 8;
  bool ascii_ = true;
  Ch* begin_ = nullptr;
  Ch* src_ = nullptr;
  Ch* dst_ = nullptr;
};

}  // namespace depthrec::json

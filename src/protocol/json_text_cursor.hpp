// The RapidJSON input stream FrameHandler reads from: a NUL-terminated copy of the frame.
// RapidJSON's MemoryStream checks for the end on every Peek/Take through memory, which measured
// as about a third of the parse; reading up to a NUL terminator instead is what RapidJSON's own
// StringStream does. The copy keeps the caller's text untouched and has the same offsets, so
// positions from Tell() index the caller's text directly.
//
// Copy optimisation stays off (the StreamTraits default): RapidJSON then advances this very
// object, so Tell() is current inside handler callbacks.
#pragma once

#include <rapidjson/reader.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace depthrec::json {

class TextCursor {
 public:
  using Ch = char;

  // Copies `text` into `buffer` (capacity reused) followed by NUL padding: RapidJSON's UTF-8
  // validation may take up to three continuation bytes past the terminator before it fails.
  TextCursor(std::string_view text, std::string& buffer) {
    buffer.assign(text.data(), text.size());
    buffer.append(kPadding, '\0');
    begin_ = buffer.data();
    src_ = begin_;
  }

  Ch Peek() const { return *src_; }
  Ch Take() { return *src_++; }
  std::size_t Tell() const { return static_cast<std::size_t>(src_ - begin_); }

  // Output side of the stream concept: never used by a non-in-situ Reader.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

 private:
  static constexpr std::size_t kPadding = 8;
  const Ch* begin_ = nullptr;
  const Ch* src_ = nullptr;
};

}  // namespace depthrec::json

// StreamSegmentReader on arbitrary bytes, two ways:
//  1. the bytes as a segment: the listing's members tile the file from offset 0 in order, each
//     inside it; a clean listing (no error, not truncated) covers every byte; reading a member
//     either fails and appends nothing or gives exactly the lines its header announced;
//  2. the bytes as a recipe (first byte odd): streams and lines encoded as the writer encodes
//     them (GzipMemberEncoder), then cut at a point the input chooses: the members before the cut
//     are listed whole, the cut one is reported as truncated, and each stream reads back exactly
//     the lines of its whole members, in order.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/stream_segment_reader.hpp"
#include "fuzz_check.hpp"
#include "recording/gzip_member_encoder.hpp"

namespace {

using namespace depthrec;

std::uint64_t count_lines(const std::string& text) {
  std::uint64_t n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

void check_segment(std::string_view bytes) {
  auto reader = StreamSegmentReader::from_memory(bytes);
  const SegmentListing listing = reader->list();
  FUZZ_CHECK(listing.bytes == bytes.size());
  std::uint64_t offset = 0;
  for (const SegmentMember& member : listing.members) {
    FUZZ_CHECK(member.offset == offset);
    FUZZ_CHECK(member.size > 0 && member.size <= bytes.size() - offset);
    offset += member.size;
    std::string text = "x";
    const std::string error = reader->read_member(member, text);
    if (!error.empty()) {
      FUZZ_CHECK(text == "x");
    } else if (member.indexed) {
      FUZZ_CHECK(count_lines(text) == member.lines);
    }
  }
  if (listing.error.empty() && !listing.truncated) FUZZ_CHECK(offset == bytes.size());
}

void check_recipe(const std::uint8_t* data, std::size_t size) {
  static recording::GzipMemberEncoder encoder(
      1);  // allocated once: it is reused as the writer does
  std::string segment;
  std::vector<std::size_t> ends;                             // each member's end
  std::vector<std::pair<std::string, std::string>> members;  // stream, lines
  std::size_t i = 1;
  while (i + 2 <= size && members.size() < 64) {
    const std::string stream = "s" + std::to_string(data[i] % 4);
    const std::size_t length = std::min<std::size_t>(data[i + 1], size - i - 2);
    std::string lines(reinterpret_cast<const char*>(data + i + 2), length);
    lines.push_back('\n');
    i += 2 + length;
    FUZZ_CHECK(encoder.append_stream_member(
        lines, stream, static_cast<std::uint32_t>(count_lines(lines)), segment));
    ends.push_back(segment.size());
    members.emplace_back(stream, std::move(lines));
  }
  if (members.empty()) return;
  const std::size_t cut = segment.size() - (size > 1 ? data[size - 1] % 64 : 0) % segment.size();
  const std::string_view bytes(segment.data(), cut);
  check_segment(bytes);
  auto reader = StreamSegmentReader::from_memory(bytes);
  const SegmentListing listing = reader->list();
  FUZZ_CHECK(listing.error.empty());
  std::size_t whole = 0;
  while (whole < ends.size() && ends[whole] <= cut) ++whole;
  FUZZ_CHECK(listing.members.size() == whole);
  FUZZ_CHECK(listing.truncated == (cut != (whole == 0 ? 0 : ends[whole - 1])));
  std::map<std::string, std::string> expected;
  for (std::size_t m = 0; m < whole; ++m) expected[members[m].first] += members[m].second;
  for (int s = 0; s < 4; ++s) {
    const std::string stream = "s" + std::to_string(s);
    std::string text;
    FUZZ_CHECK(reader->read_stream(stream, text).empty());
    FUZZ_CHECK(text == expected[stream]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_segment(std::string_view(reinterpret_cast<const char*>(data), size));
  if (size > 0 && (data[0] & 1) != 0) check_recipe(data, size);
  return 0;
}

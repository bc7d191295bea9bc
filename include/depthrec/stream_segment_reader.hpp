// StreamSegmentReader: one stream out of a segment of many (docs/records.md, "Files").
//
//   std::string error;
//   auto reader = StreamSegmentReader::open("data/order_book/multi_depth...ndjson.gz", error);
//   SegmentListing listing = reader->list();          // reads the members' headers only
//   std::string lines;
//   reader->read_stream("btcusdt@depth@100ms", lines); // decompresses that stream's members only
//
// A segment is a sequence of gzip members, each one stream's lines of one flush, whose header
// names the stream and gives the member's size (stream_member_format.hpp): list() hops from
// header to header. A member without that field (a segment written before it, or by another
// gzip tool) is still read: its end is found by decompressing it, and it is listed with an empty
// stream name (`indexed` false). A last member cut short (a crash during a write) is reported as
// `truncated`, everything before it is complete; bytes that are no gzip member stop the listing
// with an error naming the offset. Nothing a file holds can crash the reader: every size and
// name is checked against the file, and a member's lines are capped at kMaxMemberBytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec {

struct SegmentMember {
  std::string stream;        // the header's name; empty for a member without one
  std::uint64_t offset = 0;  // in the segment
  std::uint64_t size = 0;    // bytes, header to trailer
  std::uint64_t lines = 0;   // from the header (counted, for a member that is not indexed)
  bool indexed = true;       // false: no size field; found by decompressing the member
};

struct SegmentListing {
  std::vector<SegmentMember> members;  // in file order
  std::uint64_t bytes = 0;             // the segment's size
  bool truncated = false;  // the last member is cut short (a crash); the members listed are whole
  std::string error;       // empty, or why the listing stopped (garbage at an offset, I/O)
};

class StreamSegmentReader {
 public:
  // Decompressed bytes of one member, at most (a writer's members hold ~1 MiB).
  static constexpr std::size_t kMaxMemberBytes = std::size_t{64} << 20;

  // Reads up to `size` bytes at `offset` into `buffer`: the count (short only at the end), or
  // -errno.
  using ReadAt = std::function<long(std::uint64_t offset, char* buffer, std::size_t size)>;

  StreamSegmentReader(ReadAt read_at, std::uint64_t bytes);
  // A file (kept open while the reader lives). Null and `error` set if it cannot be opened.
  static std::unique_ptr<StreamSegmentReader> open(const std::string& path, std::string& error);
  // Bytes in memory (kept by the caller while the reader lives): tests and the fuzz target.
  static std::unique_ptr<StreamSegmentReader> from_memory(std::string_view bytes);
  ~StreamSegmentReader();
  StreamSegmentReader(const StreamSegmentReader&) = delete;
  StreamSegmentReader& operator=(const StreamSegmentReader&) = delete;

  SegmentListing list();
  // Appends the member's lines to `out`. Returns an empty string, or why it could not (corrupt
  // data, a size field that disagrees with the data, over kMaxMemberBytes, I/O).
  std::string read_member(const SegmentMember& member, std::string& out);
  // Appends every line of `stream` in the segment to `out`, decompressing only its members.
  // Returns the listing's error or the first member's error (what was read stays in `out`).
  std::string read_stream(std::string_view stream, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec

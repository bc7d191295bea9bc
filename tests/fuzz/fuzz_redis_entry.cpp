// depthrec-consume's entry decoder and book (tools/depthrec-consume), from one buffer: entries
// separated by '\x1e', each an id line then field name and value lines ('\n'). Any bytes are
// decoded or refused, never a crash; every entry is counted once; a decoded entry's kind follows
// its `type` field; a break is unmarked only when it is a break; redis_drop entries are gap
// entries.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "entry_decoder.hpp"
#include "fuzz_check.hpp"
#include "stream_book.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace depthrec::consume;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EntryDecoder decoder;
  DecodedEntry decoded;
  StreamBook book;
  std::uint64_t entries = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\x1e');
    std::string_view entry = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const std::size_t id_end = entry.find('\n');
    const std::string id(entry.substr(0, id_end));
    entry = id_end == std::string_view::npos ? std::string_view{} : entry.substr(id_end + 1);
    EntryFields fields;
    while (!entry.empty()) {
      const std::size_t name_end = entry.find('\n');
      const std::string name(entry.substr(0, name_end));
      entry = name_end == std::string_view::npos ? std::string_view{} : entry.substr(name_end + 1);
      const std::size_t value_end = entry.find('\n');
      fields.emplace_back(name, std::string(entry.substr(0, value_end)));
      entry =
          value_end == std::string_view::npos ? std::string_view{} : entry.substr(value_end + 1);
    }
    ++entries;
    const std::string error = decoder.decode(id, fields, decoded);
    if (!error.empty()) {
      book.count_malformed();
      continue;
    }
    if (decoded.kind == EntryKind::depth) FUZZ_CHECK(decoded.type == "depth");
    if (decoded.kind == EntryKind::start)
      FUZZ_CHECK(decoded.type == "snapshot" || decoded.type == "book");
    if (decoded.kind == EntryKind::gap) FUZZ_CHECK(decoded.type == "gap");
    if (decoded.redis_drop) FUZZ_CHECK(decoded.kind == EntryKind::gap);
    book.apply(decoded);
  }
  const StreamCounts& counts = book.counts();
  FUZZ_CHECK(counts.entries == entries);
  FUZZ_CHECK(counts.unmarked_breaks <= counts.breaks);
  FUZZ_CHECK(counts.redis_drops <= counts.gap_entries);
  FUZZ_CHECK(counts.malformed <= counts.entries);
  FUZZ_CHECK(counts.depth_events + counts.start_entries + counts.gap_entries + counts.malformed <=
             counts.entries);
  return 0;
}

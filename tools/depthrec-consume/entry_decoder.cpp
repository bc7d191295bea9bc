#include "entry_decoder.hpp"

#include <limits>

namespace depthrec::consume {
namespace {

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

const std::string* find_field(const EntryFields& fields, std::string_view name) {
  for (const auto& [key, value] : fields)
    if (key == name) return &value;
  return nullptr;
}

}  // namespace

bool parse_stream_id(std::string_view text, StreamId& out) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return false;
  return parse_u64(text.substr(0, dash), out.ms) && parse_u64(text.substr(dash + 1), out.seq);
}

std::string EntryDecoder::decode(std::string_view id, const EntryFields& fields,
                                 DecodedEntry& out) {
  out.kind = EntryKind::other;
  out.redis_drop = false;
  out.type.clear();
  out.data.clear();
  if (!parse_stream_id(id, out.id)) return "the id is not <ms>-<seq>";
  const std::string* type = find_field(fields, "type");
  if (!type || type->empty()) return "no `type` field";
  out.type = *type;
  const bool depth = out.type == "depth";
  const bool start = out.type == "snapshot" || out.type == "book";
  const bool gap = out.type == "gap";
  if (!depth && !start && !gap) return {};  // not needed for a book: left unparsed
  if (gap) {
    const std::string* reason = find_field(fields, "reason");
    out.redis_drop = reason && *reason == "redis_drop";
    out.kind = EntryKind::gap;
    return {};  // a gap is a gap, whatever its data says
  }
  const std::string* data = find_field(fields, "data");
  if (!data) return "no `data` field";
  out.data = *data;
  std::string error = parser_.parse(out.data, out.item);
  if (!error.empty()) return "data: " + error;
  if (depth && out.item.type != ReplayItemType::depth) return "data is no depth record";
  if (start && out.item.type != ReplayItemType::snapshot) return "data is no snapshot record";
  if (!out.item.market) return "data has no `market`";
  out.kind = depth ? EntryKind::depth : EntryKind::start;
  return {};
}

}  // namespace depthrec::consume

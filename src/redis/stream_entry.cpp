#include "redis/stream_entry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <limits>

namespace depthrec::redis {
namespace {

// The part of a line where its top-level scalar fields are: before the first nested payload
// (a trade's "data":{...}, a depth line's "b":[...], a snapshot's "bids":[...]), so a key of the
// payload is never taken for the record's own. Each of those names ends with the only bracket it
// holds, so the first bracket closing one of them is where the earliest starts: memchr from
// bracket to bracket, one pass per bracket kind, instead of a search per name.
std::size_t first_nested_name(std::string_view line, char bracket,
                              std::initializer_list<std::string_view> names) {
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  for (const char* at = begin; at < end;) {
    const void* found = std::memchr(at, bracket, static_cast<std::size_t>(end - at));
    if (found == nullptr) break;
    const std::size_t close = static_cast<std::size_t>(static_cast<const char*>(found) - begin);
    for (const std::string_view name : names) {
      if (close + 1 < name.size()) continue;
      const std::size_t start = close + 1 - name.size();
      if (line.compare(start, name.size(), name) == 0) return start;
    }
    at = begin + close + 1;
  }
  return line.size();
}

std::string_view header_of(std::string_view line) {
  const std::size_t end = std::min(first_nested_name(line, '{', {"\"data\":{"}),
                                   first_nested_name(line, '[', {"\"b\":[", "\"bids\":["}));
  return line.substr(0, end);
}

// The raw value of the first "name": of each of `names` in `header` (up to ',' or '}', a string
// with its quotes), or empty: what header.find("\"name\":") per name finds, in one pass over the
// quotes, since every such pattern starts at one.
template <std::size_t N>
std::array<std::string_view, N> raw_values(std::string_view header,
                                           const std::array<std::string_view, N>& names) {
  std::array<std::string_view, N> values{};
  std::array<bool, N> found{};
  std::size_t left = N;
  for (std::size_t at = header.find('"'); at != std::string_view::npos && left > 0;
       at = header.find('"', at + 1)) {
    for (std::size_t i = 0; i < N; ++i) {
      const std::string_view name = names[i];
      // The closing quote and the colon first: most quotes open or close a value, not a key.
      if (found[i] || header.size() - at < name.size() + 3 || header[at + 1 + name.size()] != '"' ||
          header[at + 2 + name.size()] != ':' || header[at + 1] != name[0] ||
          header.compare(at + 1, name.size(), name) != 0)
        continue;
      found[i] = true;
      --left;
      const std::size_t start = at + name.size() + 3;
      std::size_t end = start;
      if (end < header.size() && header[end] == '"') {
        const std::size_t close = header.find('"', start + 1);
        if (close != std::string_view::npos) values[i] = header.substr(start, close + 1 - start);
        continue;
      }
      while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
      values[i] = header.substr(start, end - start);
    }
  }
  return values;
}

std::string_view string_value(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return {};
  const std::string_view inner = raw.substr(1, raw.size() - 2);
  // Only plain names (symbols, markets, types are ASCII words): no escapes to undo.
  for (const char c : inner)
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return {};
  return inner;
}

std::optional<std::uint64_t> unsigned_value(std::string_view raw) {
  if (raw.empty() || raw.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : raw) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string symbol_part(const KeyOptions& options, std::string_view symbol) {
  if (options.hash_tags) return "{" + std::string(symbol) + "}";
  return std::string(symbol);
}

std::string seed001_channel(std::string_view channel) {
  if (channel == "aggTrade") return "trade";
  if (channel == "trade") return "rawtrade";
  if (channel == "bookTicker") return "bookticker";
  if (channel.substr(0, 5) == "depth") {
    const std::string_view levels = channel.substr(5);
    return levels.empty() ? "depth" : "depth:" + std::string(levels);
  }
  return std::string(channel);
}

}  // namespace

LineFields parse_line_fields(std::string_view line) {
  LineFields fields;
  enum Name : std::size_t { type, market, symbol, u, id, last_update_id, event_time, receipt };
  const auto raw = raw_values<8>(
      header_of(line), {"type", "market", "symbol", "u", "id", "lastUpdateId", "E", "recv_ns"});
  fields.type = string_value(raw[type]);
  fields.market = string_value(raw[market]);
  fields.symbol = string_value(raw[symbol]);
  if (fields.type == "depth" || fields.type == "ticker") {
    fields.sequence = unsigned_value(raw[u]);
    fields.sequence_name = "u";
  } else if (fields.type == "trade" || fields.type == "aggTrade") {
    fields.sequence = unsigned_value(raw[id]);
    fields.sequence_name = fields.type == "trade" ? "t" : "a";
  }
  if (!fields.sequence) fields.sequence_name = {};
  if (fields.type == "snapshot" || fields.type == "book")
    fields.last_update_id = unsigned_value(raw[last_update_id]);
  const auto event_time_value = unsigned_value(raw[event_time]);
  if (event_time_value &&
      *event_time_value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.event_time_ms = static_cast<std::int64_t>(*event_time_value);
  const auto recv_ns = unsigned_value(raw[receipt]);
  if (recv_ns && *recv_ns <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.recv_ns = static_cast<std::int64_t>(*recv_ns);
  return fields;
}

LineOrigin parse_line_origin(std::string_view line) {
  LineOrigin origin;
  const auto raw = raw_values<2>(header_of(line), {"stream", "recv_ns"});
  origin.stream = string_value(raw[0]);
  const auto recv_ns = unsigned_value(raw[1]);
  if (recv_ns && *recv_ns <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    origin.recv_ns = static_cast<std::int64_t>(*recv_ns);
  return origin;
}

std::string_view channel_of_stream(std::string_view stream) {
  const std::size_t at = stream.find('@');
  if (at == std::string_view::npos) return stream;
  const std::string_view rest = stream.substr(at + 1);
  return rest.substr(0, rest.find('@'));
}

bool is_connection_stream(std::string_view stream) {
  return stream.find('@') == std::string_view::npos;
}

std::string stream_key(const KeyOptions& options, const LineFields& fields,
                       std::string_view stream) {
  const std::string_view market = fields.market.empty() ? "unknown" : fields.market;
  const std::string_view symbol = fields.symbol.empty() ? "UNKNOWN" : fields.symbol;
  const std::string_view channel = channel_of_stream(stream);
  if (options.scheme == KeyScheme::seed001) {
    std::string key = "binance:raw:" + seed001_channel(channel);
    if (is_connection_stream(stream)) return key;
    if (options.hash_tags || !options.single_symbol) key += ":" + symbol_part(options, symbol);
    return key;
  }
  if (is_connection_stream(stream))
    return "depthrec:" + std::string(market) + ":" + std::string(channel);
  return "depthrec:" + std::string(market) + ":" + symbol_part(options, symbol) + ":" +
         std::string(channel);
}

}  // namespace depthrec::redis

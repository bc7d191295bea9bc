#include "redis/stream_entry.hpp"

#include <cctype>
#include <limits>

namespace depthrec::redis {
namespace {

// The part of a line where its top-level scalar fields are: before the first nested payload
// (a trade's "data":{...}, a depth line's "b":[...], a snapshot's "bids":[...]), so a key of the
// payload is never taken for the record's own.
std::string_view header_of(std::string_view line) {
  std::size_t end = line.size();
  for (const std::string_view nested : {"\"data\":{", "\"b\":[", "\"bids\":["}) {
    const std::size_t at = line.find(nested);
    if (at != std::string_view::npos && at < end) end = at;
  }
  return line.substr(0, end);
}

// The raw value after "name": (up to ',' or '}'), or empty.
std::string_view raw_value(std::string_view header, std::string_view name) {
  std::string pattern;
  pattern.reserve(name.size() + 3);
  pattern.push_back('"');
  pattern.append(name);
  pattern.append("\":");
  const std::size_t at = header.find(pattern);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + pattern.size();
  std::size_t end = start;
  if (end < header.size() && header[end] == '"') {
    const std::size_t close = header.find('"', start + 1);
    return close == std::string_view::npos ? std::string_view{}
                                           : header.substr(start, close + 1 - start);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(start, end - start);
}

std::string_view string_value(std::string_view header, std::string_view name) {
  const std::string_view raw = raw_value(header, name);
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return {};
  const std::string_view inner = raw.substr(1, raw.size() - 2);
  // Only plain names (symbols, markets, types are ASCII words): no escapes to undo.
  for (const char c : inner)
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return {};
  return inner;
}

std::optional<std::uint64_t> unsigned_value(std::string_view header, std::string_view name) {
  const std::string_view raw = raw_value(header, name);
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
  const std::string_view header = header_of(line);
  fields.type = string_value(header, "type");
  fields.market = string_value(header, "market");
  fields.symbol = string_value(header, "symbol");
  if (fields.type == "depth" || fields.type == "ticker") {
    fields.sequence = unsigned_value(header, "u");
    fields.sequence_name = "u";
  } else if (fields.type == "trade" || fields.type == "aggTrade") {
    fields.sequence = unsigned_value(header, "id");
    fields.sequence_name = fields.type == "trade" ? "t" : "a";
  }
  if (!fields.sequence) fields.sequence_name = {};
  if (fields.type == "snapshot" || fields.type == "book")
    fields.last_update_id = unsigned_value(header, "lastUpdateId");
  const auto event_time = unsigned_value(header, "E");
  if (event_time &&
      *event_time <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.event_time_ms = static_cast<std::int64_t>(*event_time);
  return fields;
}

LineOrigin parse_line_origin(std::string_view line) {
  LineOrigin origin;
  const std::string_view header = header_of(line);
  origin.stream = string_value(header, "stream");
  const auto recv_ns = unsigned_value(header, "recv_ns");
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

#include "redis/stream_entry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
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

// The raw value starting at `start` (just past a key's colon): up to ',' or '}', a string with
// its quotes; empty when a string's closing quote is missing.
std::string_view raw_value_at(std::string_view header, std::size_t start) {
  if (start < header.size() && header[start] == '"') {
    const std::size_t close = header.find('"', start + 1);
    return close == std::string_view::npos ? std::string_view{}
                                           : header.substr(start, close + 1 - start);
  }
  std::size_t end = start;
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(start, end - start);
}

// Calls on_key(name, value start) for each "name": of `header`, in order, until it returns
// false; the value starts just past the colon. A pattern "name": (a name without quotes) spans
// two consecutive quotes, the second followed by ':', so one walk from quote to quote finds every
// place header.find("\"name\":") could, and the caller dispatches on the name once per key
// instead of comparing every name at every quote.
template <typename OnKey>
void for_each_key(std::string_view header, OnKey&& on_key) {
  const char* const begin = header.data();
  const char* const end = begin + header.size();
  const auto next_quote = [end](const char* from) {
    return from >= end ? nullptr
                       : static_cast<const char*>(
                             std::memchr(from, '"', static_cast<std::size_t>(end - from)));
  };
  for (const char* open = next_quote(begin); open != nullptr;) {
    const char* const close = next_quote(open + 1);
    if (close == nullptr) return;
    if (close + 1 < end && close[1] == ':') {
      const std::string_view name(open + 1, static_cast<std::size_t>(close - open - 1));
      if (!on_key(name, static_cast<std::size_t>(close + 2 - begin))) return;
      open = next_quote(close + 1);  // no name starts with ':'
    } else {
      open = close;
    }
  }
}

// The first raw value of each name `index_of` knows in `header` (index_of(name) < N; N for a name
// it does not want), empty when absent. Only wanted values are delimited.
template <std::size_t N, typename IndexOf>
std::array<std::string_view, N> raw_values(std::string_view header, IndexOf&& index_of) {
  std::array<std::string_view, N> values{};
  std::array<bool, N> found{};
  std::size_t left = N;
  for_each_key(header, [&](std::string_view name, std::size_t value_start) {
    const std::size_t i = index_of(name);
    if (i < N && !found[i]) {
      found[i] = true;
      values[i] = raw_value_at(header, value_start);
      --left;
    }
    return left > 0;
  });
  return values;
}

// The names parse_line_fields reads, by their index in its raw values.
enum LineName : std::size_t {
  kType,
  kMarket,
  kSymbol,
  kSequenceU,
  kTradeId,
  kLastUpdateId,
  kEventTime,
  kReceipt,
  kLineNames
};

// A key's index among LineName: by its length and first byte, then one comparison.
std::size_t line_name_index(std::string_view name) {
  const auto is = [name](std::string_view wanted, LineName index) {
    return name == wanted ? std::size_t{index} : std::size_t{kLineNames};
  };
  switch (name.size()) {
    case 1:
      return name[0] == 'u' ? kSequenceU : name[0] == 'E' ? kEventTime : kLineNames;
    case 2:
      return is("id", kTradeId);
    case 4:
      return is("type", kType);
    case 6:
      return name[0] == 'm' ? is("market", kMarket) : is("symbol", kSymbol);
    case 7:
      return is("recv_ns", kReceipt);
    case 12:
      return is("lastUpdateId", kLastUpdateId);
    default:
      return kLineNames;
  }
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
  // Digits only (from_chars takes no sign for an unsigned type), and none past 2^64 - 1.
  std::uint64_t value = 0;
  const char* const end = raw.data() + raw.size();
  const auto [stop, error] = std::from_chars(raw.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
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
  const auto raw = raw_values<kLineNames>(header_of(line), line_name_index);
  fields.type = string_value(raw[kType]);
  fields.market = string_value(raw[kMarket]);
  fields.symbol = string_value(raw[kSymbol]);
  if (fields.type == "depth" || fields.type == "ticker") {
    fields.sequence = unsigned_value(raw[kSequenceU]);
    fields.sequence_name = "u";
  } else if (fields.type == "trade" || fields.type == "aggTrade") {
    fields.sequence = unsigned_value(raw[kTradeId]);
    fields.sequence_name = fields.type == "trade" ? "t" : "a";
  }
  if (!fields.sequence) fields.sequence_name = {};
  if (fields.type == "snapshot" || fields.type == "book")
    fields.last_update_id = unsigned_value(raw[kLastUpdateId]);
  const auto event_time_value = unsigned_value(raw[kEventTime]);
  if (event_time_value &&
      *event_time_value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.event_time_ms = static_cast<std::int64_t>(*event_time_value);
  const auto recv_ns = unsigned_value(raw[kReceipt]);
  if (recv_ns && *recv_ns <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    fields.recv_ns = static_cast<std::int64_t>(*recv_ns);
  return fields;
}

LineOrigin parse_line_origin(std::string_view line) {
  LineOrigin origin;
  const auto raw = raw_values<2>(header_of(line), [](std::string_view name) {
    return name == "stream" ? std::size_t{0} : name == "recv_ns" ? std::size_t{1} : std::size_t{2};
  });
  origin.stream = string_value(raw[0]);
  const auto recv_ns = unsigned_value(raw[1]);
  if (recv_ns && *recv_ns <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    origin.recv_ns = static_cast<std::int64_t>(*recv_ns);
  return origin;
}

std::string_view line_field(std::string_view line, std::string_view name) {
  return raw_values<1>(header_of(line), [name](std::string_view key) {
    return key == name ? std::size_t{0} : std::size_t{1};
  })[0];
}

std::optional<std::uint64_t> line_unsigned(std::string_view line, std::string_view name) {
  return unsigned_value(line_field(line, name));
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

// What the Redis sink publishes for one recorded line: the stream key it goes to and the fields a
// consumer filters on without parsing `data` (the NDJSON line as recorded). Pure: no I/O.
//
// Keys (KeyScheme):
//   depthrec  depthrec:<market>:<SYMBOL>:<channel>   e.g. depthrec:usdm:BTCUSDT:depth,
//             depthrec:spot:ETHUSDT:aggTrade; a connection's records: depthrec:<market>:connections
//   seed001   seed 001's keys: binance:raw:depth:<levels> (partial depth5/10/20),
//             binance:raw:depth (diff depth), binance:raw:trade (aggTrade: the seed's "trade"
//             stream is Binance's aggTrade), binance:raw:rawtrade (trade),
//             binance:raw:bookticker, binance:raw:connections; a run of more than one symbol
//             appends :<SYMBOL> (one stream per symbol: the entry ids are per symbol)
// With hash tags the symbol is written {SYMBOL} (depthrec:usdm:{BTCUSDT}:depth; seed001 always
// appends :{SYMBOL}), so every stream of a symbol lands on one Redis Cluster shard.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec::redis {

enum class KeyScheme : std::uint8_t { depthrec, seed001 };

struct KeyOptions {
  KeyScheme scheme = KeyScheme::depthrec;
  bool hash_tags = false;
  bool single_symbol = false;  // seed001: the run records one symbol (keys without it)
};

// The fields of one record line the sink needs (views into the line).
struct LineFields {
  std::string_view type;    // "depth", "trade", "gap"... (empty if the line has none)
  std::string_view market;  // "usdm", "spot", "coinm"
  std::string_view symbol;  // "BTCUSDT"
  // The exchange sequence of the record, when it has one: depth and ticker `u`, trade and
  // aggTrade `id` (the payload's `t` / `a`). Records without one are markers (snapshot, gap,
  // resync, connect...).
  std::optional<std::uint64_t> sequence;
  std::string_view sequence_name;             // "u", "t" or "a": the entry field that carries it
  std::optional<std::int64_t> event_time_ms;  // E, when not null
  // A `snapshot` or `book` record's lastUpdateId: where a consumer can start a book (the entry's
  // `lastUpdateId` field). Markers all, they carry no sequence of their own.
  std::optional<std::uint64_t> last_update_id;
  // recv_ns: the recorder's receipt of the frame (the sink's write lag, write_lag.hpp).
  std::optional<std::int64_t> recv_ns;
};

// The fields of `line` (one NDJSON record as depthrec writes it, without its '\n'). Never fails:
// what is missing or malformed is left empty.
LineFields parse_line_fields(std::string_view line);

// Where a recorded line came from: its `stream` and `recv_ns` (depthrec-replay --to-redis picks
// a time range and plans each line as the live sink did). Missing or malformed: empty.
struct LineOrigin {
  std::string_view stream;
  std::optional<std::int64_t> recv_ns;
};
LineOrigin parse_line_origin(std::string_view line);

// The raw value of the first `name` among a line's own fields (before its payload, as
// parse_line_fields reads them): a string with its quotes or a number's text; empty when absent.
// For the fields of rarer records (a gap's "reason", "from", "to"; a trade's "source").
std::string_view line_field(std::string_view line, std::string_view name);
// line_field's value when it is an unsigned integer (digits only, at most 2^64 - 1).
std::optional<std::uint64_t> line_unsigned(std::string_view line, std::string_view name);

// The channel of a stream name: "btcusdt@depth@100ms" -> "depth", "btcusdt@depth20" ->
// "depth20", "btcusdt@bookTicker" -> "bookTicker"; a name without '@' (the `connections`
// stream) is its own channel.
std::string_view channel_of_stream(std::string_view stream);

// The key a record of `stream` with `fields` goes to.
std::string stream_key(const KeyOptions& options, const LineFields& fields,
                       std::string_view stream);

// True when the stream's records are the process's own (connections: connect, disconnect,
// subscription) rather than one exchange stream's: they get server-assigned ids (`*`), since
// every recorder's are its own and none is a copy of another's.
bool is_connection_stream(std::string_view stream);

}  // namespace depthrec::redis

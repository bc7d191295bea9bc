// The NDJSON records of a recording (docs/records.md): one formatter per record type.
//
// Each formatter APPENDS exactly one JSON object and a '\n' to `out` (the caller's reused buffer):
// once `out` has the capacity, formatting does not allocate. Numbers go through std::to_chars,
// milliseconds as doubles with 3 decimals, strings are JSON-escaped (invalid UTF-8 becomes
// U+FFFD), level arrays are copied verbatim from the frame. Values that are absent are written
// as JSON null, never as 0, so a reader can tell "missing" from "zero".
//
// Field order is fixed: type, timestamp, symbol, market, stream, conn_id, [ts_recv,] recv_ns,
// then the type's own fields, so that `zcat | cut` style tools and diffs stay stable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/kline_event.hpp"
#include "depthrec/market.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec {

// Who a record is about. Built once per stream (and updated at each reconnect), passed by
// reference to every formatter.
struct RecordContext {
  Market market = Market::usdm;
  std::string symbol;         // upper case, e.g. "BTCUSDT"
  std::string stream;         // e.g. "btcusdt@depth@100ms"
  std::uint64_t conn_id = 0;  // 1 for the process's first connection, +1 at each reconnect
  // The stream's small dense id within the process (not written to records): the writer keys
  // its writer_drop accounting by it, so a marker names the stream whose lines were lost.
  std::uint32_t stream_id = 0;
};

// `depth`: one diff or partial depth event. `b`/`a` are update.bids_json/asks_json, values
// exactly as received with the whitespace between tokens dropped, so the record is one line
// whatever the source had (an empty view, i.e. an update not built by the parser, is written as
// []). The same holds for a snapshot's bids/asks.
// timestamp is E; when E is absent (0: spot partial depth) it is the receive time and E is null.
// T is null when absent (spot), pu is null unless update.has_prev_final_id.
// latency_event_ms = receive time - E (raw, negative when the local clock is behind);
// pass NaN when there is no E, it is written as null. latency_pipeline_ms = frame receipt to
// hand-off to the writer.
void append_depth_record(std::string& out, const RecordContext& context, const DepthUpdate& update,
                         std::int64_t recv_ns, double latency_event_ms, double latency_pipeline_ms);

// `snapshot`: the REST snapshot a sync used, bids/asks verbatim. timestamp is the receive time;
// E and T are null when 0 (spot).
void append_snapshot_record(std::string& out, const RecordContext& context,
                            const DepthSnapshot& snapshot, std::int64_t recv_ns);

// `book`: the local book after the event with `book.last_update_id()` was applied (the Redis
// sink's --redis-book-every entries: a consumer starts a book there). The snapshot record's shape:
// lastUpdateId, E and T of that event (null when 0), bids/asks best first as ["price","qty"].
void append_book_record(std::string& out, const RecordContext& context, const OrderBook& book,
                        std::int64_t recv_ns, std::int64_t event_time_ms,
                        std::int64_t transaction_time_ms);

enum class GapReason : std::uint8_t {
  pu_mismatch,      // futures: pu != previous u
  u_gap,            // spot: U > previous u + 1
  writer_drop,      // the writer's queue was full; `dropped` records were not recorded
  reconnect,        // the connection was lost; events may have been missed
  buffer_overflow,  // too many events waited for a snapshot
  parse_error,      // a depth frame of this stream was refused
  stale_stream,     // every event was stale for SyncLimits::max_stale_run events in a row
};
std::string_view to_string(GapReason reason);

struct GapInfo {
  GapReason reason = GapReason::pu_mismatch;
  std::optional<std::uint64_t> last_u;    // the book's last applied u
  std::optional<std::uint64_t> expected;  // the id continuity required (pu, or last_u + 1)
  std::optional<std::uint64_t> got_U;
  std::optional<std::uint64_t> got_pu;
  std::optional<std::uint64_t> got_u;
  std::uint64_t dropped = 0;  // events lost (writer_drop), or discarded by the gap
};

// `gap`: continuity was lost. timestamp is the receive time (recv_ns).
void append_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                       const GapInfo& gap);

struct ResyncInfo {
  std::optional<GapReason> after_gap;  // nullopt: the stream's first sync, written as "initial"
  std::uint64_t last_update_id = 0;    // the snapshot's lastUpdateId
  std::uint64_t first_U = 0;           // the first applied event's U and u
  std::uint64_t first_u = 0;
  std::uint64_t dropped_stale = 0;  // buffered events older than the snapshot
  double duration_ms = 0;           // from the gap (or stream open) to the sync
};

// `resync`: the book is synced again; "reason" is "initial" or the gap's reason.
void append_resync_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const ResyncInfo& resync);

// `connect`: a connection (context.conn_id) was opened to `url`.
void append_connect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                           std::string_view url);

// A connect record of a rollover's successor (make-before-break: no gap, no resync).
struct RolloverInfo {
  std::uint64_t from_conn_id = 0;    // the connection it replaced
  double wait_ms = 0;                // from the successor's open to its taking over
  std::uint64_t overlap_events = 0;  // its events the book already had from the old connection
};

// `connect` of a rollover's successor: also rollover_from, rollover_wait_ms, overlap_events.
void append_connect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                           std::string_view url, const RolloverInfo* rollover);

// `disconnect`: the connection closed; `code` is the WebSocket close code if there was one.
void append_disconnect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                              std::string_view reason, std::optional<int> code);

// `subscription` (the `connections` stream of a many-stream run that follows exchangeInfo):
// a live SUBSCRIBE or UNSUBSCRIBE sent (`request_id` > 0: its answer names it) or a connection
// closed because its last stream went (`request_id` 0: no request). `action` "subscribe" |
// "unsubscribe", `reason` "listed" | "delisted" | "halted (status BREAK)"..., `streams` the
// stream names it concerns.
void append_subscription_record(std::string& out, const RecordContext& context,
                                std::int64_t recv_ns, std::string_view action,
                                std::string_view reason, const std::vector<std::string>& streams,
                                std::uint64_t request_id);

// `subscription_answer`: the server's answer to request `request_id`: ok, or refused with
// `error` (the answer's text, bounded).
void append_subscription_answer_record(std::string& out, const RecordContext& context,
                                       std::int64_t recv_ns, std::uint64_t request_id, bool ok,
                                       std::string_view error);

// `ticker`: a bookTicker. Prices and quantities are written as canonical decimal strings
// ("63943.9"): the parser keeps them as exact decimals, not as their original text. E and T are
// null when 0 (spot); timestamp is the receive time.
void append_ticker_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const BookTicker& ticker);

// `trade` / `aggTrade` (the type is Binance's channel name): one event of an event channel.
// "id" is its t or a, "E" and "T" its times (null when 0), latency_event_ms receive time - E
// (NaN: null), and "data" the payload object exactly as received (whitespace between tokens
// dropped), unknown fields included.
void append_event_record(std::string& out, std::string_view type, const RecordContext& context,
                         std::int64_t recv_ns, std::uint64_t id, std::int64_t event_time_ms,
                         std::int64_t trade_time_ms, double latency_event_ms,
                         std::string_view payload);

// `gap` of an id-sequenced channel (reason "id_gap"): ids from..to (missing of them) were not
// received; last_id is the id before the gap, got_id the one that showed it.
struct IdGapInfo {
  std::uint64_t from = 0, to = 0, missing = 0;
  std::uint64_t last_id = 0, got_id = 0;
};
void append_id_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const IdGapInfo& gap);

// A trade fetched from REST to fill an id gap (--repair-trades): as the stream's record of it
// (type, id, "T"), with "E" and latency_event_ms null (REST has no event time), "source":"rest"
// and "data" the answer's object as received.
void append_rest_trade_record(std::string& out, std::string_view type, const RecordContext& context,
                              std::int64_t recv_ns, std::uint64_t id, std::int64_t trade_time_ms,
                              std::string_view payload);

// `gap_fill`: the end of an id gap's repair. from..to and missing as the gap named them; status
// "filled" (every id recorded from REST), "partial" (`filled` of them) or "failed" (none);
// `requests` REST requests made; error why it is not filled (null when it is).
struct GapFillInfo {
  std::uint64_t from = 0, to = 0, missing = 0;
  std::string_view status;
  std::uint64_t filled = 0, requests = 0;
  std::string_view error;
};
void append_gap_fill_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                            const GapFillInfo& fill);

// `kline`: one candle update of a kline_<interval> stream. interval, open_time, close_time,
// closed, "E", latency_event_ms; a closed candle (`closed` true) adds seed 000's columns open,
// high, low, close, base_volume, quote_volume, trade_count, taker_buy_base_volume,
// taker_buy_quote_volume (decimals as canonical strings); "data" the payload as received.
void append_kline_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                         const KlineEvent& kline, double latency_event_ms);

// `gap` of a kline stream: reason "kline_gap" (candles from_open_time..to_open_time, `missing`
// of them, were not received) or "kline_unclosed" (none missing, but the candle at
// last_open_time had no closing update); last_closed tells the same for a kline_gap.
struct KlineGapInfo {
  bool intervals_missing = true;  // kline_gap; false: kline_unclosed
  std::int64_t last_open_time = 0, got_open_time = 0;
  bool last_closed = true;
  std::int64_t from_open_time = 0, to_open_time = 0;
  std::uint64_t missing = 0;
};
void append_kline_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                             const KlineGapInfo& gap);

}  // namespace depthrec

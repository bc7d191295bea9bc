#include "depthrec/records.hpp"

#include <utility>

#include "recording/json_line_writer.hpp"
#include "recording/utc_time.hpp"

namespace depthrec {
namespace {

using recording::JsonLineWriter;

constexpr std::int64_t kNsPerMs = 1'000'000;
// Room for every literal key and up to 16 numbers of any record type; strings and level arrays
// are added to it by size.
constexpr std::size_t kFixedRoom = 640;

std::size_t context_room(const RecordContext& context) {
  return kFixedRoom + JsonLineWriter::string_room(context.symbol) +
         JsonLineWriter::string_room(context.stream);
}

std::int64_t ns_to_ms_floor(std::int64_t ns) {
  std::int64_t ms = ns / kNsPerMs;
  if (ns % kNsPerMs < 0) --ms;
  return ms;
}

// {"type":T,"timestamp":..,"symbol":..,"market":..,"stream":..,"conn_id":.. (no recv_ns: depth
// lines put ts_recv before it, as in the seed).
void begin_record(JsonLineWriter& w, std::string_view type, const RecordContext& context,
                  std::int64_t timestamp_ms) {
  w.raw("{\"type\":\"");
  w.raw(type);
  w.raw("\",\"timestamp\":\"");
  w.iso8601_ms(timestamp_ms);
  w.raw("\",\"symbol\":");
  w.string(context.symbol);
  w.raw(",\"market\":\"");
  w.raw(to_string(context.market));
  w.raw("\",\"stream\":");
  w.string(context.stream);
  w.raw(",\"conn_id\":");
  w.uint(context.conn_id);
}

void begin_record_at_receive_time(JsonLineWriter& w, std::string_view type,
                                  const RecordContext& context, std::int64_t recv_ns) {
  begin_record(w, type, context, ns_to_ms_floor(recv_ns));
  w.raw(",\"recv_ns\":");
  w.int64(recv_ns);
}

void end_record(JsonLineWriter& w) {
  w.raw("}\n");
}

void raw_array(JsonLineWriter& w, std::string_view json) {
  if (json.empty()) {
    w.raw("[]");
  } else {
    w.compact_json(json);
  }
}

void decimal_string(JsonLineWriter& w, Decimal value) {
  char buf[kMaxDecimalChars];
  w.raw('"');
  w.raw(std::string_view(buf, format_decimal(value, buf)));
  w.raw('"');
}

void field(JsonLineWriter& w, std::string_view key, std::uint64_t value) {
  w.key(key);
  w.uint(value);
}

void field(JsonLineWriter& w, std::string_view key, std::optional<std::uint64_t> value) {
  w.key(key);
  w.optional_uint(value);
}

}  // namespace

std::string_view to_string(GapReason reason) {
  switch (reason) {
    case GapReason::pu_mismatch:
      return "pu_mismatch";
    case GapReason::u_gap:
      return "u_gap";
    case GapReason::writer_drop:
      return "writer_drop";
    case GapReason::reconnect:
      return "reconnect";
    case GapReason::buffer_overflow:
      return "buffer_overflow";
    case GapReason::parse_error:
      return "parse_error";
    case GapReason::stale_stream:
      return "stale_stream";
  }
  return "unknown";
}

void append_depth_record(std::string& out, const RecordContext& context, const DepthUpdate& update,
                         std::int64_t recv_ns, double latency_event_ms,
                         double latency_pipeline_ms) {
  JsonLineWriter w(out, context_room(context) + update.bids_json.size() + update.asks_json.size());
  const bool has_event_time = update.event_time_ms != 0;
  begin_record(w, "depth", context,
               has_event_time ? update.event_time_ms : ns_to_ms_floor(recv_ns));
  w.raw(",\"ts_recv\":");
  w.ns_as_ms(recv_ns);
  w.raw(",\"recv_ns\":");
  w.int64(recv_ns);
  w.raw(",\"E\":");
  w.ms_or_null(update.event_time_ms);
  w.raw(",\"T\":");
  w.ms_or_null(update.transaction_time_ms);
  field(w, "U", update.first_id);
  field(w, "u", update.final_id);
  field(
      w, "pu",
      update.has_prev_final_id ? std::optional<std::uint64_t>(update.prev_final_id) : std::nullopt);
  w.raw(",\"latency_event_ms\":");
  w.fixed3(latency_event_ms);
  w.raw(",\"latency_pipeline_ms\":");
  w.fixed3(latency_pipeline_ms);
  w.raw(update.kind == DepthKind::diff ? ",\"kind\":\"diff\",\"b\":"
                                       : ",\"kind\":\"partial\",\"b\":");
  raw_array(w, update.bids_json);
  w.raw(",\"a\":");
  raw_array(w, update.asks_json);
  end_record(w);
}

void append_snapshot_record(std::string& out, const RecordContext& context,
                            const DepthSnapshot& snapshot, std::int64_t recv_ns) {
  JsonLineWriter w(out,
                   context_room(context) + snapshot.bids_json.size() + snapshot.asks_json.size());
  begin_record_at_receive_time(w, "snapshot", context, recv_ns);
  field(w, "lastUpdateId", snapshot.last_update_id);
  w.raw(",\"E\":");
  w.ms_or_null(snapshot.event_time_ms);
  w.raw(",\"T\":");
  w.ms_or_null(snapshot.transaction_time_ms);
  w.raw(",\"bids\":");
  raw_array(w, snapshot.bids_json);
  w.raw(",\"asks\":");
  raw_array(w, snapshot.asks_json);
  end_record(w);
}

void append_book_record(std::string& out, const RecordContext& context, const OrderBook& book,
                        std::int64_t recv_ns, std::int64_t event_time_ms,
                        std::int64_t transaction_time_ms) {
  constexpr std::size_t kLevelRoom = 2 * kMaxDecimalChars + 8;  // ["p","q"],
  const std::size_t levels = book.bid_count() + book.ask_count();
  JsonLineWriter w(out, context_room(context) + levels * kLevelRoom);
  begin_record_at_receive_time(w, "book", context, recv_ns);
  field(w, "lastUpdateId", book.last_update_id());
  w.raw(",\"E\":");
  w.ms_or_null(event_time_ms);
  w.raw(",\"T\":");
  w.ms_or_null(transaction_time_ms);
  const auto side = [&](std::string_view name, std::size_t count, auto level_at) {
    w.raw(name);
    for (std::size_t i = 0; i < count; ++i) {
      const PriceLevel level = level_at(i);
      w.raw(i == 0 ? "[[" : ",[");
      decimal_string(w, level.price);
      w.raw(',');
      decimal_string(w, level.qty);
      w.raw(']');
    }
    w.raw(count == 0 ? "[]" : "]");
  };
  side(",\"bids\":", book.bid_count(), [&](std::size_t i) { return book.bid(i); });
  side(",\"asks\":", book.ask_count(), [&](std::size_t i) { return book.ask(i); });
  end_record(w);
}

void append_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                       const GapInfo& gap) {
  JsonLineWriter w(out, context_room(context));
  begin_record_at_receive_time(w, "gap", context, recv_ns);
  w.raw(",\"reason\":\"");
  w.raw(to_string(gap.reason));
  w.raw('"');
  field(w, "last_u", gap.last_u);
  field(w, "expected", gap.expected);
  field(w, "got_U", gap.got_U);
  field(w, "got_pu", gap.got_pu);
  field(w, "got_u", gap.got_u);
  field(w, "dropped", gap.dropped);
  end_record(w);
}

void append_resync_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const ResyncInfo& resync) {
  JsonLineWriter w(out, context_room(context));
  begin_record_at_receive_time(w, "resync", context, recv_ns);
  w.raw(",\"reason\":\"");
  w.raw(resync.after_gap ? to_string(*resync.after_gap) : std::string_view("initial"));
  w.raw('"');
  field(w, "lastUpdateId", resync.last_update_id);
  field(w, "first_U", resync.first_U);
  field(w, "first_u", resync.first_u);
  field(w, "dropped_stale", resync.dropped_stale);
  w.raw(",\"duration_ms\":");
  w.fixed3(resync.duration_ms);
  end_record(w);
}

void append_connect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                           std::string_view url) {
  append_connect_record(out, context, recv_ns, url, nullptr);
}

void append_connect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                           std::string_view url, const RolloverInfo* rollover) {
  JsonLineWriter w(out, context_room(context) + JsonLineWriter::string_room(url) + 96);
  begin_record_at_receive_time(w, "connect", context, recv_ns);
  w.raw(",\"url\":");
  w.string(url);
  if (rollover) {
    field(w, "rollover_from", rollover->from_conn_id);
    w.raw(",\"rollover_wait_ms\":");
    w.fixed3(rollover->wait_ms);
    field(w, "overlap_events", rollover->overlap_events);
  }
  end_record(w);
}

void append_disconnect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                              std::string_view reason, std::optional<int> code) {
  JsonLineWriter w(out, context_room(context) + JsonLineWriter::string_room(reason));
  begin_record_at_receive_time(w, "disconnect", context, recv_ns);
  w.raw(",\"reason\":");
  w.string(reason);
  w.raw(",\"code\":");
  if (code) {
    w.int64(*code);
  } else {
    w.null();
  }
  end_record(w);
}

void append_subscription_record(std::string& out, const RecordContext& context,
                                std::int64_t recv_ns, std::string_view action,
                                std::string_view reason, const std::vector<std::string>& streams,
                                std::uint64_t request_id) {
  std::size_t room = context_room(context) + JsonLineWriter::string_room(action) +
                     JsonLineWriter::string_room(reason);
  for (const std::string& stream : streams) room += JsonLineWriter::string_room(stream) + 1;
  JsonLineWriter w(out, room);
  begin_record_at_receive_time(w, "subscription", context, recv_ns);
  w.raw(",\"action\":");
  w.string(action);
  w.raw(",\"reason\":");
  w.string(reason);
  w.raw(",\"streams\":[");
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (i > 0) w.raw(',');
    w.string(streams[i]);
  }
  w.raw("],\"id\":");
  w.uint(request_id);
  end_record(w);
}

void append_subscription_answer_record(std::string& out, const RecordContext& context,
                                       std::int64_t recv_ns, std::uint64_t request_id, bool ok,
                                       std::string_view error) {
  JsonLineWriter w(out, context_room(context) + JsonLineWriter::string_room(error));
  begin_record_at_receive_time(w, "subscription_answer", context, recv_ns);
  w.raw(",\"id\":");
  w.uint(request_id);
  w.raw(ok ? ",\"ok\":true,\"error\":" : ",\"ok\":false,\"error\":");
  if (ok) {
    w.null();
  } else {
    w.string(error);
  }
  end_record(w);
}

void append_ticker_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const BookTicker& ticker) {
  const std::string_view sent[] = {ticker.bid_price_text, ticker.bid_qty_text,
                                   ticker.ask_price_text, ticker.ask_qty_text};
  std::size_t sent_room = 16;
  for (std::string_view text : sent) sent_room += JsonLineWriter::string_room(text) + 6;
  JsonLineWriter w(out, context_room(context) + 4 * (kMaxDecimalChars + 8) + sent_room);
  begin_record_at_receive_time(w, "ticker", context, recv_ns);
  field(w, "u", ticker.update_id);
  w.raw(",\"b\":");
  decimal_string(w, ticker.bid_price);
  w.raw(",\"B\":");
  decimal_string(w, ticker.bid_qty);
  w.raw(",\"a\":");
  decimal_string(w, ticker.ask_price);
  w.raw(",\"A\":");
  decimal_string(w, ticker.ask_qty);
  w.raw(",\"E\":");
  w.ms_or_null(ticker.event_time_ms);
  w.raw(",\"T\":");
  w.ms_or_null(ticker.transaction_time_ms);
  // The four decimals as sent (CSV writes these): only when the parser kept all of them.
  if (!sent[0].empty() && !sent[1].empty() && !sent[2].empty() && !sent[3].empty()) {
    w.raw(",\"sent\":{\"b\":");
    w.string(sent[0]);
    w.raw(",\"B\":");
    w.string(sent[1]);
    w.raw(",\"a\":");
    w.string(sent[2]);
    w.raw(",\"A\":");
    w.string(sent[3]);
    w.raw("}");
  }
  end_record(w);
}

void append_event_record(std::string& out, std::string_view type, const RecordContext& context,
                         std::int64_t recv_ns, std::uint64_t id, std::int64_t event_time_ms,
                         std::int64_t trade_time_ms, double latency_event_ms,
                         std::string_view payload) {
  JsonLineWriter w(out, context_room(context) + payload.size());
  begin_record_at_receive_time(w, type, context, recv_ns);
  field(w, "id", id);
  w.raw(",\"E\":");
  w.ms_or_null(event_time_ms);
  w.raw(",\"T\":");
  w.ms_or_null(trade_time_ms);
  w.raw(",\"latency_event_ms\":");
  w.fixed3(latency_event_ms);
  w.raw(",\"data\":");
  w.compact_json(payload);
  end_record(w);
}

void append_id_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const IdGapInfo& gap) {
  JsonLineWriter w(out, context_room(context));
  begin_record_at_receive_time(w, "gap", context, recv_ns);
  w.raw(",\"reason\":\"id_gap\"");
  field(w, "from", gap.from);
  field(w, "to", gap.to);
  field(w, "missing", gap.missing);
  field(w, "last_id", gap.last_id);
  field(w, "got_id", gap.got_id);
  end_record(w);
}

void append_rest_trade_record(std::string& out, std::string_view type, const RecordContext& context,
                              std::int64_t recv_ns, std::uint64_t id, std::int64_t trade_time_ms,
                              std::string_view payload) {
  JsonLineWriter w(out, context_room(context) + payload.size());
  begin_record_at_receive_time(w, type, context, recv_ns);
  field(w, "id", id);
  w.raw(",\"E\":null,\"T\":");
  w.ms_or_null(trade_time_ms);
  w.raw(",\"latency_event_ms\":null,\"source\":\"rest\",\"data\":");
  w.compact_json(payload);
  end_record(w);
}

void append_gap_fill_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                            const GapFillInfo& fill) {
  JsonLineWriter w(out, context_room(context) + fill.error.size() + 64);
  begin_record_at_receive_time(w, "gap_fill", context, recv_ns);
  w.raw(",\"reason\":\"id_gap\"");
  field(w, "from", fill.from);
  field(w, "to", fill.to);
  field(w, "missing", fill.missing);
  w.key("status");
  w.string(fill.status);
  field(w, "filled", fill.filled);
  field(w, "requests", fill.requests);
  w.key("error");
  if (fill.error.empty()) {
    w.null();
  } else {
    w.string(fill.error);
  }
  end_record(w);
}

void append_kline_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                         const KlineEvent& kline, double latency_event_ms) {
  // Beyond the fixed room: the nine column keys and eight decimals of a closed candle.
  constexpr std::size_t kColumnsRoom = 768;
  JsonLineWriter w(out, context_room(context) + kColumnsRoom + kline.payload.size());
  begin_record_at_receive_time(w, "kline", context, recv_ns);
  w.raw(",\"interval\":\"");
  w.raw(to_string(kline.interval));
  w.raw("\",\"open_time\":");
  w.int64(kline.open_time_ms);
  w.raw(",\"close_time\":");
  w.int64(kline.close_time_ms);
  w.raw(kline.closed ? ",\"closed\":true" : ",\"closed\":false");
  w.raw(",\"E\":");
  w.ms_or_null(kline.event_time_ms);
  w.raw(",\"latency_event_ms\":");
  w.fixed3(latency_event_ms);
  if (kline.closed) {
    for (const auto& [name, value] :
         {std::make_pair("open", kline.open), std::make_pair("high", kline.high),
          std::make_pair("low", kline.low), std::make_pair("close", kline.close),
          std::make_pair("base_volume", kline.base_volume),
          std::make_pair("quote_volume", kline.quote_volume)}) {
      w.key(name);
      decimal_string(w, value);
    }
    field(w, "trade_count", kline.trade_count);
    w.key("taker_buy_base_volume");
    decimal_string(w, kline.taker_buy_base_volume);
    w.key("taker_buy_quote_volume");
    decimal_string(w, kline.taker_buy_quote_volume);
  }
  w.raw(",\"data\":");
  w.compact_json(kline.payload);
  end_record(w);
}

void append_kline_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                             const KlineGapInfo& gap) {
  JsonLineWriter w(out, context_room(context));
  begin_record_at_receive_time(w, "gap", context, recv_ns);
  w.raw(gap.intervals_missing ? ",\"reason\":\"kline_gap\"" : ",\"reason\":\"kline_unclosed\"");
  w.raw(",\"last_open_time\":");
  w.int64(gap.last_open_time);
  w.raw(gap.last_closed ? ",\"last_closed\":true" : ",\"last_closed\":false");
  if (gap.intervals_missing) {
    w.raw(",\"from_open_time\":");
    w.int64(gap.from_open_time);
    w.raw(",\"to_open_time\":");
    w.int64(gap.to_open_time);
    field(w, "missing", gap.missing);
  }
  w.raw(",\"got_open_time\":");
  w.int64(gap.got_open_time);
  end_record(w);
}

}  // namespace depthrec

#include "depthrec/records.hpp"

#include "recording/json_text.hpp"
#include "recording/utc_time.hpp"

namespace depthrec {
namespace {

using recording::append_fixed3;
using recording::append_int;
using recording::append_json_string;
using recording::append_key;
using recording::append_ns_as_ms;
using recording::append_optional_uint;
using recording::append_uint;

constexpr std::int64_t kNsPerMs = 1'000'000;

std::int64_t ns_to_ms_floor(std::int64_t ns) {
  std::int64_t ms = ns / kNsPerMs;
  if (ns % kNsPerMs < 0) --ms;
  return ms;
}

void append_timestamp(std::string& out, std::int64_t epoch_ms) {
  char buf[recording::kIso8601MsChars];
  out.push_back('"');
  out.append(buf, recording::format_iso8601_ms(epoch_ms, buf));
  out.push_back('"');
}

// {"type":T,"timestamp":..,"symbol":..,"market":..,"stream":..,"conn_id":.. (no recv_ns: depth
// lines put ts_recv before it, as in the seed).
void begin_record(std::string& out, std::string_view type, const RecordContext& context,
                  std::int64_t timestamp_ms) {
  out.append("{\"type\":\"");
  out.append(type);
  out.append("\",\"timestamp\":");
  append_timestamp(out, timestamp_ms);
  out.append(",\"symbol\":");
  append_json_string(out, context.symbol);
  out.append(",\"market\":\"");
  out.append(to_string(context.market));
  out.append("\",\"stream\":");
  append_json_string(out, context.stream);
  out.append(",\"conn_id\":");
  append_uint(out, context.conn_id);
}

void begin_record_at_receive_time(std::string& out, std::string_view type,
                                  const RecordContext& context, std::int64_t recv_ns) {
  begin_record(out, type, context, ns_to_ms_floor(recv_ns));
  out.append(",\"recv_ns\":");
  append_int(out, recv_ns);
}

void end_record(std::string& out) {
  out.append("}\n");
}

void append_ms_or_null(std::string& out, std::int64_t ms) {
  if (ms == 0) {
    out.append("null");
  } else {
    append_int(out, ms);
  }
}

void append_raw_array(std::string& out, std::string_view json) {
  if (json.empty()) {
    out.append("[]");
  } else {
    out.append(json);
  }
}

void append_decimal_string(std::string& out, Decimal value) {
  char buf[kMaxDecimalChars];
  out.push_back('"');
  out.append(buf, format_decimal(value, buf));
  out.push_back('"');
}

void append_field(std::string& out, std::string_view key, std::uint64_t value) {
  append_key(out, key);
  append_uint(out, value);
}

void append_field(std::string& out, std::string_view key, std::optional<std::uint64_t> value) {
  append_key(out, key);
  append_optional_uint(out, value);
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
  }
  return "unknown";
}

void append_depth_record(std::string& out, const RecordContext& context, const DepthUpdate& update,
                         std::int64_t recv_ns, double latency_event_ms,
                         double latency_pipeline_ms) {
  const bool has_event_time = update.event_time_ms != 0;
  begin_record(out, "depth", context,
               has_event_time ? update.event_time_ms : ns_to_ms_floor(recv_ns));
  out.append(",\"ts_recv\":");
  append_ns_as_ms(out, recv_ns);
  out.append(",\"recv_ns\":");
  append_int(out, recv_ns);
  out.append(",\"E\":");
  append_ms_or_null(out, update.event_time_ms);
  out.append(",\"T\":");
  append_ms_or_null(out, update.transaction_time_ms);
  append_field(out, "U", update.first_id);
  append_field(out, "u", update.final_id);
  append_field(
      out, "pu",
      update.has_prev_final_id ? std::optional<std::uint64_t>(update.prev_final_id) : std::nullopt);
  out.append(",\"latency_event_ms\":");
  append_fixed3(out, latency_event_ms);
  out.append(",\"latency_pipeline_ms\":");
  append_fixed3(out, latency_pipeline_ms);
  out.append(update.kind == DepthKind::diff ? ",\"kind\":\"diff\",\"b\":"
                                            : ",\"kind\":\"partial\",\"b\":");
  append_raw_array(out, update.bids_json);
  out.append(",\"a\":");
  append_raw_array(out, update.asks_json);
  end_record(out);
}

void append_snapshot_record(std::string& out, const RecordContext& context,
                            const DepthSnapshot& snapshot, std::int64_t recv_ns) {
  begin_record_at_receive_time(out, "snapshot", context, recv_ns);
  append_field(out, "lastUpdateId", snapshot.last_update_id);
  out.append(",\"E\":");
  append_ms_or_null(out, snapshot.event_time_ms);
  out.append(",\"T\":");
  append_ms_or_null(out, snapshot.transaction_time_ms);
  out.append(",\"bids\":");
  append_raw_array(out, snapshot.bids_json);
  out.append(",\"asks\":");
  append_raw_array(out, snapshot.asks_json);
  end_record(out);
}

void append_gap_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                       const GapInfo& gap) {
  begin_record_at_receive_time(out, "gap", context, recv_ns);
  out.append(",\"reason\":\"");
  out.append(to_string(gap.reason));
  out.push_back('"');
  append_field(out, "last_u", gap.last_u);
  append_field(out, "expected", gap.expected);
  append_field(out, "got_U", gap.got_U);
  append_field(out, "got_pu", gap.got_pu);
  append_field(out, "got_u", gap.got_u);
  append_field(out, "dropped", gap.dropped);
  end_record(out);
}

void append_resync_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const ResyncInfo& resync) {
  begin_record_at_receive_time(out, "resync", context, recv_ns);
  out.append(",\"reason\":\"");
  out.append(resync.after_gap ? to_string(*resync.after_gap) : std::string_view("initial"));
  out.push_back('"');
  append_field(out, "lastUpdateId", resync.last_update_id);
  append_field(out, "first_U", resync.first_U);
  append_field(out, "first_u", resync.first_u);
  append_field(out, "dropped_stale", resync.dropped_stale);
  out.append(",\"duration_ms\":");
  append_fixed3(out, resync.duration_ms);
  end_record(out);
}

void append_connect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                           std::string_view url) {
  begin_record_at_receive_time(out, "connect", context, recv_ns);
  out.append(",\"url\":");
  append_json_string(out, url);
  end_record(out);
}

void append_disconnect_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                              std::string_view reason, std::optional<int> code) {
  begin_record_at_receive_time(out, "disconnect", context, recv_ns);
  out.append(",\"reason\":");
  append_json_string(out, reason);
  out.append(",\"code\":");
  if (code) {
    append_int(out, *code);
  } else {
    out.append("null");
  }
  end_record(out);
}

void append_ticker_record(std::string& out, const RecordContext& context, std::int64_t recv_ns,
                          const BookTicker& ticker) {
  begin_record_at_receive_time(out, "ticker", context, recv_ns);
  append_field(out, "u", ticker.update_id);
  out.append(",\"b\":");
  append_decimal_string(out, ticker.bid_price);
  out.append(",\"B\":");
  append_decimal_string(out, ticker.bid_qty);
  out.append(",\"a\":");
  append_decimal_string(out, ticker.ask_price);
  out.append(",\"A\":");
  append_decimal_string(out, ticker.ask_qty);
  out.append(",\"E\":");
  append_ms_or_null(out, ticker.event_time_ms);
  out.append(",\"T\":");
  append_ms_or_null(out, ticker.transaction_time_ms);
  end_record(out);
}

}  // namespace depthrec

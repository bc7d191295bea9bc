// One depthrec NDJSON record (docs/records.md) -> one typed item, read with RapidJSON in situ.
#include "replay_ndjson_record.hpp"

#include <cstdint>
#include <limits>
#include <optional>

#include "protocol/kline_fields.hpp"
#include "protocol/market_event_fields.hpp"

namespace depthrec {
namespace {

using rapidjson::Value;

constexpr auto kMaxNs = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Reads fields of one JSON object, keeping the first error ("missing `u`", "`b` is not ...").
class FieldReader {
 public:
  explicit FieldReader(const Value& object) : object_(object) {}

  const std::string& error() const { return error_; }

  void u64(const char* name, std::uint64_t& out) {
    std::optional<std::uint64_t> value;
    optional_u64(name, value);
    if (value) {
      out = *value;
    } else {
      fail(name, "missing or null");
    }
  }
  void optional_u64(const char* name, std::optional<std::uint64_t>& out) {
    out.reset();
    const Value* value = find(name);
    if (value == nullptr || value->IsNull()) return;
    if (!value->IsUint64()) return fail(name, "not an unsigned integer:");
    out = value->GetUint64();
  }
  // Absent or null reads as 0 (times missing from spot payloads).
  void optional_i64(const char* name, std::int64_t& out) {
    out = 0;
    const Value* value = find(name);
    if (value == nullptr || value->IsNull()) return;
    if (!value->IsInt64()) return fail(name, "not an integer:");
    out = value->GetInt64();
  }
  void optional_double(const char* name, double& out) {
    out = 0;
    const Value* value = find(name);
    if (value == nullptr || value->IsNull()) return;
    if (!value->IsNumber()) return fail(name, "not a number:");
    out = value->GetDouble();
  }
  // A number, or nothing (absent, null or another type: never an error).
  std::optional<double> lenient_double(const char* name) const {
    const Value* value = find(name);
    if (value == nullptr || !value->IsNumber()) return std::nullopt;
    return value->GetDouble();
  }
  void boolean(const char* name, bool& out) {
    const Value* value = find(name);
    if (value == nullptr || !value->IsBool()) return fail(name, "missing or not a boolean:");
    out = value->GetBool();
  }
  const Value* object(const char* name) const {
    const Value* value = find(name);
    return value != nullptr && value->IsObject() ? value : nullptr;
  }
  void optional_text(const char* name, std::string_view& out) {
    out = {};
    const Value* value = find(name);
    if (value == nullptr || value->IsNull()) return;
    if (!value->IsString()) return fail(name, "not a string:");
    out = std::string_view(value->GetString(), value->GetStringLength());
  }
  void decimal(const char* name, Decimal& out) {
    const Value* value = find(name);
    if (value == nullptr || !value->IsString()) return fail(name, "missing or not a string:");
    if (!parse_decimal(std::string_view(value->GetString(), value->GetStringLength()), out)) {
      fail(name, "bad decimal in");
    }
  }
  void levels(const char* name, std::vector<PriceLevel>& out) {
    out.clear();
    const Value* value = find(name);
    if (value == nullptr || !value->IsArray()) return fail(name, "missing or not an array:");
    for (const Value& pair : value->GetArray()) {
      if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
        return fail(name, "a level is not a [\"price\",\"qty\"] pair in");
      }
      PriceLevel level;
      const bool ok =
          parse_decimal(std::string_view(pair[0].GetString(), pair[0].GetStringLength()),
                        level.price) &&
          parse_decimal(std::string_view(pair[1].GetString(), pair[1].GetStringLength()),
                        level.qty);
      if (!ok) return fail(name, "bad decimal in");
      if (!fits_book_price(level.price))
        return fail(name, "a level price above 92233720368.54775807 in");
      out.push_back(level);
    }
  }

 private:
  const Value* find(const char* name) const {
    const auto it = object_.FindMember(name);
    return it == object_.MemberEnd() ? nullptr : &it->value;
  }
  void fail(const char* name, const char* what) {
    if (error_.empty()) error_ = std::string(what) + " `" + name + "`";
  }

  const Value& object_;
  std::string error_;
};

void read_depth_record(FieldReader& fields, ReplayItem& item) {
  DepthUpdate& depth = item.depth;
  fields.u64("U", depth.first_id);
  fields.u64("u", depth.final_id);
  std::optional<std::uint64_t> prev;
  fields.optional_u64("pu", prev);
  depth.has_prev_final_id = prev.has_value();
  depth.prev_final_id = prev.value_or(0);
  fields.optional_i64("E", depth.event_time_ms);
  fields.optional_i64("T", depth.transaction_time_ms);
  fields.levels("b", depth.bids);
  fields.levels("a", depth.asks);
  std::string_view kind;
  fields.optional_text("kind", kind);
  depth.kind = kind == "partial" ? DepthKind::partial : DepthKind::diff;
  depth.symbol = item.symbol;
  depth.bids_json = {};
  depth.asks_json = {};
  item.type = ReplayItemType::depth;
}

void read_snapshot_record(FieldReader& fields, ReplayItem& item) {
  DepthSnapshot& snapshot = item.snapshot;
  fields.u64("lastUpdateId", snapshot.last_update_id);
  fields.optional_i64("E", snapshot.event_time_ms);
  fields.optional_i64("T", snapshot.transaction_time_ms);
  fields.levels("bids", snapshot.bids);
  fields.levels("asks", snapshot.asks);
  snapshot.bids_json = {};
  snapshot.asks_json = {};
  item.type = ReplayItemType::snapshot;
}

void read_ticker_record(FieldReader& fields, ReplayItem& item) {
  BookTicker& ticker = item.ticker;
  ticker = BookTicker{};
  ticker.symbol = item.symbol;
  fields.u64("u", ticker.update_id);
  fields.decimal("b", ticker.bid_price);
  fields.decimal("B", ticker.bid_qty);
  fields.decimal("a", ticker.ask_price);
  fields.decimal("A", ticker.ask_qty);
  fields.optional_i64("E", ticker.event_time_ms);
  fields.optional_i64("T", ticker.transaction_time_ms);
  item.type = ReplayItemType::ticker;
}

void read_marker_record(FieldReader& fields, MarkerType type, ReplayItem& item) {
  ReplayMarker& marker = item.marker;
  marker = ReplayMarker{};
  marker.type = type;
  std::string_view text;
  fields.optional_text("reason", text);
  marker.reason.assign(text);
  switch (type) {
    case MarkerType::gap: {
      fields.optional_u64("last_u", marker.last_u);
      fields.optional_u64("expected", marker.expected);
      fields.optional_u64("got_U", marker.got_first_id);
      fields.optional_u64("got_pu", marker.got_prev_final_id);
      fields.optional_u64("got_u", marker.got_final_id);
      fields.optional_u64("from", marker.id_from);
      fields.optional_u64("to", marker.id_to);
      fields.optional_u64("last_open_time", marker.last_open_time);
      fields.optional_u64("got_open_time", marker.got_open_time);
      fields.optional_u64("from_open_time", marker.from_open_time);
      fields.optional_u64("to_open_time", marker.to_open_time);
      fields.optional_u64("missing", marker.missing);
      std::optional<std::uint64_t> dropped;
      fields.optional_u64("dropped", dropped);
      marker.dropped = dropped.value_or(0);
      break;
    }
    case MarkerType::resync: {
      fields.u64("lastUpdateId", marker.last_update_id);
      std::optional<std::uint64_t> value;
      fields.optional_u64("first_U", value);
      marker.first_id = value.value_or(0);
      fields.optional_u64("first_u", value);
      marker.final_id = value.value_or(0);
      fields.optional_u64("dropped_stale", value);
      marker.dropped_stale = value.value_or(0);
      fields.optional_double("duration_ms", marker.duration_ms);
      break;
    }
    case MarkerType::connect:
      fields.optional_text("url", text);
      marker.url.assign(text);
      fields.optional_u64("rollover_from", marker.rollover_from);
      break;
    case MarkerType::disconnect: {
      std::optional<std::uint64_t> code;
      fields.optional_u64("code", code);
      if (code)
        marker.close_code = static_cast<std::int64_t>(*code & 0xFFFF);  // close codes are 16-bit
      break;
    }
  }
  item.type = ReplayItemType::marker;
}

// A trade record's `data`: the payload as received. A payload without a field the recorder
// requires (it records none such) leaves has_trade false rather than refusing the line.
void read_trade_payload(const FieldReader& record, std::string_view type, ReplayItem& item) {
  const Value* data = record.object("data");
  if (data == nullptr) return;
  FieldReader fields(*data);
  TradeEvent& trade = item.trade;
  trade = TradeEvent{};
  trade.kind = type == "trade" ? TradeKind::trade : TradeKind::agg_trade;
  trade.stream = item.stream;
  fields.optional_text("s", trade.symbol);
  fields.u64(trade.kind == TradeKind::trade ? "t" : "a", trade.id);
  if (trade.kind == TradeKind::agg_trade) {
    fields.u64("f", trade.first_trade_id);
    fields.u64("l", trade.last_trade_id);
  } else {
    trade.first_trade_id = trade.last_trade_id = trade.id;
  }
  fields.decimal("p", trade.price);
  fields.decimal("q", trade.quantity);
  fields.optional_i64("E", trade.event_time_ms);
  fields.optional_i64("T", trade.trade_time_ms);
  fields.boolean("m", trade.buyer_is_maker);
  item.has_trade = fields.error().empty();
}

}  // namespace

std::string parse_ndjson_record(std::string& line, rapidjson::Document& document,
                                ReplayItem& item) {
  item.format = RecordingFormat::depthrec_ndjson;
  // A reused document's pool keeps growing unless it is cleared between lines.
  document.SetNull();
  document.GetAllocator().Clear();
  document.ParseInsitu(line.data());
  if (document.HasParseError()) return "not valid JSON";
  if (!document.IsObject()) return "not a JSON object";
  FieldReader fields(document);

  item.event_id.reset();
  item.from_rest = false;
  item.gap_fill.reset();
  item.kline_open_time.reset();
  item.kline_interval = {};
  item.kline_closed = false;
  std::string_view type;
  fields.optional_text("type", type);
  if (type.empty()) return fields.error().empty() ? "missing `type`" : fields.error();
  std::optional<std::uint64_t> recv_ns;
  fields.optional_u64("recv_ns", recv_ns);
  if (!recv_ns) {
    double ts_recv_ms = 0;  // the seed's millisecond field, when recv_ns is missing
    fields.optional_double("ts_recv", ts_recv_ms);
    if (ts_recv_ms <= 0) return "missing `recv_ns`";
    if (ts_recv_ms * 1e6 >= static_cast<double>(kMaxNs)) return "`recv_ns` out of range";
    recv_ns = static_cast<std::uint64_t>(ts_recv_ms * 1e6);
  }
  if (*recv_ns > kMaxNs) return "`recv_ns` out of range";
  item.recv_ns = static_cast<std::int64_t>(*recv_ns);
  std::string_view market;
  fields.optional_text("market", market);
  if (!market.empty()) {
    item.market = parse_market(market);
    if (!item.market) return "unknown market `" + std::string(market) + "`";
  }
  fields.optional_text("symbol", item.symbol);
  fields.optional_text("stream", item.stream);
  // Figures for the plot only: a record whose latency is not a number is still verified.
  item.latency_event_ms = fields.lenient_double("latency_event_ms");
  item.latency_pipeline_ms = fields.lenient_double("latency_pipeline_ms");

  if (type == "depth") {
    read_depth_record(fields, item);
  } else if (type == "snapshot" || type == "book") {  // book: a Redis entry's (same shape)
    read_snapshot_record(fields, item);
  } else if (type == "ticker") {
    read_ticker_record(fields, item);
  } else if (type == "gap") {
    read_marker_record(fields, MarkerType::gap, item);
  } else if (type == "resync") {
    read_marker_record(fields, MarkerType::resync, item);
  } else if (type == "connect") {
    read_marker_record(fields, MarkerType::connect, item);
  } else if (type == "disconnect") {
    read_marker_record(fields, MarkerType::disconnect, item);
  } else {
    item.type = ReplayItemType::other;
    item.other_type = type;
    if (type == "trade" || type == "aggTrade") {
      fields.u64("id", item.event_id.emplace());
      std::string_view source;
      fields.optional_text("source", source);
      item.from_rest = source == "rest";
      read_trade_payload(fields, type, item);
    }
    if (type == "markPrice" || type == "forceOrder") {
      // The event from `data` (the payload as received), as for klines.
      const Value* data = fields.object("data");
      item.market_event = MarketEvent{};
      item.market_event.kind =
          type == "markPrice" ? MarketEventKind::mark_price : MarketEventKind::force_order;
      item.has_market_event = data != nullptr && protocol::read_market_event_fields(
                                                     data->GetObject(), item.market_event.kind,
                                                     item.market_event) == ParseError::none;
    }
    if (type == "gap_fill") {
      ReplayGapFill& fill = item.gap_fill.emplace();
      fields.u64("from", fill.from);
      fields.u64("to", fill.to);
      fields.u64("filled", fill.filled);
      fields.optional_text("status", fill.status);
      if (fill.status.empty() && fields.error().empty()) return "gap_fill record: missing `status`";
    }
    if (type == "kline") {
      fields.u64("open_time", item.kline_open_time.emplace());
      fields.optional_text("interval", item.kline_interval);
      const auto closed = document.FindMember("closed");
      item.kline_closed = closed != document.MemberEnd() && closed->value.IsTrue();
      // The candle itself from `data` (the payload as received); a payload without a field the
      // recorder requires (it records none such) leaves has_kline false, the line is kept.
      const Value* data = fields.object("data");
      item.kline = KlineEvent{};
      item.has_kline = data != nullptr && protocol::read_kline_fields(
                                              data->GetObject(), item.kline) == ParseError::none;
    }
  }
  if (!fields.error().empty()) return std::string(type) + " record: " + fields.error();
  return {};
}

}  // namespace depthrec

// ReplayLineParser: one recording line -> one typed item. Raw and cryptofeed capture lines go
// through the FrameParser (the same code as the live path); NDJSON records are read with
// RapidJSON in situ.
#include <rapidjson/document.h>

#include <cstdint>
#include <limits>

#include "capture_line_prefix.hpp"
#include "depthrec/replay_reader.hpp"

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

// Binance stream names start with the lower-case symbol: "btcusdt@depth5@100ms" -> BTCUSDT.
void symbol_from_stream(std::string_view stream, std::string& out) {
  out = to_upper(stream.substr(0, stream.find('@')));
}

}  // namespace

std::string_view to_string(RecordingFormat format) {
  switch (format) {
    case RecordingFormat::raw_capture:
      return "raw";
    case RecordingFormat::depthrec_ndjson:
      return "ndjson";
    case RecordingFormat::cryptofeed_raw:
      return "cryptofeed";
  }
  return "unknown";
}

std::string_view to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::ns:
      return "ns";
    case TimeUnit::us:
      return "us";
    case TimeUnit::ms:
      return "ms";
    case TimeUnit::s:
      return "s";
  }
  return "unknown";
}

std::string_view to_string(MarkerType type) {
  switch (type) {
    case MarkerType::gap:
      return "gap";
    case MarkerType::resync:
      return "resync";
    case MarkerType::connect:
      return "connect";
    case MarkerType::disconnect:
      return "disconnect";
  }
  return "unknown";
}

struct ReplayLineParser::Impl {
  FrameParser frame_parser;
  Frame frame;
  rapidjson::Document document;
  std::string symbol_scratch;

  std::string parse_capture(const std::string& line, ReplayItem& item);
  std::string parse_frame(std::string_view json, ReplayItem& item);
  std::string parse_rest_reply(const CaptureLinePrefix& prefix, ReplayItem& item);
  std::string parse_ndjson(std::string& line, ReplayItem& item);
};

ReplayLineParser::ReplayLineParser() : impl_(std::make_unique<Impl>()) {}
ReplayLineParser::~ReplayLineParser() = default;
ReplayLineParser::ReplayLineParser(ReplayLineParser&&) noexcept = default;
ReplayLineParser& ReplayLineParser::operator=(ReplayLineParser&&) noexcept = default;

std::string ReplayLineParser::parse(std::string& line, ReplayItem& item) {
  if (!impl_) impl_ = std::make_unique<Impl>();  // moved-from: usable again
  item.market.reset();
  item.symbol = {};
  item.stream = {};
  item.other_type = {};
  item.raw_json = {};
  item.recv_ns = 0;
  item.time_unit = TimeUnit::ns;
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos) return "blank line";
  if (line[start] == '{') return impl_->parse_ndjson(line, item);
  return impl_->parse_capture(line, item);
}

std::string ReplayLineParser::Impl::parse_capture(const std::string& line, ReplayItem& item) {
  CaptureLinePrefix prefix;
  std::string error = parse_capture_prefix(line, prefix);
  if (!error.empty()) return error;
  item.format = prefix.format;
  item.recv_ns = prefix.recv_ns;
  item.time_unit = prefix.unit;
  item.raw_json = prefix.payload;
  item.type = ReplayItemType::other;
  switch (prefix.kind) {
    case CaptureLinePrefix::Kind::frame:
      return parse_frame(prefix.payload, item);
    case CaptureLinePrefix::Kind::rest_reply:
      return parse_rest_reply(prefix, item);
    case CaptureLinePrefix::Kind::connect:
      item.other_type = "connect";
      return {};
    case CaptureLinePrefix::Kind::request:
      item.other_type = "request";
      return {};
    case CaptureLinePrefix::Kind::configuration:
      item.other_type = "configuration";
      item.raw_json = {};
      return {};
  }
  return "unknown capture line";
}

std::string ReplayLineParser::Impl::parse_rest_reply(const CaptureLinePrefix& prefix,
                                                     ReplayItem& item) {
  // Only depth snapshots matter to a replay; other replies (exchangeInfo, ...) are kept as such.
  const bool depth_url = prefix.url.find("/depth") != std::string_view::npos;
  const ParseError error = parse_snapshot(prefix.payload, item.snapshot);
  if (error != ParseError::none) {
    if (depth_url) return "depth snapshot refused: " + std::string(to_string(error));
    item.other_type = "rest";
    return {};
  }
  // A snapshot belongs to the symbol it was fetched for; the URL is the one place that says so.
  symbol_scratch = symbol_from_url(prefix.url);
  item.symbol = symbol_scratch;
  item.type = ReplayItemType::snapshot;
  return {};
}

std::string ReplayLineParser::Impl::parse_frame(std::string_view json, ReplayItem& item) {
  const ParseError error = frame_parser.parse(json, frame);
  if (error != ParseError::none) {
    // Not a frame: the REST snapshot body may still be (a futures body has fields no frame has).
    if (parse_snapshot(json, item.snapshot) == ParseError::none) {
      item.type = ReplayItemType::snapshot;
      return {};
    }
    return "frame refused: " + std::string(to_string(error));
  }
  item.stream = frame.stream;
  switch (frame.type) {
    case FrameType::spot_partial_depth:
      if (frame.stream.empty()) {
        // A bare {"lastUpdateId","bids","asks"} in a capture is the REST snapshot body.
        const ParseError snapshot_error = parse_snapshot(json, item.snapshot);
        if (snapshot_error != ParseError::none) {
          return "snapshot refused: " + std::string(to_string(snapshot_error));
        }
        item.type = ReplayItemType::snapshot;
        return {};
      }
      symbol_from_stream(frame.stream, symbol_scratch);
      frame.depth.symbol = symbol_scratch;
      [[fallthrough]];
    case FrameType::depth_update:
      std::swap(item.depth, frame.depth);  // both keep their level capacity for reuse
      item.symbol = item.depth.symbol;
      item.type = ReplayItemType::depth;
      return {};
    case FrameType::book_ticker:
      item.ticker = frame.ticker;
      item.symbol = frame.ticker.symbol;
      item.type = ReplayItemType::ticker;
      return {};
    case FrameType::subscription_reply:
      item.other_type = "reply";
      break;
    case FrameType::server_event:
    case FrameType::other_event:
      item.other_type = frame.event_type;
      break;
  }
  item.type = ReplayItemType::other;
  return {};
}

std::string ReplayLineParser::Impl::parse_ndjson(std::string& line, ReplayItem& item) {
  item.format = RecordingFormat::depthrec_ndjson;
  // A reused document's pool keeps growing unless it is cleared between lines.
  document.SetNull();
  document.GetAllocator().Clear();
  document.ParseInsitu(line.data());
  if (document.HasParseError()) return "not valid JSON";
  if (!document.IsObject()) return "not a JSON object";
  FieldReader fields(document);

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

  if (type == "depth") {
    read_depth_record(fields, item);
  } else if (type == "snapshot") {
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
  }
  if (!fields.error().empty()) return std::string(type) + " record: " + fields.error();
  return {};
}

}  // namespace depthrec

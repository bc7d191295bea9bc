// FrameParser: one SAX walk (json_frame_handler), then the frame type is decided from the fields
// seen and only the fields that type needs are validated.
#include "depthrec/frame_parser.hpp"

#include <rapidjson/reader.h>

#include "protocol/book_ticker_scanner.hpp"
#include "protocol/depth_frame_scanner.hpp"
#include "protocol/depth_stream_kind.hpp"
#include "protocol/json_field_checks.hpp"
#include "protocol/json_frame_handler.hpp"

namespace depthrec {
namespace {

using json::depth_kind_of_stream;
using json::FieldId;
using json::FirstError;
using json::FrameHandler;
using json::JsonKind;

// Connection-level events the market streams send (spot announces a shutdown this way).
bool is_server_event(std::string_view event_type) {
  return event_type == "serverShutdown";
}

void reset(Frame& out) {
  out.type = FrameType::other_event;
  out.stream = {};
  out.event_type = {};
  DepthUpdate& depth = out.depth;
  depth.kind = DepthKind::diff;
  depth.symbol = {};
  depth.event_time_ms = 0;
  depth.transaction_time_ms = 0;
  depth.first_id = 0;
  depth.final_id = 0;
  depth.prev_final_id = 0;
  depth.has_prev_final_id = false;
  depth.bids.clear();
  depth.asks.clear();
  depth.bids_json = {};
  depth.asks_json = {};
  out.ticker = BookTicker{};
  out.reply = SubscriptionReply{};
}

ParseError read_depth_update(const FrameHandler& h, Frame& out) {
  DepthUpdate& depth = out.depth;
  FirstError error;
  error(read_time(h.field(FieldId::E), depth.event_time_ms));
  error(read_symbol(h.field(FieldId::s), depth.symbol));
  error(read_id(h.field(FieldId::U), depth.first_id));
  error(read_id(h.field(FieldId::u), depth.final_id));
  error(check_levels(h.field(FieldId::b)));
  error(check_levels(h.field(FieldId::a)));
  error(read_optional_time(h.field(FieldId::T), depth.transaction_time_ms));
  error(read_optional_id(h.field(FieldId::pu), depth.prev_final_id, depth.has_prev_final_id));
  error(h.level_error());
  depth.kind = depth_kind_of_stream(out.stream);
  depth.bids_json = h.side(Side::bid).raw;
  depth.asks_json = h.side(Side::ask).raw;
  out.type = FrameType::depth_update;
  return error.get();
}

// {"lastUpdateId":..,"bids":[..],"asks":[..]}: the top levels, replacing the previous view.
ParseError read_spot_partial_depth(const FrameHandler& h, Frame& out) {
  DepthUpdate& depth = out.depth;
  FirstError error;
  error(read_id(h.field(FieldId::last_update_id), depth.final_id));
  error(check_levels(h.field(FieldId::bids)));
  error(check_levels(h.field(FieldId::asks)));
  error(read_optional_time(h.field(FieldId::E), depth.event_time_ms));
  error(read_optional_time(h.field(FieldId::T), depth.transaction_time_ms));
  error(h.level_error());
  depth.kind = DepthKind::partial;
  depth.first_id = depth.final_id;
  depth.bids_json = h.side(Side::bid).raw;
  depth.asks_json = h.side(Side::ask).raw;
  out.type = FrameType::spot_partial_depth;
  return error.get();
}

ParseError read_book_ticker(const FrameHandler& h, Frame& out) {
  BookTicker& ticker = out.ticker;
  FirstError error;
  error(read_id(h.field(FieldId::u), ticker.update_id));
  error(read_symbol(h.field(FieldId::s), ticker.symbol));
  error(read_decimal(h.field(FieldId::b), ticker.bid_price));
  error(read_decimal(h.field(FieldId::B), ticker.bid_qty));
  error(read_decimal(h.field(FieldId::a), ticker.ask_price));
  error(read_decimal(h.field(FieldId::A), ticker.ask_qty));
  ticker.bid_price_text = h.field(FieldId::b).text;
  ticker.bid_qty_text = h.field(FieldId::B).text;
  ticker.ask_price_text = h.field(FieldId::a).text;
  ticker.ask_qty_text = h.field(FieldId::A).text;
  error(read_optional_time(h.field(FieldId::E), ticker.event_time_ms));
  error(read_optional_time(h.field(FieldId::T), ticker.transaction_time_ms));
  out.type = FrameType::book_ticker;
  return error.get();
}

bool present(const FrameHandler& h, FieldId id) {
  return h.field(id).kind != JsonKind::absent;
}

ParseError classify(const FrameHandler& h, Frame& out) {
  if (h.stream_kind() != JsonKind::absent && h.stream_kind() != JsonKind::string) {
    return ParseError::wrong_type;
  }
  if (h.data_kind() != JsonKind::absent && h.data_kind() != JsonKind::object) {
    return ParseError::wrong_type;
  }
  out.stream = h.stream();
  // An empty stream name would skip the recorder's stream check: a wrapper must name one.
  if (h.stream_kind() == JsonKind::string && out.stream.empty()) return ParseError::missing_field;

  const json::FieldValue& event = h.field(FieldId::e);
  if (event.kind != JsonKind::absent) {
    if (event.kind != JsonKind::string) return ParseError::wrong_type;
    out.event_type = event.text;
    if (event.text == "depthUpdate") return read_depth_update(h, out);
    if (event.text == "bookTicker") return read_book_ticker(h, out);
    out.type = is_server_event(event.text) ? FrameType::server_event : FrameType::other_event;
    return ParseError::none;
  }
  // Payloads without "e": spot partial depth, spot bookTicker, replies to requests.
  if (present(h, FieldId::last_update_id)) return read_spot_partial_depth(h, out);
  const bool ticker_field = present(h, FieldId::b) || present(h, FieldId::B) ||
                            present(h, FieldId::a) || present(h, FieldId::A);
  if (present(h, FieldId::u) && present(h, FieldId::s) && ticker_field) {
    return read_book_ticker(h, out);
  }
  const bool refused = present(h, FieldId::code) || present(h, FieldId::error);
  if (present(h, FieldId::result) || refused) {
    out.type = FrameType::subscription_reply;
    const json::FieldValue& id = h.field(FieldId::id);
    out.reply.has_id = id.kind == JsonKind::unsigned_int;
    out.reply.id = out.reply.has_id ? id.number : 0;
    out.reply.error = refused;
    return ParseError::none;
  }
  return ParseError::missing_field;  // no "e" and no known shape
}

}  // namespace

struct FrameParser::Impl {
  explicit Impl(FrameParserLimits parser_limits) : limits(parser_limits) {}
  FrameParserLimits limits;
  rapidjson::Reader reader;
  FrameHandler handler;
  std::string text_copy;  // NUL-terminated copy the Reader walks (capacity reused)
};

FrameParser::FrameParser(FrameParserLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
FrameParser::~FrameParser() = default;
FrameParser::FrameParser(FrameParser&&) noexcept = default;
FrameParser& FrameParser::operator=(FrameParser&&) noexcept = default;

ParseError FrameParser::parse(std::string_view text, Frame& out) {
  reset(out);
  if (!impl_) impl_ = std::make_unique<Impl>(FrameParserLimits{});  // moved-from: usable again
  if (text.size() > impl_->limits.max_frame_bytes) return ParseError::too_large;
  if (impl_->limits.depth_fast_path &&
      json::scan_depth_update(text, impl_->limits.max_levels_per_side, out)) {
    return ParseError::none;
  }
  reset(out);  // declined
  if (impl_->limits.depth_fast_path && json::scan_book_ticker(text, out)) return ParseError::none;
  reset(out);  // declined: the generic walk decides, from a clean frame

  json::TextCursor cursor(text, impl_->text_copy);
  impl_->handler.begin(text, cursor, out.depth.bids, out.depth.asks,
                       impl_->limits.max_levels_per_side, /*accept_wrapper=*/true);
  const ParseError walked = json::walk(impl_->reader, cursor, impl_->handler, text);
  if (walked != ParseError::none) return walked;
  return classify(impl_->handler, out);
}

}  // namespace depthrec

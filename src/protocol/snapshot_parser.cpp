// The REST snapshot body goes through the same SAX walk as frames (no wrapper allowed), so its
// level arrays are viewed in the body exactly as received.
#include <rapidjson/reader.h>

#include <string>

#include "depthrec/snapshot.hpp"
#include "protocol/json_field_checks.hpp"
#include "protocol/json_frame_handler.hpp"

namespace depthrec {
namespace {

// Spot serves up to 5000 levels a side; the bound only guards against absurd bodies.
constexpr std::size_t kMaxSnapshotLevelsPerSide = 100'000;

}  // namespace

ParseError parse_snapshot(std::string_view body, DepthSnapshot& out) {
  out.last_update_id = 0;
  out.event_time_ms = 0;
  out.transaction_time_ms = 0;
  out.bids_json = {};
  out.asks_json = {};

  rapidjson::Reader reader;
  json::FrameHandler handler;
  std::string body_copy;
  json::TextCursor cursor(body, body_copy);
  handler.begin(body, cursor, out.bids, out.asks, kMaxSnapshotLevelsPerSide,
                /*accept_wrapper=*/false);
  const ParseError walked = json::walk(reader, cursor, handler, body);
  if (walked != ParseError::none) return walked;

  using json::FieldId;
  json::FirstError error;
  error(json::read_id(handler.field(FieldId::last_update_id), out.last_update_id));
  error(json::check_levels(handler.field(FieldId::bids)));
  error(json::check_levels(handler.field(FieldId::asks)));
  error(json::read_optional_time(handler.field(FieldId::E), out.event_time_ms));
  error(json::read_optional_time(handler.field(FieldId::T), out.transaction_time_ms));
  error(handler.level_error());
  out.bids_json = handler.side(Side::bid).raw;
  out.asks_json = handler.side(Side::ask).raw;
  return error.get();
}

}  // namespace depthrec

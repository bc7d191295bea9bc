// Hostile event faults: the event is sent, but altered the way a hostile or broken server could
// send it (spaced out, cut, with an empty symbol or stream, a bogus or duplicated "u"), instead
// of as rendered. The truth moves on as for a normal event.
#include <algorithm>
#include <limits>

#include "exchange.hpp"
#include "payload_format.hpp"

namespace depthsim {

namespace {

// The event's diff payload altered by `fault` (spaced, empty_symbol, huge_u, duplicate_u).
std::string alter_event(const StreamFault& fault, std::string payload, const BookUpdate& update,
                        const std::string& symbol) {
  const std::string u_field = "\"u\":" + std::to_string(update.last_id);
  const std::size_t u_at = payload.find(u_field);
  switch (fault.kind) {
    case FaultKind::spaced:
      return pretty_json(payload, "\r\n");
    case FaultKind::empty_symbol: {
      const std::string s_field = "\"s\":\"" + symbol + "\"";
      const std::size_t at = payload.find(s_field);
      if (at != std::string::npos) payload.replace(at, s_field.size(), "\"s\":\"\"");
      return payload;
    }
    case FaultKind::huge_u:
      if (u_at != std::string::npos) {
        payload.replace(u_at, u_field.size(),
                        "\"u\":" + std::to_string(static_cast<std::uint64_t>(fault.arg)));
      }
      return payload;
    case FaultKind::duplicate_u:
      if (u_at != std::string::npos) {
        payload.insert(u_at + u_field.size(),
                       ",\"u\":" + std::to_string(update.last_id + 1'000'000'000'000'000'000ULL));
      }
      return payload;
    case FaultKind::e_ahead:
    case FaultKind::e_max: {
      const std::string e_field = "\"E\":" + std::to_string(update.event_ms);
      const std::size_t at = payload.find(e_field);
      const std::string e_value =
          fault.kind == FaultKind::e_max
              ? std::to_string(std::numeric_limits<std::int64_t>::max())
              : std::to_string(update.event_ms + static_cast<std::int64_t>(fault.arg));
      if (at != std::string::npos) payload.replace(at, e_field.size(), "\"E\":" + e_value);
      return payload;
    }
    default:
      return payload;
  }
}

}  // namespace

std::string pretty_json(std::string_view text, std::string_view newline) {
  std::string out;
  out.reserve(text.size() * 3);
  int depth = 0;
  bool in_string = false;
  auto line = [&] {
    out.append(newline);
    out.append(static_cast<std::size_t>(std::max(depth, 0)) * 2, ' ');
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        out.push_back(c);
        ++depth;
        line();
        break;
      case '}':
      case ']':
        --depth;
        line();
        out.push_back(c);
        break;
      case ',':
        out.append(" ,\t");
        line();
        break;
      case ':':
        out.append(" : ");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void Exchange::queue_rest_fault(RestFaultKind kind) {
  if (kind == RestFaultKind::time_ahead) {
    ++time_ahead_replies_;
  } else if (kind == RestFaultKind::info_malformed) {
    ++malformed_info_replies_;
  } else {
    rest_faults_.push_back(kind);
  }
}

std::int64_t Exchange::server_time_reply_ms() {
  if (time_ahead_replies_ == 0) return exchange_now_ms();
  --time_ahead_replies_;
  count_fault(rest_fault_name(RestFaultKind::time_ahead));
  return exchange_now_ms() + 3'600'000;
}

void Exchange::deliver_altered(SymbolFeed& feed, const BookUpdate& update,
                               const StreamFault& fault) {
  const std::string diff = render_diff_depth(options_.market, feed.book().spec(), update);
  const std::string payload = alter_event(fault, diff, update, feed.symbol());
  const auto now = Clock::now();
  for (auto& [id, session] : sessions_) {
    if (!session.can_send() || session.is_stalled(now)) continue;
    for (const StreamName& stream : session.streams) {
      if (stream.symbol != feed.symbol() || stream.kind != StreamKind::diff_depth) continue;
      const bool wrap = session.subscriptions.combined;
      std::string frame =
          wrap ? wrap_combined(fault.kind == FaultKind::empty_stream ? std::string() : stream.text,
                               payload)
               : payload;
      if (fault.kind == FaultKind::refused_event) frame.resize(frame.size() / 2);
      count_fault(fault_name(fault.kind));
      send_frame(session, FrameType::text, std::make_shared<const std::string>(std::move(frame)));
      count_depth_sent(session, feed.symbol(), update);
    }
  }
}

}  // namespace depthsim

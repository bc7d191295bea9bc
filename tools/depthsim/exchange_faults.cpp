// Connection and payload faults, and faults injected at run time through /sim/fault.
#include "exchange.hpp"

#include <algorithm>

#include "payload_format.hpp"
#include "seeded_random.hpp"

namespace depthsim {

namespace {

// Replaces the first occurrence of `from` in `text`; false when absent.
bool replace_first(std::string& text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

// The payload fault applied to a rendered diff event.
std::string corrupt_payload(FaultKind kind, std::string payload, const BookUpdate& update,
                            double arg) {
  const std::string u_field = "\"u\":" + std::to_string(update.last_id);
  const std::string first_field = "\"U\":" + std::to_string(update.first_id);
  switch (kind) {
    case FaultKind::malformed:
      payload.resize(payload.size() / 2);  // cut mid-document: not JSON any more
      break;
    case FaultKind::wrong_type:
      replace_first(payload, "\"e\":\"depthUpdate\"", "\"e\":\"foo\"");
      break;
    case FaultKind::missing_field:
      replace_first(payload, u_field + ",", "");
      break;
    case FaultKind::bad_number:
      replace_first(payload, first_field, "\"U\":-5");
      replace_first(payload, u_field, "\"u\":\"x\"");
      break;
    case FaultKind::oversized: {
      const std::size_t target = static_cast<std::size_t>(arg);
      std::string padded = "{\"e\":\"depthUpdate\",\"pad\":\"";
      if (target > padded.size() + 2) padded.append(target - padded.size() - 2, 'x');
      padded.append("\"}");
      payload = std::move(padded);
      break;
    }
    default:
      break;
  }
  return payload;
}

}  // namespace

std::vector<SymbolFeed*> Exchange::fault_targets(const PlannedFault& planned) {
  std::vector<SymbolFeed*> targets;
  if (planned.symbol_count > 0) {
    // The first N of a seeded shuffle: the same seed picks the same symbols.
    for (auto& feed : feeds_) targets.push_back(feed.get());
    SeededRandom random(options_.seed ^ (planned.event_index * 0x9E3779B97F4A7C15ULL));
    const std::size_t picked = std::min(planned.symbol_count, targets.size());
    for (std::size_t i = 0; i < picked; ++i) {
      std::swap(targets[i], targets[i + random.below(targets.size() - i)]);
    }
    targets.resize(picked);
    return targets;
  }
  for (auto& feed : feeds_) {
    const bool named =
        planned.symbols.empty() ||
        std::any_of(planned.symbols.begin(), planned.symbols.end(), [&](const std::string& t) {
          const std::size_t colon = t.find(':');
          if (colon == std::string::npos) return t == feed->symbol();
          return t.substr(0, colon) == market_name(options_.market) &&
                 t.substr(colon + 1) == feed->symbol();
        });
    if (named) targets.push_back(feed.get());
  }
  return targets;
}

void Exchange::apply_connection_fault(ClientSession& session, const StreamFault& fault) {
  if (!session.can_send()) return;
  count_fault(fault_name(fault.kind));
  switch (fault.kind) {
    case FaultKind::drop:
      session.closing = true;
      session.close_reason = "fault: drop";
      server_->drop(session.id);
      break;
    case FaultKind::reset:
      session.closing = true;
      session.close_reason = "fault: reset";
      server_->reset(session.id);
      break;
    case FaultKind::close:
      close_session(session, 1001, "fault: close");
      break;
    case FaultKind::server_shutdown: {
      const std::string event =
          "{\"e\":\"serverShutdown\",\"E\":" + std::to_string(exchange_now_ms()) + "}";
      send_frame(session, FrameType::text, std::make_shared<const std::string>(event));
      close_session(session, 1001, "fault: server shutdown");
      break;
    }
    case FaultKind::stall:
      session.stalled_until =
          SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                   std::chrono::duration<double>(fault.arg));
      break;
    case FaultKind::no_pong:
      session.answer_pings = false;
      break;
    case FaultKind::ignore_pong:
      session.count_pongs = false;
      break;
    default:
      break;
  }
}

void Exchange::send_payload_fault(SymbolFeed& feed, const BookUpdate& update,
                                  const StreamFault& fault) {
  const std::string diff = render_diff_depth(options_.market, feed.book().spec(), update);
  const auto now = SteadyClock::now();
  for (auto& [id, session] : sessions_) {
    if (!session.can_send() || session.is_stalled(now)) continue;
    for (const StreamName& stream : session.streams) {
      if (stream.symbol != feed.symbol() || !stream.is_depth()) continue;
      std::string payload = diff;
      if (fault.kind == FaultKind::wrong_symbol) {
        const std::string wrong = feed.symbol() == "XRPUSDT" ? "ADAUSDT" : "XRPUSDT";
        replace_first(payload, "\"s\":\"" + feed.symbol() + "\"", "\"s\":\"" + wrong + "\"");
      } else if (fault.kind == FaultKind::bad_utf8) {
        replace_first(payload, "\"s\":\"" + feed.symbol() + "\"",
                      "\"s\":\"\xff\xfe" + feed.symbol() + "\"");
      } else if (fault.kind != FaultKind::binary) {
        payload = corrupt_payload(fault.kind, std::move(payload), update, fault.arg);
      }
      // The malformed cut applies to the frame as sent, so wrap first in that one case.
      std::string frame = session.subscriptions.combined && fault.kind != FaultKind::malformed
                              ? wrap_combined(stream.text, payload)
                              : payload;
      if (fault.kind == FaultKind::malformed && session.subscriptions.combined) {
        frame = wrap_combined(stream.text, diff);
        frame.resize(frame.size() / 2);
      }
      count_fault(fault_name(fault.kind));
      send_frame(session, fault.kind == FaultKind::binary ? FrameType::binary : FrameType::text,
                 std::make_shared<const std::string>(std::move(frame)));
      break;  // one bad frame per connection
    }
  }
}

void Exchange::inject_stream_fault(const StreamFault& fault,
                                   const std::vector<std::string>& symbols,
                                   std::optional<std::uint64_t> connection_number,
                                   std::uint64_t count) {
  if (is_connection_fault(fault.kind)) {
    for (auto& [id, session] : sessions_) {
      if (connection_number && session.number != *connection_number) continue;
      bool targeted = connection_number.has_value() || symbols.size() == feeds_.size();
      for (const std::string& symbol : symbols)
        targeted = targeted || session.subscribed_to(symbol);
      if (targeted) apply_connection_fault(session, fault);
    }
    return;
  }
  for (const std::string& symbol : symbols) {
    if (SymbolFeed* feed = feed_for(symbol)) {
      for (std::uint64_t i = 0; i < count; ++i) feed->queue_fault(fault);
    }
  }
}

}  // namespace depthsim

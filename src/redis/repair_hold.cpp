#include "redis/repair_hold.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

namespace depthrec::redis {
namespace {

// Gaps given up per key whose late lines are still awaited: a repair ends with its gap_fill, and
// the recorder itself queues at most 64 repairs (TradeChannelHandler::kMaxQueuedRepairs).
constexpr std::size_t kMaxGivenUp = 64;

}  // namespace

struct RepairHold::Role {
  enum class Kind : std::uint8_t { other, live_trade, rest_trade, gap, gap_fill };
  Kind kind = Kind::other;
  std::uint64_t id = 0;            // a trade's aggTrade id
  std::uint64_t from = 0, to = 0;  // a gap's or gap_fill's range

  static Role of(std::string_view line, const LineFields& fields) {
    Role role;
    if (fields.type == "aggTrade" && fields.sequence) {
      role.id = *fields.sequence;
      role.kind = line_field(line, "source") == R"("rest")" ? Kind::rest_trade : Kind::live_trade;
      return role;
    }
    if ((fields.type != "gap" && fields.type != "gap_fill") ||
        line_field(line, "reason") != R"("id_gap")")
      return role;
    const auto from = line_unsigned(line, "from");
    const auto to = line_unsigned(line, "to");
    if (!from || !to || *from > *to || *from == 0) return role;  // not one the recorder writes
    role.kind = fields.type == "gap" ? Kind::gap : Kind::gap_fill;
    role.from = *from;
    role.to = *to;
    return role;
  }
};

bool RepairHold::offer(std::string_view line, std::string_view stream, bool publish,
                       std::int64_t now_ms, std::vector<ReleasedLine>& out) {
  if (line.empty() || channel_of_stream(stream) != "aggTrade") return true;
  // No gap pending anywhere (the usual case): only a gap line matters, and the recorder writes
  // "type" first, so the line is not parsed at all.
  constexpr std::string_view kGapStart = R"({"type":"gap")";
  if (states_.empty() && line.substr(0, kGapStart.size()) != kGapStart) return true;
  const LineFields fields = parse_line_fields(line);
  const Role role = Role::of(line, fields);
  if (role.kind != Role::Kind::gap && states_.empty()) return true;
  const std::string key = stream_key(keys_, fields, stream);
  auto it = states_.find(key);
  if (it == states_.end()) {
    if (role.kind != Role::Kind::gap) return true;
    it = states_.emplace(key, KeyState{}).first;
  }
  KeyState& state = it->second;
  bool planned_by_caller = false;
  if (!take_late_line(state, key, role, fields, line, stream, publish, out)) {
    planned_by_caller = !hold_if_holding(state, role, line, stream, publish);
    if (role.kind == Role::Kind::gap) {
      if (state.open.empty()) state.last_id = role.from - 1;  // the gap follows the trade before
      state.open.push_back({role.from, role.to, now_ms, false});
    }
    if (role.kind == Role::Kind::gap_fill && !planned_by_caller) release_ready(state, out);
    if (state.held.size() > limits_.max_lines) give_up(state, out);
  }
  if (state.open.empty() && state.held.empty() && state.given_up.empty()) states_.erase(it);
  return planned_by_caller;
}

bool RepairHold::take_late_line(KeyState& state, const std::string& key, const Role& role,
                                const LineFields& fields, std::string_view line,
                                std::string_view stream, bool publish,
                                std::vector<ReleasedLine>& out) {
  if (role.kind != Role::Kind::rest_trade && role.kind != Role::Kind::gap_fill) return false;
  const auto late = std::find_if(state.given_up.begin(), state.given_up.end(), [&](auto& g) {
    return role.kind == Role::Kind::rest_trade ? role.id >= g.from && role.id <= g.to
                                               : role.from == g.from && role.to == g.to;
  });
  if (late == state.given_up.end()) return false;
  ++counts_.late_lines;
  if (late_ == LateLines::pass) {
    out.push_back({std::string(line), std::string(stream), publish, {}, {}});
  } else {
    late->late.add(fields, stream);
  }
  if (role.kind == Role::Kind::gap_fill) {
    // The repair is over: what it brought too late is named once.
    if (late_ == LateLines::skip) {
      ReleasedLine note;
      note.skipped_key = key;
      note.skipped = std::move(late->late);
      out.push_back(std::move(note));
    }
    state.given_up.erase(late);
  }
  return true;
}

bool RepairHold::hold_if_holding(KeyState& state, const Role& role, std::string_view line,
                                 std::string_view stream, bool publish) {
  if (state.open.empty()) return false;
  Held held{std::string(line), std::string(stream), publish, state.last_id, true};
  switch (role.kind) {
    case Role::Kind::live_trade:
      state.last_id = std::max(state.last_id, role.id);
      held.order_id = role.id;
      held.after_id = false;
      break;
    case Role::Kind::rest_trade:
      held.order_id = role.id;
      held.after_id = false;
      break;
    case Role::Kind::gap_fill: {
      // Closes its gap: just after the gap's range, before the first live trade past it.
      const auto gap = std::find_if(state.open.begin(), state.open.end(), [&](const Gap& g) {
        return !g.closed && g.from == role.from && g.to == role.to;
      });
      if (gap != state.open.end()) {
        gap->closed = true;
        held.order_id = role.to;
        ++counts_.gaps_released;
      }
      break;
    }
    case Role::Kind::gap:
    case Role::Kind::other:
      break;  // after the trade it followed
  }
  state.held.push_back(std::move(held));
  ++counts_.lines_held;
  ++counts_.holding;
  return true;
}

void RepairHold::release_ready(KeyState& state, std::vector<ReleasedLine>& out) {
  while (!state.open.empty() && state.open.front().closed) state.open.pop_front();
  std::stable_sort(state.held.begin(), state.held.end(), [](const Held& a, const Held& b) {
    return a.order_id != b.order_id ? a.order_id < b.order_id : a.after_id < b.after_id;
  });
  auto end = state.held.end();
  if (!state.open.empty()) {
    // Up to the next gap still open: its own gap line (after from - 1) included.
    const std::uint64_t next = state.open.front().from;
    end = std::partition_point(state.held.begin(), state.held.end(),
                               [&](const Held& h) { return h.order_id < next; });
  }
  for (auto it = state.held.begin(); it != end; ++it)
    out.push_back({std::move(it->line), std::move(it->stream), it->publish, {}, {}});
  counts_.holding -= static_cast<std::uint64_t>(std::distance(state.held.begin(), end));
  state.held.erase(state.held.begin(), end);
}

void RepairHold::give_up(KeyState& state, std::vector<ReleasedLine>& out) {
  for (const Gap& gap : state.open) {
    if (gap.closed) continue;
    ++counts_.gaps_given_up;
    if (state.given_up.size() >= kMaxGivenUp) state.given_up.erase(state.given_up.begin());
    state.given_up.push_back({gap.from, gap.to, {}});
  }
  state.open.clear();
  release_ready(state, out);
}

void RepairHold::expire(std::int64_t now_ms, std::vector<ReleasedLine>& out) {
  for (auto it = states_.begin(); it != states_.end();) {
    KeyState& state = it->second;
    if (!state.open.empty() && now_ms - state.open.front().opened_ms > limits_.max_wait_ms)
      give_up(state, out);
    it = state.given_up.empty() && state.open.empty() ? states_.erase(it) : std::next(it);
  }
}

void RepairHold::release_key(const std::string& key, std::vector<ReleasedLine>& out) {
  const auto it = states_.find(key);
  if (it == states_.end()) return;
  give_up(it->second, out);
  if (it->second.given_up.empty()) states_.erase(it);
}

void RepairHold::release_all(std::vector<ReleasedLine>& out) {
  for (auto it = states_.begin(); it != states_.end();) {
    give_up(it->second, out);
    it = it->second.given_up.empty() ? states_.erase(it) : std::next(it);
  }
}

}  // namespace depthrec::redis

#include "redis/entry_planner.hpp"

#include <algorithm>

namespace depthrec::redis {
namespace {

std::string sequenced_id(std::uint64_t sequence, std::uint64_t sub) {
  return std::to_string(sequence) + "-" + std::to_string(sub);
}

std::string json_number_or_null(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

// The gap entry's own NDJSON line (its `data`), in the shape of a recorded gap record.
std::string gap_line(const SkippedRange& range) {
  return R"({"type":"gap","reason":"redis_drop","market":")" + range.market + R"(","symbol":")" +
         range.symbol + R"(","stream":")" + range.stream + R"(","from":)" +
         json_number_or_null(range.first_sequence) + R"(,"to":)" +
         json_number_or_null(range.last_sequence) + R"(,"dropped":)" + std::to_string(range.count) +
         "}";
}

// Puts the planner's entries in a vector, as PlannedEntry (depthrec-replay, tests).
class VectorOutput final : public EntryOutput {
 public:
  explicit VectorOutput(std::vector<PlannedEntry>& out) : out_(out) {}
  void add(PlannedEntry&& entry) override { out_.push_back(std::move(entry)); }
  void add_line(const LineEntry& entry) override { out_.push_back(planned_entry(entry)); }

 private:
  std::vector<PlannedEntry>& out_;
};

}  // namespace

std::string EntryId::text() const {
  return server ? "*" : sequenced_id(ms, seq);
}

PlannedEntry planned_entry(const LineEntry& entry) {
  PlannedEntry planned;
  planned.key = entry.route.key;
  planned.id = entry.id.text();
  planned.min_id = std::string(entry.min_id);
  planned.fields = entry_fields(entry.line, entry.fields);
  planned.sequence = entry.fields.sequence;
  planned.recv_ns = entry.fields.recv_ns;
  planned.market = entry.route.market;
  planned.symbol = entry.route.symbol;
  planned.stream = entry.route.stream;
  return planned;
}

void SkippedRange::add(std::string_view market_name, std::string_view symbol_name,
                       std::string_view stream_name, std::optional<std::uint64_t> sequence) {
  ++count;
  if (market.empty()) market = std::string(market_name);
  if (symbol.empty()) symbol = std::string(symbol_name);
  if (stream.empty()) stream = std::string(stream_name);
  widen(sequence);
}

void SkippedRange::widen(std::optional<std::uint64_t> sequence) {
  if (!sequence) return;
  first_sequence = first_sequence ? std::min(*first_sequence, *sequence) : *sequence;
  last_sequence = last_sequence ? std::max(*last_sequence, *sequence) : *sequence;
}

void SkippedRange::add(const LineFields& fields, std::string_view stream_name) {
  add(fields.market, fields.symbol, stream_name, fields.sequence);
}

void SkippedRange::add(const PlannedEntry& entry) {
  if (!entry.gap) {
    add(entry.market, entry.symbol, entry.stream, entry.sequence);
    return;
  }
  add(entry.market, entry.symbol, entry.stream, entry.gap_first);
  count += entry.gap_count - std::min<std::uint64_t>(entry.gap_count, 1);  // add() counted one
  widen(entry.gap_last);
}

std::vector<std::pair<std::string, std::string>> entry_fields(std::string_view line,
                                                              const LineFields& fields) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(6);
  out.emplace_back("data", std::string(line));
  out.emplace_back("type", std::string(fields.type));
  out.emplace_back("symbol", std::string(fields.symbol));
  if (fields.sequence)
    out.emplace_back(std::string(fields.sequence_name), std::to_string(*fields.sequence));
  if (fields.event_time_ms) out.emplace_back("E", std::to_string(*fields.event_time_ms));
  if (fields.last_update_id)
    out.emplace_back("lastUpdateId", std::to_string(*fields.last_update_id));
  return out;
}

void xadd_arguments(const PlannedEntry& entry, std::string_view maxlen,
                    std::vector<std::string_view>& argv) {
  argv.clear();
  argv.emplace_back("XADD");
  argv.emplace_back(entry.key);
  if (!entry.min_id.empty()) {
    argv.emplace_back("MINID");
    argv.emplace_back("~");
    argv.emplace_back(entry.min_id);
  } else if (!maxlen.empty()) {
    argv.emplace_back("MAXLEN");
    argv.emplace_back("~");
    argv.emplace_back(maxlen);
  }
  argv.emplace_back(entry.id);
  for (const auto& [name, value] : entry.fields) {
    argv.emplace_back(name);
    argv.emplace_back(value);
  }
}

void EntryPlanner::place_marker(KeyState& state, PlannedEntry entry, EntryOutput& out) {
  if (state.last_sequence) {
    entry.id = sequenced_id(*state.last_sequence, state.next_sub++);
    out.add(std::move(entry));
    return;
  }
  if (state.held.size() >= kMaxHeld) {
    ++markers_abandoned_;  // the oldest goes: the newest says most about where the stream is
    state.held.erase(state.held.begin());
  }
  state.held.push_back(std::move(entry));
}

std::uint32_t EntryPlanner::stream_slot(std::string_view stream) {
  const auto found = slots_.find(stream);
  if (found != slots_.end()) return found->second;
  const auto slot = static_cast<std::uint32_t>(stream_names_.size());
  stream_names_.emplace_back(stream);
  stream_routes_.emplace_back();
  slots_.emplace(std::string(stream), slot);
  return slot;
}

EntryPlanner::Route& EntryPlanner::route_of(std::uint32_t stream, const LineFields& fields) {
  for (Route* route : stream_routes_[stream])
    if (route->route.market == fields.market && route->route.symbol == fields.symbol) return *route;
  Route& route = routes_.emplace_back();
  const std::string& name = stream_names_[stream];
  route.route = {name, std::string(fields.market), std::string(fields.symbol),
                 stream_key(options_, fields, name)};
  if (!is_connection_stream(name)) route.state = &keys_[route.route.key];
  stream_routes_[stream].push_back(&route);
  return route;
}

void EntryPlanner::plan_line(std::string_view line, std::string_view stream,
                             std::vector<PlannedEntry>& out) {
  VectorOutput output(out);
  plan_line(line, stream_slot(stream), output);
}

void EntryPlanner::plan_line(std::string_view line, std::uint32_t stream, EntryOutput& out) {
  if (line.empty()) return;
  const LineFields fields = parse_line_fields(line);
  const Route& route = route_of(stream, fields);
  if (route.state == nullptr) {
    // The connections stream: server-time ids, so the age is exact up to the recorder's and the
    // server's clocks.
    std::string_view min_id;
    const std::int64_t min_ms = fields.recv_ns ? *fields.recv_ns / 1'000'000 - max_age_ms_ : 0;
    if (max_age_ms_ > 0 && min_ms > 0) {
      connection_min_id_ = std::to_string(min_ms) + "-0";
      min_id = connection_min_id_;
    }
    out.add_line({route.route, line, fields, EntryId{true, 0, 0}, min_id});
    return;
  }
  KeyState& state = *route.state;
  if (!fields.sequence) {
    if (state.last_sequence) {
      const EntryId id{false, *state.last_sequence, state.next_sub++};
      out.add_line({route.route, line, fields, id, state.min_id});
      return;
    }
    // Held until the key's first sequence: owned, since the line is gone by then.
    place_marker(state, planned_entry({route.route, line, fields, EntryId{}, state.min_id}), out);
    return;
  }
  const std::uint64_t sequence = *fields.sequence;
  if (max_age_ms_ > 0 && fields.event_time_ms) {
    const auto threshold = state.clock.note(*fields.event_time_ms, sequence, max_age_ms_);
    if (threshold) state.min_id = sequenced_id(*threshold, 0);
  }
  if (!state.held.empty()) {
    // Held markers go just before this record: <seq - 1>-1.. (after whatever another recorder
    // published up to seq - 1).
    const std::uint64_t before = sequence > 0 ? sequence - 1 : 0;
    std::uint64_t sub = 1;
    for (PlannedEntry& held : state.held) {
      held.id = sequenced_id(before, sub++);
      out.add(std::move(held));
    }
    state.held.clear();
  }
  // A sequence at or below the last one keeps the key's position (Redis refuses the entry).
  if (!state.last_sequence || sequence > *state.last_sequence) {
    state.last_sequence = sequence;
    state.next_sub = 1;
  }
  out.add_line({route.route, line, fields, EntryId{false, sequence, 0}, state.min_id});
}

void EntryPlanner::plan_skipped(const std::string& key, const SkippedRange& range,
                                std::vector<PlannedEntry>& out) {
  VectorOutput output(out);
  plan_skipped(key, range, output);
}

void EntryPlanner::plan_skipped(const std::string& key, const SkippedRange& range,
                                EntryOutput& out) {
  KeyState& state = keys_[key];
  if (range.last_sequence &&
      (!state.last_sequence || *range.last_sequence > *state.last_sequence)) {
    state.last_sequence = *range.last_sequence;
    state.next_sub = 1;
  }
  PlannedEntry entry;
  entry.key = key;
  entry.gap = true;
  entry.gap_count = range.count;
  entry.gap_first = range.first_sequence;
  entry.gap_last = range.last_sequence;
  entry.market = range.market;
  entry.symbol = range.symbol;
  entry.stream = range.stream;
  const std::string line = gap_line(range);
  entry.fields = {{"data", line},
                  {"type", "gap"},
                  {"symbol", range.symbol},
                  {"reason", "redis_drop"},
                  {"from", json_number_or_null(range.first_sequence)},
                  {"to", json_number_or_null(range.last_sequence)},
                  {"dropped", std::to_string(range.count)}};
  if (is_connection_stream(range.stream)) {
    entry.id = "*";
    out.add(std::move(entry));
    return;
  }
  entry.min_id = state.min_id;
  place_marker(state, std::move(entry), out);
}

void EntryPlanner::abandon_held() {
  for (auto& [key, state] : keys_) {
    markers_abandoned_ += state.held.size();
    state.held.clear();
  }
}

}  // namespace depthrec::redis

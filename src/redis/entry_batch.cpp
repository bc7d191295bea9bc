#include "redis/entry_batch.hpp"

#include "redis/resp_command.hpp"

namespace depthrec::redis {

void EntryBatch::add(PlannedEntry&& entry) {
  xadd_arguments(entry, maxlen_, argv_);
  append_resp_command(commands_, argv_);
  Note note;
  note.owned = owned_.size();
  note.sequence = entry.sequence;
  note.recv_ns = entry.recv_ns;
  owned_.push_back(std::move(entry));
  notes_.push_back(note);
}

// The bytes xadd_arguments(planned_entry(entry), maxlen) formats, written without building them.
void EntryBatch::add_line(const LineEntry& entry) {
  using namespace std::string_view_literals;
  const LineFields& fields = entry.fields;
  const std::string_view trim_by = !entry.min_id.empty() ? "MINID"sv : "MAXLEN"sv;
  const std::string_view trim_to = !entry.min_id.empty() ? entry.min_id : maxlen_;
  const bool trimmed = !trim_to.empty();
  const std::size_t field_pairs = 3 + (fields.sequence ? 1 : 0) + (fields.event_time_ms ? 1 : 0) +
                                  (fields.last_update_id ? 1 : 0);
  // Names and "XADD", "MINID", "~": 44 bytes at most; the id and three numbers.
  constexpr std::size_t kFixedBytes = 44 + 4 * (2 * RespWriter::kMaxDigits + 1);
  RespWriter command(commands_, 3 + (trimmed ? 3 : 0) + 2 * field_pairs,
                     kFixedBytes + entry.route.key.size() + trim_to.size() + entry.line.size() +
                         fields.type.size() + fields.symbol.size());
  command.bulk("XADD"sv);
  command.bulk(entry.route.key);
  if (trimmed) {
    command.bulk(trim_by);
    command.bulk("~"sv);
    command.bulk(trim_to);
  }
  if (entry.id.server)
    command.bulk("*"sv);
  else
    command.bulk_id(entry.id.ms, entry.id.seq);
  command.bulk("data"sv);
  command.bulk(entry.line);
  command.bulk("type"sv);
  command.bulk(fields.type);
  command.bulk("symbol"sv);
  command.bulk(fields.symbol);
  if (fields.sequence) {
    command.bulk(fields.sequence_name);
    command.bulk(*fields.sequence);
  }
  if (fields.event_time_ms) {
    command.bulk("E"sv);
    command.bulk(static_cast<std::uint64_t>(*fields.event_time_ms));
  }
  if (fields.last_update_id) {
    command.bulk("lastUpdateId"sv);
    command.bulk(*fields.last_update_id);
  }
  note_line(entry);
}

void EntryBatch::note_line(const LineEntry& entry) {
  const LineFields& fields = entry.fields;
  Note note;
  note.route = &entry.route;
  note.sequence = fields.sequence;
  note.recv_ns = fields.recv_ns;
  notes_.push_back(note);
}

void EntryBatch::clear() {
  commands_.clear();
  notes_.clear();
  owned_.clear();
}

const std::string& EntryBatch::key(std::size_t i) const {
  const Note& note = notes_[i];
  return note.route != nullptr ? note.route->key : owned_[note.owned].key;
}

bool EntryBatch::is_gap(std::size_t i) const {
  const Note& note = notes_[i];
  return note.route == nullptr && owned_[note.owned].gap;
}

void EntryBatch::add_skipped(std::size_t i, SkippedRange& range) const {
  const Note& note = notes_[i];
  if (note.route == nullptr) {
    range.add(owned_[note.owned]);
    return;
  }
  range.add(note.route->market, note.route->symbol, note.route->stream, note.sequence);
}

}  // namespace depthrec::redis

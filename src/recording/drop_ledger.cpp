#include "recording/drop_ledger.hpp"

namespace depthrec::recording {

DropLedger::Entry& DropLedger::entry(std::uint32_t stream_id) {
  if (stream_id >= entries_.size()) entries_.resize(std::size_t{stream_id} + 1);
  return entries_[stream_id];
}

bool DropLedger::note_context(const RecordContext& context) {
  if (context.stream_id > kMaxStreamId) return false;
  RecordContext& kept = entry(context.stream_id).context;
  if (context.conn_id != kept.conn_id || context.market != kept.market ||
      context.stream.size() != kept.stream.size() || context.symbol != kept.symbol) {
    kept = context;
  }
  return true;
}

const RecordContext& DropLedger::context(std::uint32_t stream_id) const {
  static const RecordContext kNone{};
  return stream_id < entries_.size() ? entries_[stream_id].context : kNone;
}

void DropLedger::add(std::uint32_t stream_id, std::uint64_t lines) {
  if (lines == 0) return;
  Entry& e = entry(stream_id);
  if (e.pending == 0) ++streams_pending_;
  e.pending += lines;
  if (!e.queued) {
    e.queued = true;
    order_.push_back(stream_id);
  }
}

std::uint64_t DropLedger::pending(std::uint32_t stream_id) const {
  return stream_id < entries_.size() ? entries_[stream_id].pending : 0;
}

std::uint64_t DropLedger::take(std::uint32_t stream_id) {
  if (stream_id >= entries_.size()) return 0;
  Entry& e = entries_[stream_id];
  const std::uint64_t lines = e.pending;
  if (lines > 0) --streams_pending_;
  e.pending = 0;  // stays in order_ until next_pending() skips it
  return lines;
}

std::optional<std::uint32_t> DropLedger::next_pending() {
  while (!order_.empty()) {
    Entry& e = entries_[order_.front()];
    if (e.pending > 0) return order_.front();
    e.queued = false;
    order_.pop_front();
  }
  return std::nullopt;
}

void DropLedger::move_all_into(DropLedger& other) {
  while (auto id = next_pending()) {
    other.note_context(context(*id));
    other.add(*id, take(*id));
  }
}

}  // namespace depthrec::recording

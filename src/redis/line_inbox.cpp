#include "redis/line_inbox.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace depthrec::redis {

void LineInbox::push_line(std::string_view line, std::uint32_t stream, Clock::time_point offered) {
  if (chunks_used_ == 0 ||
      chunks_[chunks_used_ - 1].size() + line.size() > chunks_[chunks_used_ - 1].capacity()) {
    // The next chunk kept from before when the line fits it, else a new one in its place.
    if (chunks_used_ == chunks_.size() || chunks_[chunks_used_].capacity() < line.size()) {
      chunks_.emplace(chunks_.begin() + static_cast<std::ptrdiff_t>(chunks_used_));
      chunks_[chunks_used_].reserve(std::max(kChunkBytes, line.size()));
    }
    ++chunks_used_;
  }
  std::string& chunk = chunks_[chunks_used_ - 1];
  Item item;
  item.chunk = chunks_used_ - 1;
  item.offset = chunk.size();
  item.size = line.size();
  item.stream = stream;
  item.offered = offered;
  chunk.append(line);
  items_.push_back(item);
  ++lines_;
  bytes_ += line.size();
}

void LineInbox::push_note(Skipped&& skipped) {
  Item item;
  item.offset = notes_.size();
  item.note = true;
  notes_.push_back(std::move(skipped));
  items_.push_back(item);
}

void LineInbox::clear() {
  std::size_t kept = 0;
  std::size_t keep = 0;
  for (; keep < chunks_.size() && kept + chunks_[keep].capacity() <= kept_bytes_; ++keep) {
    kept += chunks_[keep].capacity();
    chunks_[keep].clear();
  }
  chunks_.resize(keep);
  chunks_used_ = 0;
  items_.clear();
  notes_.clear();
  lines_ = 0;
  bytes_ = 0;
}

std::string_view LineInbox::line(std::size_t i) const {
  const Item& item = items_[i];
  if (item.note) return {};
  return std::string_view(chunks_[item.chunk]).substr(item.offset, item.size);
}

std::uint32_t StreamIndex::index_of(std::string_view stream, std::optional<std::uint32_t> id) {
  const bool hinted = id && *id < kHintedIds;
  if (hinted && *id < by_id_.size() && by_id_[*id] != 0) {
    const std::uint32_t index = by_id_[*id] - 1;
    if (names_[index] == stream) return index;
  }
  std::uint32_t index = 0;
  const auto found = by_name_.find(stream);
  if (found != by_name_.end()) {
    index = found->second;
  } else {
    index = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(stream);
    by_name_.emplace(std::string(stream), index);
  }
  if (hinted) {
    if (*id >= by_id_.size()) by_id_.resize(*id + std::size_t{1}, 0);
    by_id_[*id] = index + 1;
  }
  return index;
}

}  // namespace depthrec::redis

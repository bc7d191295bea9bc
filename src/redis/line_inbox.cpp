#include "redis/line_inbox.hpp"

#include <utility>

namespace depthrec::redis {

void LineInbox::push_line(std::string_view line, std::uint32_t stream, Clock::time_point offered) {
  Item item;
  item.offset = bytes_.size();
  item.size = line.size();
  item.stream = stream;
  item.offered = offered;
  bytes_.append(line);
  items_.push_back(item);
  ++lines_;
}

void LineInbox::push_note(Skipped&& skipped) {
  Item item;
  item.offset = notes_.size();
  item.note = true;
  notes_.push_back(std::move(skipped));
  items_.push_back(item);
}

void LineInbox::clear() {
  // A burst's buffer (a frozen Redis, up to --redis-queue lines) is given back; a steady flow's
  // stays for the next lines.
  constexpr std::size_t kKeptBytes = std::size_t{8} << 20;
  if (bytes_.capacity() > kKeptBytes) std::string().swap(bytes_);
  bytes_.clear();
  items_.clear();
  notes_.clear();
  lines_ = 0;
}

std::string_view LineInbox::line(std::size_t i) const {
  const Item& item = items_[i];
  return item.note ? std::string_view{} : std::string_view(bytes_).substr(item.offset, item.size);
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

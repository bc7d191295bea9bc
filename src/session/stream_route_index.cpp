#include "session/stream_route_index.hpp"

#include <cstring>
#include <stdexcept>

namespace depthrec::session {

std::uint32_t StreamRouteIndex::hash_of(std::string_view name) noexcept {
  // Eight bytes a step, each word mixed by a multiply (stream names are ~20 bytes: three steps).
  std::uint64_t hash = 0x9e3779b97f4a7c15ull ^ name.size();
  std::size_t i = 0;
  for (; i + 8 <= name.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, name.data() + i, 8);
    hash = (hash ^ word) * 0xff51afd7ed558ccdull;
    hash ^= hash >> 32;
  }
  std::uint64_t tail = 0;
  if (i < name.size()) std::memcpy(&tail, name.data() + i, name.size() - i);
  hash = (hash ^ tail) * 0xc4ceb9fe1a85ec53ull;
  return static_cast<std::uint32_t>(hash ^ (hash >> 29));
}

bool StreamRouteIndex::add(std::string_view name, std::uint32_t route) {
  if (route == kNone) throw std::invalid_argument("StreamRouteIndex: route number out of range");
  if (find(name) != kNone) return false;
  if (names_.size() + name.size() > UINT32_MAX) {
    throw std::length_error("StreamRouteIndex: stream names over 4 GiB");
  }
  Slot slot;
  slot.hash = hash_of(name);
  slot.route = route;
  slot.name_at = static_cast<std::uint32_t>(names_.size());
  slot.name_size = static_cast<std::uint32_t>(name.size());
  names_.append(name);
  ++size_;
  if (2 * size_ > slots_.size()) grow();
  place(slot);
  return true;
}

std::uint32_t StreamRouteIndex::find(std::string_view name) const noexcept {
  if (slots_.empty()) return kNone;
  const std::uint32_t hash = hash_of(name);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.route == kNone) return kNone;  // at most half full: a free slot ends the run
    if (slot.hash == hash && name_of(slot) == name) return slot.route;
  }
}

void StreamRouteIndex::clear() {
  slots_.clear();
  names_.clear();
  size_ = 0;
}

void StreamRouteIndex::place(const Slot& slot) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = slot.hash & mask;
  while (slots_[at].route != kNone) at = (at + 1) & mask;
  slots_[at] = slot;
}

void StreamRouteIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  std::size_t capacity = old.empty() ? 16 : old.size();
  while (2 * size_ > capacity) capacity *= 2;
  slots_.assign(capacity, Slot{});
  for (const Slot& slot : old) {
    if (slot.route != kNone) place(slot);
  }
}

}  // namespace depthrec::session

#include "plan/subscription_table.hpp"

namespace depthrec::plan {

std::uint32_t SubscriptionTable::hash_name(std::uint8_t scope, std::string_view name) noexcept {
  // FNV-1a: stream names are short (~20 bytes) and this is cheaper there than std::hash.
  std::uint32_t hash = (2166136261u ^ scope) * 16777619u;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

SubscriptionTable::Added SubscriptionTable::add(const SubscriptionKey& key,
                                                std::string stream_name) {
  Added result;
  if (by_key_.count(key) > 0) {
    result.error = to_string(key) + ": already subscribed";
    return result;
  }
  if (const std::optional<StreamId> same_name = route(key.venue, key.market, stream_name)) {
    result.error = to_string(key) + ": stream " + stream_name + " is already subscribed as " +
                   to_string(entries_[same_name->value].key);
    return result;
  }
  if (entries_.size() >= kEmpty) {
    result.error = to_string(key) + ": no stream id left";
    return result;
  }
  const StreamId id{static_cast<std::uint32_t>(entries_.size())};
  const std::uint8_t scope = scope_of(key.venue, key.market);
  const std::uint32_t hash = hash_name(scope, stream_name);
  entries_.push_back(Entry{key, std::move(stream_name), hash, scope, true});
  by_key_.emplace(key, id);
  ++active_;
  if (2 * active_ > slots_.size()) {
    grow();  // re-inserts every active id, this one included
  } else {
    insert_slot(id.value);
  }
  result.id = id;
  return result;
}

bool SubscriptionTable::remove(StreamId id) {
  if (!contains(id)) return false;
  Entry& entry = entries_[id.value];
  for (std::size_t slot = home_slot(entry.name_hash);; slot = (slot + 1) & (slots_.size() - 1)) {
    if (slots_[slot] == id.value) {
      erase_slot(slot);
      break;
    }
  }
  by_key_.erase(entry.key);
  entry.active = false;
  --active_;
  return true;
}

std::optional<StreamId> SubscriptionTable::route(Venue venue, Market market,
                                                 std::string_view stream_name) const noexcept {
  if (slots_.empty()) return std::nullopt;
  const std::uint8_t scope = scope_of(venue, market);
  const std::uint32_t hash = hash_name(scope, stream_name);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t id = slots_[slot];
    if (id == kEmpty) return std::nullopt;  // the table is at most half full: a free slot ends it
    const Entry& entry = entries_[id];
    if (entry.name_hash == hash && entry.scope == scope && entry.name == stream_name) {
      return StreamId{id};
    }
  }
}

std::optional<StreamId> SubscriptionTable::find(const SubscriptionKey& key) const {
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

void SubscriptionTable::insert_slot(std::uint32_t id) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = home_slot(entries_[id].name_hash);
  while (slots_[slot] != kEmpty) slot = (slot + 1) & mask;
  slots_[slot] = id;
}

// Backward-shift deletion: every follower in the probe run that may live earlier moves up, so the
// run has no hole a lookup would stop at too early.
void SubscriptionTable::erase_slot(std::size_t slot) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = slot;
  for (std::size_t next = (hole + 1) & mask; slots_[next] != kEmpty; next = (next + 1) & mask) {
    const std::size_t home = home_slot(entries_[slots_[next]].name_hash);
    // The follower stays when its home lies cyclically in (hole, next].
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (!stays) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = kEmpty;
}

void SubscriptionTable::grow() {
  std::size_t capacity = slots_.empty() ? 16 : slots_.size();
  while (2 * active_ > capacity) capacity *= 2;
  slots_.assign(capacity, kEmpty);
  for (std::uint32_t id = 0; id < entries_.size(); ++id) {
    if (entries_[id].active) insert_slot(id);
  }
}

}  // namespace depthrec::plan

// A connection's stream names to small route numbers, for the hot path (issue 12: a frame is
// routed in O(1) without building a string). Open addressing with linear probing, at most half
// full; each slot keeps the name's hash and where the name lies in one shared buffer, so a lookup
// is one hash of the frame's name (a view), usually one slot and one memcmp. std::unordered_map
// <std::string> cost a copy of the name into a key string, std::hash and a node chase per frame.
// Names are only added (a connection's streams are few and change rarely): to drop one, clear()
// and add the others again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec::session {

class StreamRouteIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // Maps `name` to `route` (< kNone); false (nothing changed) when `name` is already there.
  bool add(std::string_view name, std::uint32_t route);
  // The route of `name`, kNone when it has none.
  std::uint32_t find(std::string_view name) const noexcept;
  void clear();
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t route = kNone;  // kNone: a free slot
    std::uint32_t name_at = 0;    // in names_
    std::uint32_t name_size = 0;
  };

  static std::uint32_t hash_of(std::string_view name) noexcept;
  std::string_view name_of(const Slot& slot) const {
    return std::string_view(names_).substr(slot.name_at, slot.name_size);
  }
  void place(const Slot& slot);
  void grow();

  std::vector<Slot> slots_;  // size a power of two (or 0)
  std::string names_;        // every name added, back to back
  std::size_t size_ = 0;
};

}  // namespace depthrec::session

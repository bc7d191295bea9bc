// Every subscribed key with its StreamId and its stream name, and the hot path's routing of a
// frame's stream name (a view into the frame) to its StreamId: O(1), no allocation, no string
// built. A name is unique within its venue and market only (spot and USD-M both have
// "btcusdt@depth@100ms"), so a frame is routed by the market of the connection it came on and
// its name. The router is an open-addressing table (linear probing, at most half full) of ids
// whose names the table owns; a removed key's slot is emptied by shifting its followers back,
// so lookups never wade through tombstones however often symbols come and go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "depthrec/subscription.hpp"

namespace depthrec::plan {

class SubscriptionTable {
 public:
  struct Added {
    std::optional<StreamId> id;  // set when the key was added
    std::string error;           // else why not (the key or its stream name is already there)
  };

  // Adds `key`, named `stream_name` on the wire. A key already in the table, or another key of
  // the same venue and market with the same stream name, is refused: one stream has one handler.
  Added add(const SubscriptionKey& key, std::string stream_name);
  // Removes the key of `id`; false when it is not (or no longer) in the table. Its id is not
  // reused: a frame still in flight for it is not routed to another key.
  bool remove(StreamId id);

  // The hot path: the StreamId of a frame's stream name on a connection of `venue` and `market`,
  // nullopt for a name not subscribed there.
  std::optional<StreamId> route(Venue venue, Market market,
                                std::string_view stream_name) const noexcept;
  std::optional<StreamId> find(const SubscriptionKey& key) const;

  bool contains(StreamId id) const {
    return id.value < entries_.size() && entries_[id.value].active;
  }
  // The key and name of an id handed out by add() (also after its removal).
  const SubscriptionKey& key(StreamId id) const { return entries_.at(id.value).key; }
  std::string_view name(StreamId id) const { return entries_.at(id.value).name; }

  std::size_t size() const { return active_; }                // keys in the table now
  std::size_t ids_issued() const { return entries_.size(); }  // ids handed out so far

 private:
  struct Entry {
    SubscriptionKey key;
    std::string name;
    std::uint32_t name_hash = 0;  // of the scope and the name
    std::uint8_t scope = 0;       // venue and market
    bool active = false;
  };
  static constexpr std::uint32_t kEmpty = UINT32_MAX;

  static std::uint8_t scope_of(Venue venue, Market market) noexcept {
    return static_cast<std::uint8_t>(static_cast<unsigned>(venue) * 4 +
                                     static_cast<unsigned>(market));
  }
  static std::uint32_t hash_name(std::uint8_t scope, std::string_view name) noexcept;
  std::size_t home_slot(std::uint32_t hash) const noexcept { return hash & (slots_.size() - 1); }
  void insert_slot(std::uint32_t id);
  void erase_slot(std::size_t slot);
  void grow();

  std::vector<Entry> entries_;        // indexed by StreamId
  std::vector<std::uint32_t> slots_;  // the router: ids, kEmpty where free; size a power of two
  std::unordered_map<SubscriptionKey, StreamId> by_key_;
  std::size_t active_ = 0;
};

}  // namespace depthrec::plan

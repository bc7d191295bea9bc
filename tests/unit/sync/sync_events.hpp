// Builders for the synchroniser tests: depth events and snapshots with whole-number prices.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>

#include "depthrec/depth_event.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec::test {

using Levels = std::initializer_list<std::pair<std::int64_t, std::int64_t>>;

inline Decimal whole(std::int64_t value) {
  return Decimal{value * Decimal::kOne};
}

inline std::vector<PriceLevel> levels(Levels pairs) {
  std::vector<PriceLevel> out;
  for (const auto& [price, qty] : pairs) out.push_back(PriceLevel{whole(price), whole(qty)});
  return out;
}

// A futures diff event: U, u, pu.
inline DepthUpdate futures_event(std::uint64_t first, std::uint64_t final_id, std::uint64_t prev,
                                 Levels bids = {}, Levels asks = {}) {
  DepthUpdate event;
  event.first_id = first;
  event.final_id = final_id;
  event.prev_final_id = prev;
  event.has_prev_final_id = true;
  event.bids = levels(bids);
  event.asks = levels(asks);
  return event;
}

// A spot diff event: U, u (no pu).
inline DepthUpdate spot_event(std::uint64_t first, std::uint64_t final_id, Levels bids = {},
                              Levels asks = {}) {
  DepthUpdate event;
  event.first_id = first;
  event.final_id = final_id;
  event.bids = levels(bids);
  event.asks = levels(asks);
  return event;
}

inline DepthSnapshot snapshot(std::uint64_t last_update_id, Levels bids, Levels asks) {
  DepthSnapshot snap;
  snap.last_update_id = last_update_id;
  snap.bids = levels(bids);
  snap.asks = levels(asks);
  return snap;
}

}  // namespace depthrec::test

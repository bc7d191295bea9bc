// Continuity of one depth stream: is each event the direct successor of the previous one?
// Binance's rules: futures (USD-M, COIN-M) events carry `pu`, which must equal the previous event's
// `u`; spot events must start at the previous `u` + 1 (an overlap, U <= previous u + 1 < u, is
// accepted as Binance's procedure does). An event whose `u` is not past the previous one is stale
// (a duplicate or an old event): it is dropped and is not a break. Spot partial depth carries only
// lastUpdateId (U == u), so there only "newer than the last one" can be checked.
// Pure logic, no allocation: one checker per (market, symbol, stream).
#pragma once

#include <cstdint>
#include <string_view>

#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"

namespace depthrec {

enum class Continuity : std::uint8_t {
  first,       // no previous event to compare with: accepted, becomes the reference
  continuous,  // the direct successor of the previous event
  stale,       // u <= the previous u: a duplicate or an older event; drop it, not a break
  gap,         // events were missed (or came out of order): a break; see ContinuityVerdict
};
std::string_view to_string(Continuity continuity);

// Which id a gap was detected on: it names the `gap` record's reason.
enum class GapRule : std::uint8_t {
  prev_final_id,  // futures: pu != last u ("pu_mismatch")
  first_id,       // spot: U > last u + 1 ("u_gap")
};
std::string_view gap_reason(GapRule rule);  // "pu_mismatch" | "u_gap"

// Everything a `gap` record needs (docs/records.md): last_u, expected, got_U, got_pu, got_u.
struct ContinuityVerdict {
  Continuity result = Continuity::first;
  GapRule rule = GapRule::prev_final_id;
  std::uint64_t last_final_id = 0;  // the previous event's u (0 for `first`)
  // Futures: the pu expected (= last u); spot: the U expected (last u + 1).
  std::uint64_t expected = 0;
  std::uint64_t got_first_id = 0;       // the event's U
  std::uint64_t got_prev_final_id = 0;  // the event's pu (valid when has_got_prev_final_id)
  bool has_got_prev_final_id = false;
  std::uint64_t got_final_id = 0;  // the event's u
};

class ContinuityChecker {
 public:
  explicit ContinuityChecker(Market market) : market_(market) {}

  // Classifies `event` against the previous accepted one. `first`, `continuous` and `gap` make the
  // event the new reference (after a gap, checking goes on from the new event); `stale` leaves the
  // reference unchanged. A futures event without `pu` cannot be checked by the futures rule: it is
  // reported as a gap (prev_final_id rule, has_got_prev_final_id false).
  ContinuityVerdict check(const DepthUpdate& event) noexcept;

  // Forgets the reference: the next event is `first` (a new connection).
  void reset() noexcept {
    has_last_ = false;
    last_final_id_ = 0;
  }
  // Makes `final_id` the reference, e.g. the u of the event that joined a snapshot.
  void restart_from(std::uint64_t final_id) noexcept {
    has_last_ = true;
    last_final_id_ = final_id;
  }

  bool has_last() const noexcept { return has_last_; }
  std::uint64_t last_final_id() const noexcept { return last_final_id_; }
  Market market() const noexcept { return market_; }

 private:
  Market market_;
  bool has_last_ = false;
  std::uint64_t last_final_id_ = 0;
};

}  // namespace depthrec

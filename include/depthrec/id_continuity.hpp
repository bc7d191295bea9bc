// Continuity of a stream whose events carry consecutive ids (trade `t`, aggTrade `a`): each id
// must be the last one + 1. No I/O; one per stream.
#pragma once

#include <cstdint>
#include <optional>

namespace depthrec {

enum class IdStepKind : std::uint8_t {
  first,      // the stream's first id (or the first after reset()): nothing to compare with
  next,       // last + 1
  gap,        // above last + 1: ids from..to were not received
  duplicate,  // == last: the same event again (not recorded twice)
  backwards,  // below last: older than the stream already is (not recorded)
};

struct IdStep {
  IdStepKind kind = IdStepKind::first;
  std::uint64_t from = 0;     // gap: the first missing id (last + 1)
  std::uint64_t to = 0;       // gap: the last missing id (got - 1)
  std::uint64_t missing = 0;  // gap: to - from + 1
  std::uint64_t last = 0;     // the id before this one (not for `first`)
};

class IdContinuity {
 public:
  // Checks `id` against the last accepted one; first, next and gap accept it (it becomes the last).
  IdStep step(std::uint64_t id);
  // The next id is a `first` again (a stream restarted on purpose); not used on a reconnect,
  // where ids carry on and a jump is a gap like any other.
  void reset() { last_.reset(); }
  std::optional<std::uint64_t> last() const { return last_; }

 private:
  std::optional<std::uint64_t> last_;
};

}  // namespace depthrec

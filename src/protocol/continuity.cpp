#include "depthrec/continuity.hpp"

namespace depthrec {

std::string_view to_string(Continuity continuity) {
  switch (continuity) {
    case Continuity::first:
      return "first";
    case Continuity::continuous:
      return "continuous";
    case Continuity::stale:
      return "stale";
    case Continuity::gap:
      return "gap";
  }
  return "unknown";
}

std::string_view gap_reason(GapRule rule) {
  return rule == GapRule::prev_final_id ? "pu_mismatch" : "u_gap";
}

ContinuityVerdict ContinuityChecker::check(const DepthUpdate& event) noexcept {
  ContinuityVerdict verdict;
  verdict.got_first_id = event.first_id;
  verdict.got_prev_final_id = event.prev_final_id;
  verdict.has_got_prev_final_id = event.has_prev_final_id;
  verdict.got_final_id = event.final_id;
  verdict.rule = has_prev_final_id(market_) ? GapRule::prev_final_id : GapRule::first_id;
  verdict.last_final_id = last_final_id_;

  if (!has_last_) {
    verdict.result = Continuity::first;
  } else if (event.final_id <= last_final_id_) {
    verdict.result = Continuity::stale;
    return verdict;  // the reference stays
  } else if (verdict.rule == GapRule::prev_final_id) {
    verdict.expected = last_final_id_;
    const bool joined = event.has_prev_final_id && event.prev_final_id == last_final_id_;
    verdict.result = joined ? Continuity::continuous : Continuity::gap;
  } else {
    verdict.expected = last_final_id_ + 1;
    // Spot partial depth has only lastUpdateId: any newer view is a valid successor.
    const bool joined = event.kind == DepthKind::partial || event.first_id <= last_final_id_ + 1;
    verdict.result = joined ? Continuity::continuous : Continuity::gap;
  }
  has_last_ = true;
  last_final_id_ = event.final_id;
  return verdict;
}

}  // namespace depthrec

#include "protocol/agg_trade_gap_repair.hpp"

#include <algorithm>

namespace depthrec {

std::string_view to_string(RepairStatus status) {
  switch (status) {
    case RepairStatus::pending:
      return "pending";
    case RepairStatus::filled:
      return "filled";
    case RepairStatus::partial:
      return "partial";
    case RepairStatus::failed:
      return "failed";
  }
  return "failed";
}

AggTradeGapRepair::AggTradeGapRepair(std::uint64_t from, std::uint64_t to)
    : from_(std::min(from, to)), to_(std::max(from, to)), next_(from_) {
  if (to_ - from_ >= kMaxIds)  // (missing() would wrap for 0..2^64-1)
    finish("gap of " + std::to_string(to_ - from_) + "+1 ids exceeds the repair bound of " +
           std::to_string(kMaxIds));
}

std::optional<AggTradePage> AggTradeGapRepair::next_page() const {
  if (done()) return std::nullopt;
  const std::uint64_t left = to_ - next_ + 1;
  return AggTradePage{next_, static_cast<int>(std::min<std::uint64_t>(left, kPageLimit))};
}

AggTradeGapRepair::Taken AggTradeGapRepair::take(const std::vector<RestAggTrade>& trades) {
  Taken taken;
  if (done()) return taken;
  ++pages_;
  bool complete = false;  // `to` taken (next_ stays on it: to + 1 may not exist)
  for (std::size_t i = 0; i < trades.size(); ++i) {
    const std::uint64_t id = trades[i].id;
    if (id < from_ || id > to_) {
      ++taken.outside;
    } else if (complete || id < next_) {
      ++taken.repeated;
    } else {
      skipped_ += id - next_;  // ids the server jumped over: it has none of them
      ++filled_;
      taken.accepted.push_back(i);
      complete = id == to_;
      next_ = complete ? id : id + 1;
    }
  }
  if (complete) {
    finish(skipped_ == 0 ? std::string()
                         : "the server skipped " + std::to_string(skipped_) + " ids of the gap");
  } else if (taken.accepted.empty()) {
    finish(trades.empty() ? "the server has no aggregate trade from id " + std::to_string(next_)
                          : "the answer holds no missing id from " + std::to_string(next_));
  }
  return taken;
}

void AggTradeGapRepair::fail(std::string reason) {
  if (!done()) finish(std::move(reason));
}

void AggTradeGapRepair::finish(std::string reason) {
  reason_ = std::move(reason);
  if (filled_ > 0 && filled_ - 1 == to_ - from_) {  // every id (missing() wraps for 0..2^64-1)
    status_ = RepairStatus::filled;
  } else {
    status_ = filled_ > 0 ? RepairStatus::partial : RepairStatus::failed;
  }
}

}  // namespace depthrec

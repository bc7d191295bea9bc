// The repair of one aggTrade id gap from REST (--repair-trades), without I/O: which page to ask
// for next (fromId = the first id still missing, limit = what is left, at most 1000), which
// trades of an answer to record (the range's ids not taken yet, in id order), and when the repair
// is over: every id taken (filled), some taken and the server has no more of them (partial), or
// none (failed, with the reason). An answer's ids outside the range, or already taken, are
// counted and never recorded; each page must bring a new id of the range, so a repair always ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/agg_trades_answer.hpp"

namespace depthrec {

enum class RepairStatus : std::uint8_t { pending, filled, partial, failed };
std::string_view to_string(RepairStatus status);  // "pending", "filled", "partial", "failed"

struct AggTradePage {
  std::uint64_t from_id = 0;
  int limit = 0;
};

class AggTradeGapRepair {
 public:
  static constexpr int kPageLimit = 1000;  // Binance's most per request
  // A larger gap is not fetched (failed at once): at 1000 ids a page that is 100 requests, 2000
  // of USD-M's 2400 weight a minute; a stream that lost that much is better marked than chased.
  static constexpr std::uint64_t kMaxIds = 100'000;

  // The ids from..to (from <= to) were not received.
  AggTradeGapRepair(std::uint64_t from, std::uint64_t to);

  std::uint64_t from() const { return from_; }
  std::uint64_t to() const { return to_; }
  std::uint64_t missing() const { return to_ - from_ + 1; }

  // The request to send now; nullopt once the repair is over.
  std::optional<AggTradePage> next_page() const;

  struct Taken {
    std::vector<std::size_t> accepted;  // indexes into the answer's trades, to record in order
    std::uint64_t outside = 0;          // ids beyond the range
    std::uint64_t repeated = 0;         // ids of the range already taken (or twice in the answer)
  };
  // The answer to the page asked for last.
  Taken take(const std::vector<RestAggTrade>& trades);
  // The request failed or its answer was unreadable: the repair ends with `reason`.
  void fail(std::string reason);

  RepairStatus status() const { return status_; }
  bool done() const { return status_ != RepairStatus::pending; }
  std::uint64_t filled() const { return filled_; }
  // Ids of the range the server skipped (an answer jumped over them): never recorded.
  std::uint64_t skipped() const { return skipped_; }
  std::uint64_t pages() const { return pages_; }
  const std::string& reason() const { return reason_; }  // empty when filled

 private:
  void finish(std::string reason);

  std::uint64_t from_, to_;
  std::uint64_t next_;  // the first id not yet taken or skipped
  std::uint64_t filled_ = 0, skipped_ = 0, pages_ = 0;
  RepairStatus status_ = RepairStatus::pending;
  std::string reason_;
};

}  // namespace depthrec

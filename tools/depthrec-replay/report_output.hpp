// What depthrec-replay prints: the verification report (text or JSON) and a book's top levels.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/replay_reader.hpp"
#include "kline_trade_check.hpp"
#include "replay_verifier.hpp"
#include "time_text.hpp"
#include "trade_id_check.hpp"

namespace depthrec::replay {

// The book captured for --at.
struct AtBook {
  std::string target_text;  // as given on the command line
  bool reached = false;
  std::int64_t recv_ns = 0;
  std::uint64_t update_id = 0;
  std::vector<PriceLevel> bids;  // best first
  std::vector<PriceLevel> asks;
};

struct RunSummary {
  std::string input;
  std::vector<std::string> sources;
  ReplayStats reader;
  std::optional<std::uint64_t> max_unverified;
  std::vector<const ReplayReport*> streams;  // every stream verified, the primary first
  // trade/aggTrade id continuity and kline open-time continuity (kline_check.hpp), by stream
  std::vector<TradeStreamReport> trade_streams;
  // closed candles against the recorded trades (kline_trade_check.hpp), by kline stream
  std::vector<KlineCrossReport> kline_trades;
  int exit_code = 0;
};

// Why one stream fails (no depth events, unmarked breaks or ticker mismatches, not verified);
// empty when it is consistent and verified.
std::string stream_failure(const ReplayReport& stream, std::optional<std::uint64_t> max_unverified);
// Every failing stream's "SYMBOL: why", joined by "; "; empty when the run passes.
std::string failures_text(const RunSummary& run);

void print_text_report(std::FILE* out, const RunSummary& run, const ReplayReport& report,
                       const AtBook* at);
std::string json_report(const RunSummary& run, const ReplayReport& report, const AtBook* at);
void print_book(std::FILE* out, const AtBook& at);

}  // namespace depthrec::replay

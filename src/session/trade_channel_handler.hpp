// The `trade` and `aggTrade` channels' handler: each frame parsed (parse_trade_frame), its id
// checked against the last (IdContinuity: consecutive per symbol), recorded as received unless it
// repeats or goes back, a jump marked by one `gap` record (reason id_gap) before the event.
// During a rollover the successor's events are held (bounded) while they are ahead of the ids
// recorded from the old connection: the successor joins when its ids meet those (the old
// connection's in-flight events are not lost by a switch too early), then only its events count.
// With --repair-trades (ChannelHooks::fetch_agg_trades, aggTrade only: Binance's trade history,
// historicalTrades, needs an API key) each id gap is then fetched from REST, one page at a time
// and one gap at a time (trade_channel_repair.cpp): the trades recorded with source rest, then a
// gap_fill record says how the repair ended. The network thread never waits for an answer.
#pragma once

#include <deque>

#include "depthrec/id_continuity.hpp"
#include "depthrec/trade_event.hpp"
#include "protocol/agg_trade_gap_repair.hpp"
#include "session/channel_handler.hpp"

namespace depthrec::session {

class TradeChannelHandler final : public ChannelHandler {
 public:
  TradeChannelHandler(ChannelSetup setup, TradeKind kind);

  void on_connected(std::uint64_t conn_id) override;
  void on_successor_open(std::uint64_t conn_id) override;
  bool joined(std::uint64_t conn_id) const override;
  void on_successor_gone() override;
  void force_join(std::int64_t now_ns) override;

  // Successor events held while ahead of the old connection's (a rollover), at most this many.
  static constexpr std::size_t kMaxHeld = 20'000;
  // Gaps waiting for their repair, at most this many (more: failed at once, their gap marked).
  static constexpr std::size_t kMaxQueuedRepairs = 64;
  // A page whose request failed (transport, 429/418, 5xx) is asked again this many times in all.
  static constexpr int kRepairAttempts = 3;

 private:
  struct Held {
    std::uint64_t id = 0;
    std::string frame;
    std::int64_t recv_ns = 0;
  };
  void handle(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns) override;
  void successor_frame(std::string_view frame, std::int64_t recv_ns);
  // After an event of the old connection: held events it already had are dropped; the successor
  // joins when its first held event is the next id.
  void join_if_held_meets();
  void join();
  void record(std::string_view frame, std::int64_t recv_ns);
  // trade_channel_repair.cpp
  void start_repair(const IdGapInfo& gap, std::int64_t recv_ns);
  void send_repair_request();
  void on_repair_answer(const RestAnswer& answer);
  // The answer's trades of the front repair recorded; false when it cannot be read.
  bool take_repair_answer(const RestAnswer& answer);
  // Its gap_fill record and counts (the caller drops it); `requests`: REST requests made for it.
  void finish_repair(const AggTradeGapRepair& repair, std::uint64_t requests, std::int64_t recv_ns);

  std::uint64_t active_conn_ = 0;  // 0: any (before the first connect)
  std::uint64_t successor_ = 0;    // a rollover's successor not yet joined; 0: none
  std::deque<Held> held_;
  TradeKind kind_;
  IdContinuity continuity_;
  TradeEvent event_;
  std::string scratch_;                    // the parser's copy of the frame (capacity reused)
  std::deque<AggTradeGapRepair> repairs_;  // the front one is being fetched
  bool repair_in_flight_ = false;
  int repair_attempts_ = 0;            // of the page in flight
  std::uint64_t repair_requests_ = 0;  // of the front repair
};

}  // namespace depthrec::session

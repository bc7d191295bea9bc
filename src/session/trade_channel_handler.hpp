// The `trade` and `aggTrade` channels' handler: each frame parsed (parse_trade_frame), its id
// checked against the last (IdContinuity: consecutive per symbol), recorded as received unless it
// repeats or goes back, a jump marked by one `gap` record (reason id_gap) before the event.
// During a rollover the successor's events are held (bounded) while they are ahead of the ids
// recorded from the old connection: the successor joins when its ids meet those (the old
// connection's in-flight events are not lost by a switch too early), then only its events count.
#pragma once

#include <deque>

#include "depthrec/id_continuity.hpp"
#include "depthrec/trade_event.hpp"
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

  std::uint64_t active_conn_ = 0;  // 0: any (before the first connect)
  std::uint64_t successor_ = 0;    // a rollover's successor not yet joined; 0: none
  std::deque<Held> held_;
  TradeKind kind_;
  IdContinuity continuity_;
  TradeEvent event_;
  std::string scratch_;  // the parser's copy of the frame (capacity reused)
};

}  // namespace depthrec::session

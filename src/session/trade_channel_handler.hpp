// The `trade` and `aggTrade` channels' handler: each frame parsed (parse_trade_frame), its id
// checked against the last (IdContinuity: consecutive per symbol), recorded as received unless it
// repeats or goes back, a jump marked by one `gap` record (reason id_gap) before the event.
#pragma once

#include "depthrec/id_continuity.hpp"
#include "depthrec/trade_event.hpp"
#include "session/channel_handler.hpp"

namespace depthrec::session {

class TradeChannelHandler final : public ChannelHandler {
 public:
  TradeChannelHandler(ChannelSetup setup, TradeKind kind);

 private:
  void handle(std::string_view frame, std::int64_t recv_ns) override;

  TradeKind kind_;
  IdContinuity continuity_;
  TradeEvent event_;
  std::string scratch_;  // the parser's copy of the frame (capacity reused)
};

}  // namespace depthrec::session

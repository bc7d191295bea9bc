// The `markPrice`, `markPrice@1s` and `forceOrder` channels' handler (futures): each frame parsed
// (parse_market_event_frame) and recorded as received with the common fields; continuity is the
// event time, which advances: an event not after the last one is counted (a duplicate when equal,
// backwards when older) and not recorded. A stream gone silent is what the metrics' staleness
// (last_event_time_ms) shows. No id to join a rollover's successor on: it joins at once.
#pragma once

#include <optional>

#include "depthrec/market_event.hpp"
#include "session/channel_handler.hpp"

namespace depthrec::session {

class MarketEventChannelHandler final : public ChannelHandler {
 public:
  MarketEventChannelHandler(ChannelSetup setup, MarketEventKind kind);

 private:
  void handle(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns) override;

  MarketEventKind kind_;
  std::optional<std::int64_t> last_event_time_ms_;
  MarketEvent event_;
  std::string scratch_;  // the parser's copy of the frame (capacity reused)
};

}  // namespace depthrec::session

// The `kline_<interval>` channel's handler: each frame parsed (parse_kline_frame), its candle's
// open time checked (KlineContinuity: open times advance by the interval, a closing update ends
// each candle), recorded as received (`--klines closed`: only closing updates). A skipped
// interval is one `gap` record (reason kline_gap, the missing open times) before the candle that
// showed it; a candle that moved on without its closing update one `gap` (kline_unclosed).
// Klines carry no id that orders updates within a candle, so a rollover's successor joins at
// once (ChannelHandler's default); a closing update seen twice is a duplicate, never re-recorded.
#pragma once

#include "depthrec/kline_continuity.hpp"
#include "depthrec/kline_event.hpp"
#include "session/channel_handler.hpp"

namespace depthrec::session {

class KlineChannelHandler final : public ChannelHandler {
 public:
  KlineChannelHandler(ChannelSetup setup, bool closed_only);

 private:
  void handle(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns) override;
  void mark_discontinuity(const KlineStep& step, std::int64_t recv_ns);

  bool closed_only_;
  KlineContinuity continuity_;
  KlineEvent event_;
  std::string scratch_;  // the parser's copy of the frame (capacity reused)
};

}  // namespace depthrec::session

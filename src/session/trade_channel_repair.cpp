// TradeChannelHandler's --repair-trades part: an aggTrade id gap fetched from REST, page by page
// (AggTradeGapRepair decides the pages and which ids to record), through ChannelHooks'
// fetch_agg_trades: the shared REST scheduler, below every book's snapshot in priority.
#include "depthrec/peer_text.hpp"
#include "session/trade_channel_handler.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {
namespace {

// A failure worth asking again: no answer, throttled (the scheduler holds the budget meanwhile)
// or the server's own error. Any other status (400 unknown symbol...) will not change.
bool worth_retrying(const RestAnswer& answer) {
  return !answer.error.empty() || answer.status == 429 || answer.status == 418 ||
         answer.status >= 500;
}

std::string failure_of(const RestAnswer& answer) {
  if (!answer.error.empty()) return "request failed: " + peer_text(answer.error, 160);
  return "HTTP " + std::to_string(answer.status) + ": " + peer_text(answer.body, 160);
}

}  // namespace

void TradeChannelHandler::start_repair(const IdGapInfo& gap, std::int64_t recv_ns) {
  metrics_mut().record_repair_requested();
  if (repairs_.size() >= kMaxQueuedRepairs) {
    // Refused, but said in the recording as any other end of a repair.
    AggTradeGapRepair refused(gap.from, gap.to);
    refused.fail(std::to_string(kMaxQueuedRepairs) + " gaps already wait for their repair");
    finish_repair(refused, 0, recv_ns);
    return;
  }
  repairs_.emplace_back(gap.from, gap.to);
  send_repair_request();
}

void TradeChannelHandler::send_repair_request() {
  while (!repair_in_flight_ && !repairs_.empty()) {
    const std::optional<AggTradePage> page = repairs_.front().next_page();
    if (!page) {
      // Over: before any request (a gap beyond the bound) or after its last answer.
      finish_repair(repairs_.front(), repair_requests_, transport::now_ns());
      repairs_.pop_front();
      repair_requests_ = 0;
      continue;
    }
    repair_in_flight_ = true;
    ++repair_requests_;
    metrics_mut().record_repair_request();
    hooks().fetch_agg_trades(page->from_id, page->limit,
                             [this](const RestAnswer& answer) { on_repair_answer(answer); });
  }
}

void TradeChannelHandler::on_repair_answer(const RestAnswer& answer) {
  repair_in_flight_ = false;
  if (stopped() || repairs_.empty()) return;  // unsubscribed: no more records of this stream
  const std::int64_t recv_ns = answer.received_ns > 0 ? answer.received_ns : transport::now_ns();
  const bool http_ok = answer.error.empty() && answer.status >= 200 && answer.status < 300;
  if (!http_ok) {
    metrics_mut().record_repair_answer_error();
    if (worth_retrying(answer) && ++repair_attempts_ < kRepairAttempts) {
      send_repair_request();  // the same page again
      return;
    }
    repairs_.front().fail(failure_of(answer));
  } else if (!take_repair_answer(answer)) {
    metrics_mut().record_repair_answer_error();
  }
  repair_attempts_ = 0;
  if (repairs_.front().done()) {
    finish_repair(repairs_.front(), repair_requests_, recv_ns);
    repairs_.pop_front();
    repair_requests_ = 0;
  }
  send_repair_request();
}

bool TradeChannelHandler::take_repair_answer(const RestAnswer& answer) {
  AggTradeGapRepair& repair = repairs_.front();
  const AggTradesAnswer parsed = parse_agg_trades_answer(answer.body, scratch_);
  if (parsed.error != ParseError::none) {
    repair.fail("aggTrades answer refused (" + parsed.error_text() +
                "): " + peer_text(answer.body, 160));
    log_per_event(LogLevel::warning, repair.reason());
    return false;
  }
  const AggTradeGapRepair::Taken taken = repair.take(parsed.trades);
  const std::int64_t recv_ns = answer.received_ns > 0 ? answer.received_ns : transport::now_ns();
  for (const std::size_t index : taken.accepted) {
    const RestAggTrade& trade = parsed.trades[index];
    append_rest_trade_record(line(), to_string(TradeKind::agg_trade), context(), recv_ns, trade.id,
                             trade.trade_time_ms, trade.object);
    write(line(), false);
  }
  metrics_mut().record_repair_trades(taken.accepted.size(), taken.outside + taken.repeated);
  if (taken.outside + taken.repeated > 0) {
    log_per_event(LogLevel::warning,
                  "aggTrades answer: " + std::to_string(taken.outside) + " ids outside the gap " +
                      std::to_string(repair.from()) + ".." + std::to_string(repair.to()) + ", " +
                      std::to_string(taken.repeated) + " already recorded: ignored");
  }
  return true;
}

void TradeChannelHandler::finish_repair(const AggTradeGapRepair& repair, std::uint64_t requests,
                                        std::int64_t recv_ns) {
  GapFillInfo fill;
  fill.from = repair.from();
  fill.to = repair.to();
  fill.missing = repair.to() - repair.from() + 1;
  fill.status = to_string(repair.status());
  fill.filled = repair.filled();
  fill.requests = requests;
  fill.error = repair.reason();
  append_gap_fill_record(line(), context(), recv_ns, fill);
  write(line(), true);
  switch (repair.status()) {
    case RepairStatus::filled:
      metrics_mut().record_repair_filled();
      break;
    case RepairStatus::partial:
      metrics_mut().record_repair_partial();
      break;
    case RepairStatus::pending:  // (finished repairs only come here)
    case RepairStatus::failed:
      metrics_mut().record_repair_failed();
      break;
  }
  if (repair.status() != RepairStatus::filled) {
    log_per_event(LogLevel::warning, "gap " + std::to_string(fill.from) + ".." +
                                         std::to_string(fill.to) + " " + std::string(fill.status) +
                                         ": " + repair.reason());
  }
}

}  // namespace depthrec::session

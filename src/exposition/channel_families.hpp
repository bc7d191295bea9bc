// The event-channel streams' families: for now the --repair-trades figures of each aggTrade
// stream (labels market, symbol, channel "aggTrade"), from the same ChannelFigures metrics.json's
// channel_streams[].repairs is written from.
#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "depthrec/channel_metrics.hpp"

namespace depthrec::exposition {

// depthrec_trade_repairs_total{outcome=requested|filled|partial|failed},
// depthrec_trade_repair_requests_total, depthrec_trade_repair_trades_total,
// depthrec_trade_repair_answer_errors_total; nothing when no aggTrade stream is recorded.
void add_trade_repair_families(std::vector<prometheus::MetricFamily>& families,
                               const std::vector<ChannelFigures>& channels);

}  // namespace depthrec::exposition

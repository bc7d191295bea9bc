// metrics.json's event-channel members (trade, aggTrade...): "channel_streams", one entry per
// stream, and "channels", the sums per channel.
#pragma once

#include <vector>

#include "depthrec/channel_metrics.hpp"
#include "metrics/metrics_document.hpp"

namespace depthrec {

void write_channel_members(metrics_document::Writer& w, const std::vector<ChannelFigures>& streams);

}  // namespace depthrec

// depthrec's figures as Prometheus metric families, built at scrape time from the same snapshots
// metrics.json is written from (one source of truth, nothing counted twice on the network
// thread). Names: prefix depthrec_, base units (seconds, bytes), _total for counters. Per-stream
// families carry the labels market, symbol, channel (the stream's name after the symbol, e.g.
// "depth@100ms") and conn (the connection carrying it); process-wide ones (writer, text log, REST
// budget) carry none. The four latency histograms are Prometheus histograms with the bounds of
// kExpositionEdges (exact cumulative counts). docs/prometheus.md lists every name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "depthrec/channel_metrics.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/stream_report.hpp"
#include "exposition/process_figures.hpp"

namespace depthrec::exposition {

// The stream's channel: its name after "<symbol>@" ("depth@100ms", "depth20", "bookTicker").
std::string channel_of(const StreamKey& key);

// Every family: per stream, process-wide (the writer, text log and REST parts of `process_wide`,
// the snapshot the recorder reports them in), the standard process_* (when known) and
// depthrec_up (1 while streams are reported, 0 while starting or stopping). The pre-sync
// buffer's figures are network-thread state, written to metrics.json only.
// `channels`: the event-channel streams (trade repairs, channel_families.hpp).
std::vector<prometheus::MetricFamily> metric_families(
    const MetricsSnapshot& process_wide, const std::vector<StreamReport>& streams,
    const std::optional<ProcessFigures>& process, const std::vector<ChannelFigures>& channels = {});

}  // namespace depthrec::exposition

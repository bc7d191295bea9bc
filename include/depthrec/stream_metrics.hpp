// metrics.json of a many-stream run (issue 12): the seed's top level as the aggregate over every
// stream (scripts written for the seed keep working) and one entry per stream under `streams`.
#pragma once

#include <string>
#include <vector>

#include "depthrec/metrics_snapshot.hpp"

namespace depthrec {

// The run over every stream: counters, rates, gaps and parse errors summed; a book is synced when
// every book is, the initial sync took the longest stream's time, the last message is the newest
// of any. Latency summaries: count, min, max and mean are exact; each percentile is the highest
// of the streams' (an upper bound of the merged percentile: each stream has at most that share
// above its own). The key, clock offset and book top are the first stream's; the process-wide
// parts (writer, text log, REST) are set by the caller. `streams` must not be empty.
MetricsSnapshot aggregate_metrics(const std::vector<MetricsSnapshot>& streams);

// to_metrics_json(aggregate) with `"streams": [...]` added at the end: per stream its name,
// market, symbol, messages, rate, continuity, snapshot fetches, sync times, book and latency.
std::string to_metrics_json(const MetricsSnapshot& aggregate,
                            const std::vector<MetricsSnapshot>& streams);

}  // namespace depthrec

// metrics.json of a many-stream run (issue 12): the seed's top level as the aggregate over every
// stream (scripts written for the seed keep working) and one entry per stream under `streams`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/channel_metrics.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/metrics_snapshot.hpp"

namespace depthrec {

// The run over every stream: counters, rates, gaps and parse errors summed; a book is synced when
// every book is, the initial sync took the longest stream's time, the last message is the newest
// of any. Latency (and the other histogram) summaries are those of `merged`, every stream's
// histograms added together as the snapshots were taken (FeedMetrics::roll_window(now, &merged)):
// count, min, max, mean and percentiles of the union of the streams' values, within the
// histogram's precision. The key, clock offset and book top are the first stream's; the
// process-wide parts (writer, text log, REST) are set by the caller. `streams` must not be empty.
MetricsSnapshot aggregate_metrics(const std::vector<MetricsSnapshot>& streams,
                                  const FeedMetrics::MergedHistograms& merged);
// The same over snapshots held elsewhere (the engine's print: no copy of each).
MetricsSnapshot aggregate_metrics(const std::vector<const MetricsSnapshot*>& streams,
                                  const FeedMetrics::MergedHistograms& merged);

// What a `--symbols ALL` run resolved its selection to (metrics.json "symbols").
struct SelectionFigures {
  std::uint64_t recorded = 0;      // symbols recorded
  std::uint64_t not_recorded = 0;  // named symbols (or a market's ALL) the exchange does not offer
  std::uint64_t capped = 0;        // ALL's symbols left out by --max-symbols
  std::uint64_t unfit_names = 0;   // ALL's symbols whose names cannot be file names
  std::uint64_t exchange_info_failures = 0;  // exchangeInfo fetches failed or malformed
  // Followed while running (--exchange-info-interval-sec):
  std::uint64_t listed = 0;               // symbols subscribed (new listings)
  std::uint64_t removed = 0;              // symbols unsubscribed (delisted, halted)
  std::uint64_t retuned = 0;              // symbols whose tick or step size changed
  std::uint64_t subscription_errors = 0;  // SUBSCRIBE/UNSUBSCRIBE requests the exchange refused
};

// A stream's place in a followed run: recording, or removed (unsubscribed) and why.
struct StreamStatus {
  bool removed = false;
  std::string removed_reason;  // "delisted", "halted (status BREAK)", "subscribe refused"
  std::uint64_t subscription_errors = 0;  // its requests the exchange refused
};

// to_metrics_json(aggregate) with `"streams": [...]` added at the end: per stream its name,
// market, symbol, messages, rate, continuity, snapshot fetches, sync times, book and latency;
// with `selection`, a `"symbols"` object before it and a top-level `"subscription_errors"`; with
// `statuses` (one per stream), each entry's `"state"` ("recording" | "removed"),
// `"removed_reason"` and `"subscription_errors"`. With `channels` (event-channel streams: trade,
// aggTrade), `"channel_streams": [...]` (one entry each) and `"channels": {name: sums}` after
// `streams` (metrics/channel_report.cpp).
std::string to_metrics_json(const MetricsSnapshot& aggregate,
                            const std::vector<MetricsSnapshot>& streams,
                            const SelectionFigures* selection = nullptr,
                            const std::vector<StreamStatus>* statuses = nullptr,
                            const std::vector<ChannelFigures>* channels = nullptr);

}  // namespace depthrec

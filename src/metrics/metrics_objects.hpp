// The members of metrics.json that describe a part of the run beside the feed's figures, each
// written by metrics_document::write_members (metrics_report.cpp) into the object it opened.
#pragma once

#include <vector>

#include "metrics/metrics_document.hpp"

namespace depthrec::metrics_document {

// clock_offset_ms (the seed's) and clock{...}: the local clock against the exchange's.
void write_clock(Writer& w, const ClockOffset& clock);
// rest{...}: the REST scheduler as the feed's budget sees it; null before a scheduler reported.
void write_rest(Writer& w, const RestState& rest);
// redis{...}: the Redis Streams sink's figures (only with --redis).
void write_redis(Writer& w, const RedisSinkState& redis);
// parquet{...}: the live Parquet datasets' figures (only with --parquet).
void write_parquet(Writer& w, const ParquetSinkState& parquet);
// observers[...]: each library observer's counts (only when a Recorder has observers).
void write_observers(Writer& w, const std::vector<ObserverFigures>& observers);

}  // namespace depthrec::metrics_document

#include "plot_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace depthrec::replay {
namespace {

// Floor division: bucket indices before the origin are negative.
std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && ((value < 0) != (divisor < 0))) ? quotient - 1 : quotient;
}

// Milliseconds -> whole microseconds, the histograms' unit (records carry 3 decimals of ms).
std::optional<std::int64_t> ms_to_us(double ms) {
  if (!std::isfinite(ms)) return std::nullopt;
  const double us = std::round(ms * 1000.0);
  constexpr double kLimit = 9.0e18;
  if (us > kLimit || us < -kLimit) return std::nullopt;
  return static_cast<std::int64_t>(us);
}

bool is_market_event(const ReplayItem& item) {
  switch (item.type) {
    case ReplayItemType::depth:
    case ReplayItemType::ticker:
      return true;
    case ReplayItemType::other:
      return item.other_type == "trade" || item.other_type == "aggTrade" ||
             item.other_type == "kline" || item.other_type == "markPrice" ||
             item.other_type == "markPriceUpdate" || item.other_type == "forceOrder";
    default:
      return false;
  }
}

// The exchange's event time E of an item, 0 when it has none.
std::int64_t event_time_ms(const ReplayItem& item) {
  if (item.type == ReplayItemType::depth) return item.depth.event_time_ms;
  if (item.type == ReplayItemType::ticker) return item.ticker.event_time_ms;
  if (item.has_trade) return item.trade.event_time_ms;
  return 0;
}

// Receive time - E in microseconds: the record's own figure, else computed from E.
std::optional<std::int64_t> event_latency_us(const ReplayItem& item) {
  if (item.latency_event_ms) return ms_to_us(*item.latency_event_ms);
  const std::int64_t event_ms = event_time_ms(item);
  if (event_ms <= 0 || event_ms > std::numeric_limits<std::int64_t>::max() / 1'000'000) {
    return std::nullopt;
  }
  return floor_div(item.recv_ns - event_ms * 1'000'000, 1000);
}

}  // namespace

const char* to_string(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::gap:
      return "gap";
    case MarkerKind::resync:
      return "resync";
    case MarkerKind::writer_drop:
      return "writer_drop";
  }
  return "gap";
}

void PlotBucket::merge(const PlotBucket& other) {
  events += other.events;
  event_latency_us.merge(other.event_latency_us);
  pipeline_latency_us.merge(other.pipeline_latency_us);
}

void MarkerTally::add(MarkerKind kind, std::int64_t recv_ns) {
  const auto k = static_cast<std::size_t>(kind);
  if (count[k] == 0 || recv_ns < first_ns[k]) first_ns[k] = recv_ns;
  ++count[k];
}

void MarkerTally::merge(const MarkerTally& other) {
  for (std::size_t k = 0; k < kMarkerKinds; ++k) {
    if (other.count[k] == 0) continue;
    if (count[k] == 0 || other.first_ns[k] < first_ns[k]) first_ns[k] = other.first_ns[k];
    count[k] += other.count[k];
  }
}

PlotSeries::PlotSeries(std::size_t max_buckets) : max_buckets_(max_buckets < 2 ? 2 : max_buckets) {}

void PlotSeries::feed(const ReplayItem& item) {
  if (item.recv_ns <= 0) return;  // no time to put it at
  const bool event = is_market_event(item);
  // A stream's first sync (resync reason "initial") is its start, not a recovery: not marked.
  const bool marker = item.type == ReplayItemType::marker &&
                      (item.marker.type == MarkerType::gap ||
                       (item.marker.type == MarkerType::resync && item.marker.reason != "initial"));
  if (!event && !marker) return;
  if (item.stream.empty() && item.symbol.empty()) return;
  PlotStream& stream = stream_for(item);
  const std::int64_t index = bucket_index(item.recv_ns);
  if (marker) {
    MarkerKind kind = MarkerKind::resync;
    if (item.marker.type == MarkerType::gap) {
      kind = item.marker.reason == "writer_drop" ? MarkerKind::writer_drop : MarkerKind::gap;
    }
    stream.marker_buckets[index].add(kind, item.recv_ns);
    ++stream.markers[static_cast<std::size_t>(kind)];
    return;
  }
  PlotBucket& bucket = stream.buckets[index];
  ++bucket.events;
  ++stream.events;
  if (const auto latency = event_latency_us(item)) {
    bucket.event_latency_us.record(*latency);
    ++stream.events_with_event_latency;
  }
  if (item.latency_pipeline_ms) {
    if (const auto latency = ms_to_us(*item.latency_pipeline_ms)) {
      bucket.pipeline_latency_us.record(*latency);
      ++stream.events_with_pipeline_latency;
    }
  }
}

PlotStream& PlotSeries::stream_for(const ReplayItem& item) {
  const std::string name(item.stream.empty() ? item.symbol : item.stream);
  auto found = streams_.find(name);
  if (found != streams_.end()) return found->second;
  order_.push_back(name);
  PlotStream& stream = streams_[name];
  stream.name = name;
  stream.symbol = std::string(item.symbol);
  stream.market = item.market;
  return stream;
}

std::int64_t PlotSeries::bucket_index(std::int64_t recv_ns) {
  if (!origin_ns_opt_) {
    // The first whole second: bucket starts fall on round times whatever the width.
    origin_ns_ = recv_ns - recv_ns % kFirstWidthNs;
    origin_ns_opt_ = origin_ns_;
    min_index_ = max_index_ = 0;
    return 0;
  }
  std::int64_t index = floor_div(recv_ns - origin_ns_, width_ns_);
  std::int64_t low = std::min(min_index_, index);
  std::int64_t high = std::max(max_index_, index);
  while (static_cast<std::uint64_t>(high - low) + 1 > max_buckets_) {
    widen();
    index = floor_div(index, 2);
    low = floor_div(low, 2);
    high = floor_div(high, 2);
  }
  min_index_ = low;
  max_index_ = high;
  return index;
}

void PlotSeries::widen() {
  width_ns_ *= 2;
  for (auto& [name, stream] : streams_) {
    std::map<std::int64_t, PlotBucket> buckets;
    for (auto& [index, bucket] : stream.buckets) buckets[floor_div(index, 2)].merge(bucket);
    stream.buckets = std::move(buckets);
    std::map<std::int64_t, MarkerTally> markers;
    for (auto& [index, tally] : stream.marker_buckets) markers[floor_div(index, 2)].merge(tally);
    stream.marker_buckets = std::move(markers);
  }
}

std::vector<const PlotStream*> PlotSeries::streams() const {
  std::vector<const PlotStream*> ordered;
  for (const std::string& name : order_) ordered.push_back(&streams_.at(name));
  return ordered;
}

std::optional<std::pair<std::int64_t, std::int64_t>> PlotSeries::span_ns() const {
  if (!origin_ns_opt_) return std::nullopt;
  return std::make_pair(bucket_begin_ns(min_index_), bucket_begin_ns(max_index_ + 1));
}

StreamSeriesPoints PlotSeries::points(const PlotStream& stream) const {
  StreamSeriesPoints points;
  if (stream.buckets.empty()) return points;
  const double width_s = static_cast<double>(width_ns_) / 1e9;
  const std::int64_t first = stream.buckets.begin()->first;
  const std::int64_t last = stream.buckets.rbegin()->first;
  auto next = stream.buckets.begin();
  for (std::int64_t index = first; index <= last; ++index) {
    const std::int64_t t_ns = bucket_begin_ns(index) + width_ns_ / 2;  // drawn at the middle
    if (next == stream.buckets.end() || next->first != index) {
      points.events_per_second.push_back({t_ns, 0.0});
      continue;
    }
    const PlotBucket& bucket = next->second;
    ++next;
    points.events_per_second.push_back({t_ns, static_cast<double>(bucket.events) / width_s});
    if (bucket.event_latency_us.count() > 0) {
      points.event_latency_p50_ms.push_back(
          {t_ns, static_cast<double>(bucket.event_latency_us.percentile(50)) / 1000.0});
      points.event_latency_p99_ms.push_back(
          {t_ns, static_cast<double>(bucket.event_latency_us.percentile(99)) / 1000.0});
    }
    if (bucket.pipeline_latency_us.count() > 0) {
      points.pipeline_latency_p50_ms.push_back(
          {t_ns, static_cast<double>(bucket.pipeline_latency_us.percentile(50)) / 1000.0});
      points.pipeline_latency_p99_ms.push_back(
          {t_ns, static_cast<double>(bucket.pipeline_latency_us.percentile(99)) / 1000.0});
    }
  }
  return points;
}

}  // namespace depthrec::replay

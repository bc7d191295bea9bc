// What `depthrec-replay --plot` draws, gathered while the recording is read: per stream, time
// buckets of events, event latency (receive time - exchange event time) and pipeline latency,
// and the gap / resync / writer_drop markers.
//
// Bounded whatever the recording's length: every stream shares one clock of buckets, 1 s wide at
// first; when the buckets spanned (first to last, over all streams) would exceed `max_buckets`,
// the width doubles and neighbouring buckets merge (latency histograms merge exactly), so a
// series never has more than max_buckets points. Lines of a many-stream segment are not in time
// order across streams (docs/records.md, "Order"): a bucket before the first one seen is fine.
// Markers are kept per bucket and kind (a count and the first time), not one by one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/latency_histogram.hpp"
#include "depthrec/replay_reader.hpp"

namespace depthrec::replay {

enum class MarkerKind : std::uint8_t { gap, resync, writer_drop };
inline constexpr std::size_t kMarkerKinds = 3;
const char* to_string(MarkerKind kind);  // "gap" | "resync" | "writer_drop"

struct PlotBucket {
  std::uint64_t events = 0;
  LatencyHistogram event_latency_us;     // receive time - E, in microseconds
  LatencyHistogram pipeline_latency_us;  // frame receipt -> writer, in microseconds
  void merge(const PlotBucket& other);
};

struct MarkerTally {
  std::array<std::uint64_t, kMarkerKinds> count{};
  std::array<std::int64_t, kMarkerKinds> first_ns{};  // the earliest of each kind (when count > 0)
  void add(MarkerKind kind, std::int64_t recv_ns);
  void merge(const MarkerTally& other);
};

struct PlotStream {
  std::string name;    // the records' `stream`, else the symbol (a raw capture's plain frames)
  std::string symbol;  // upper case, may be empty
  std::optional<Market> market;
  std::uint64_t events = 0;
  std::uint64_t events_with_event_latency = 0;
  std::uint64_t events_with_pipeline_latency = 0;
  std::array<std::uint64_t, kMarkerKinds> markers{};
  std::map<std::int64_t, PlotBucket> buckets;  // by bucket index (PlotSeries::bucket_begin_ns)
  std::map<std::int64_t, MarkerTally> marker_buckets;
};

// One point of a series: the middle of its bucket and its value.
struct SeriesPoint {
  std::int64_t t_ns = 0;
  double value = 0;
};

// The series of one stream, ready to draw; latency points only where the bucket has latencies.
struct StreamSeriesPoints {
  std::vector<SeriesPoint>
      events_per_second;  // every bucket from the first to the last: 0 when none
  std::vector<SeriesPoint> event_latency_p50_ms, event_latency_p99_ms;
  std::vector<SeriesPoint> pipeline_latency_p50_ms, pipeline_latency_p99_ms;
};

class PlotSeries {
 public:
  static constexpr std::size_t kDefaultMaxBuckets = 2000;
  static constexpr std::int64_t kFirstWidthNs = 1'000'000'000;

  explicit PlotSeries(std::size_t max_buckets = kDefaultMaxBuckets);

  // Takes one item of the recording: market events (depth, ticker, trade, aggTrade, kline,
  // markPrice, forceOrder) are counted with their latencies; gap and resync markers are marked
  // (not a stream's first sync, resync reason "initial").
  // Anything else (snapshots, connection and subscription records) is not drawn.
  void feed(const ReplayItem& item);

  // Streams in order of first appearance.
  std::vector<const PlotStream*> streams() const;
  std::int64_t width_ns() const { return width_ns_; }
  std::int64_t bucket_begin_ns(std::int64_t index) const { return origin_ns_ + index * width_ns_; }
  // The time span of every bucket of every stream: [first bucket's start, last bucket's end).
  std::optional<std::pair<std::int64_t, std::int64_t>> span_ns() const;
  StreamSeriesPoints points(const PlotStream& stream) const;

 private:
  PlotStream& stream_for(const ReplayItem& item);
  std::int64_t bucket_index(std::int64_t recv_ns);
  void widen();

  std::size_t max_buckets_;
  std::int64_t width_ns_ = kFirstWidthNs;
  std::optional<std::int64_t> origin_ns_opt_;
  std::int64_t origin_ns_ = 0;
  std::int64_t min_index_ = 0;
  std::int64_t max_index_ = 0;
  std::vector<std::string> order_;
  std::map<std::string, PlotStream> streams_;
};

}  // namespace depthrec::replay

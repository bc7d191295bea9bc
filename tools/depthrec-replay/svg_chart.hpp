// One stream's chart of depthrec-replay --plot: an inline <svg> of three panels on one time axis
// (events per second; event latency p50/p99; pipeline latency p50/p99) with the stream's gap,
// resync and writer_drop markers drawn across them. Well-formed XML; every text from the
// recording goes through html_escape.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "plot_series.hpp"

namespace depthrec::replay {

// `span_ns`: the time axis, [begin, end) in ns since the epoch, the same for every stream.
std::string stream_chart_svg(const PlotSeries& series, const PlotStream& stream,
                             std::pair<std::int64_t, std::int64_t> span_ns);

}  // namespace depthrec::replay

// The geometry of depthrec-replay's plot: linear scales from data to SVG user units, the `d`
// attribute of a series' <path>, and round axis ticks. No I/O, no HTML: the page is
// report_plot.cpp's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plot_series.hpp"

namespace depthrec::replay {

// Maps [domain_lo, domain_hi] linearly onto [range_lo, range_hi] (range_lo > range_hi for a
// y axis, whose SVG coordinates grow downwards). An empty domain maps to the middle of the range.
struct LinearScale {
  double domain_lo = 0;
  double domain_hi = 1;
  double range_lo = 0;
  double range_hi = 1;
  double operator()(double value) const;
};

// A coordinate as SVG text: one decimal, "0.0" rather than "-0.0".
std::string svg_number(double value);

// The `d` of a polyline through `points` ("M10.0 90.0L20.0 80.0..."): x from the point's time,
// y from its value. A step of more than `max_step_ns` between two points starts a new subpath
// (M), so buckets without a value are not bridged. Empty for no points.
std::string svg_path(const std::vector<SeriesPoint>& points, const LinearScale& x,
                     const LinearScale& y, std::int64_t max_step_ns);

// About `target` round tick values (steps of 1, 2 or 5 times a power of ten) within [lo, hi],
// ascending; one tick (lo) when lo == hi.
std::vector<double> nice_ticks(double lo, double hi, int target);

// About `target` ticks of a time axis [begin_ns, end_ns], at round UTC times: multiples of a
// clock step (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, days), or of
// 1-2-5 milliseconds for spans of a few seconds. `step_ns` receives the step.
std::vector<std::int64_t> time_ticks_ns(std::int64_t begin_ns, std::int64_t end_ns, int target,
                                        std::int64_t& step_ns);

}  // namespace depthrec::replay

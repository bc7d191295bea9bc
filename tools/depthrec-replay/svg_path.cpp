#include "svg_path.hpp"

#include <cmath>
#include <cstdio>

namespace depthrec::replay {

double LinearScale::operator()(double value) const {
  const double span = domain_hi - domain_lo;
  if (!(span > 0)) return (range_lo + range_hi) / 2;
  return range_lo + (value - domain_lo) / span * (range_hi - range_lo);
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) value = 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.1f", value);
  if (std::string(text) == "-0.0") return "0.0";
  return text;
}

std::string svg_path(const std::vector<SeriesPoint>& points, const LinearScale& x,
                     const LinearScale& y, std::int64_t max_step_ns) {
  std::string d;
  const SeriesPoint* previous = nullptr;
  for (const SeriesPoint& point : points) {
    const bool joined = previous != nullptr && point.t_ns - previous->t_ns <= max_step_ns;
    d += joined ? 'L' : 'M';
    d += svg_number(x(static_cast<double>(point.t_ns)));
    d += ' ';
    d += svg_number(y(point.value));
    previous = &point;
  }
  return d;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return {};
  if (hi == lo || target < 1) return {lo};
  const double rough = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= rough) break;
  }
  std::vector<double> ticks;
  // Integer multiples of the step, so that 0.1 + 0.2 never prints as 0.30000000000000004.
  const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
  const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
  for (long long k = first; k <= last && ticks.size() < 100; ++k) {
    ticks.push_back(static_cast<double>(k) * step);
  }
  return ticks;
}

std::vector<std::int64_t> time_ticks_ns(std::int64_t begin_ns, std::int64_t end_ns, int target,
                                        std::int64_t& step_ns) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  constexpr std::int64_t kClockSteps[] = {1,     2,     5,     10,    15,     30,    60,
                                          120,   300,   600,   900,   1800,   3600,  7200,
                                          10800, 21600, 43200, 86400, 172800, 604800};
  std::vector<std::int64_t> ticks;
  if (end_ns < begin_ns || target < 1) return ticks;
  const double rough_ns = static_cast<double>(end_ns - begin_ns) / target;
  step_ns = 0;
  if (rough_ns < static_cast<double>(kSecond)) {
    const std::vector<double> ms = nice_ticks(0, rough_ns / 1e6 * target, target);
    step_ns =
        ms.size() > 1 ? static_cast<std::int64_t>(std::llround((ms[1] - ms[0]) * 1e6)) : kSecond;
  } else {
    for (const std::int64_t step_s : kClockSteps) {
      step_ns = step_s * kSecond;
      if (static_cast<double>(step_ns) >= rough_ns) break;
    }
    while (static_cast<double>(step_ns) < rough_ns) step_ns *= 2;  // weeks and beyond
  }
  if (step_ns <= 0) step_ns = kSecond;
  std::int64_t tick = begin_ns - begin_ns % step_ns;
  if (tick < begin_ns) tick += step_ns;
  for (; tick <= end_ns && ticks.size() < 100; tick += step_ns) ticks.push_back(tick);
  return ticks;
}

}  // namespace depthrec::replay

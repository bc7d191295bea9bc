#include "svg_chart.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "report_plot.hpp"
#include "svg_path.hpp"
#include "time_text.hpp"

namespace depthrec::replay {
namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 72;
constexpr double kRight = 16;
constexpr double kTop = 24;
constexpr double kPanelHeight = 110;
constexpr double kPanelGap = 30;  // room for the next panel's title
constexpr double kBottom = 30;    // time labels
constexpr int kPanels = 3;
constexpr double kHeight = kTop + kPanels * kPanelHeight + (kPanels - 1) * kPanelGap + kBottom;

constexpr std::string_view kBlue = "#1f77b4";
constexpr std::string_view kPurple = "#9467bd";

double panel_top(int panel) {
  return kTop + panel * (kPanelHeight + kPanelGap);
}

std::string attr(std::string_view name, const std::string& value) {
  return " " + std::string(name) + "=\"" + value + "\"";
}

std::string text_element(double x, double y, std::string_view anchor, const std::string& text,
                         std::string_view cls = "label") {
  return "<text" + attr("x", svg_number(x)) + attr("y", svg_number(y)) +
         attr("text-anchor", std::string(anchor)) + attr("class", std::string(cls)) + ">" + text +
         "</text>\n";
}

std::string line_element(double x1, double y1, double x2, double y2, std::string_view cls) {
  return "<line" + attr("x1", svg_number(x1)) + attr("y1", svg_number(y1)) +
         attr("x2", svg_number(x2)) + attr("y2", svg_number(y2)) + attr("class", std::string(cls)) +
         "/>\n";
}

std::string tick_label(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// A panel's frame, value grid and series. `lines`: the series with their class and colour.
struct PanelLine {
  const std::vector<SeriesPoint>* points;
  std::string_view cls;
  std::string_view colour;
};

std::string panel_svg(int panel, const std::string& title, const std::vector<PanelLine>& lines,
                      const LinearScale& x, std::int64_t step_ns, bool from_zero,
                      const std::string& empty_note) {
  const double top = panel_top(panel);
  const double bottom = top + kPanelHeight;
  std::string svg =
      "<g" + attr("class", "panel") + attr("data-panel", std::to_string(panel)) + ">\n";
  svg += text_element(kLeft, top - 8, "start", title, "title");
  svg += "<rect" + attr("x", svg_number(kLeft)) + attr("y", svg_number(top)) +
         attr("width", svg_number(kWidth - kLeft - kRight)) +
         attr("height", svg_number(kPanelHeight)) + attr("class", "frame") + "/>\n";
  bool any = false;
  double lo = 0;
  double hi = 0;
  for (const PanelLine& line : lines) {
    for (const SeriesPoint& point : *line.points) {
      lo = any ? std::min(lo, point.value) : point.value;
      hi = any ? std::max(hi, point.value) : point.value;
      any = true;
    }
  }
  if (!any) {
    svg += text_element((kLeft + kWidth - kRight) / 2, (top + bottom) / 2, "middle", empty_note,
                        "note");
    return svg + "</g>\n";
  }
  if (from_zero) lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  const std::vector<double> ticks = nice_ticks(lo, hi, 4);
  if (!ticks.empty()) hi = std::max(hi, ticks.back());
  const LinearScale y{lo, hi + (hi - lo) * 0.05, bottom, top};
  for (const double tick : ticks) {
    svg += line_element(kLeft, y(tick), kWidth - kRight, y(tick), "grid");
    svg += text_element(kLeft - 6, y(tick) + 4, "end", tick_label(tick));
  }
  for (const PanelLine& line : lines) {
    svg += "<path" + attr("class", "series " + std::string(line.cls)) +
           attr("stroke", std::string(line.colour)) +
           attr("data-points", std::to_string(line.points->size())) +
           attr("d", svg_path(*line.points, x, y, step_ns)) + "/>\n";
  }
  return svg + "</g>\n";
}

std::string time_label(std::int64_t t_ns, std::int64_t step_ns, double span_s) {
  const std::string utc = format_utc_ms(t_ns);             // 2024-07-18T23:57:02.504Z
  if (span_s > 86400) return utc.substr(5, 11);            // 07-18T23:57
  if (step_ns < 1'000'000'000) return utc.substr(11, 12);  // 23:57:02.504
  return utc.substr(11, 8);                                // 23:57:02
}

std::string time_axis_svg(std::pair<std::int64_t, std::int64_t> span_ns, const LinearScale& x) {
  const double span_s = static_cast<double>(span_ns.second - span_ns.first) / 1e9;
  std::int64_t step_ns = 0;
  const std::vector<std::int64_t> ticks = time_ticks_ns(span_ns.first, span_ns.second, 6, step_ns);
  const double axis_y = panel_top(kPanels - 1) + kPanelHeight;
  std::string svg = "<g" + attr("class", "time-axis") + ">\n";
  for (const std::int64_t t_ns : ticks) {
    const double px = x(static_cast<double>(t_ns));
    svg += line_element(px, panel_top(0), px, axis_y + 4, "grid");
    // Labels at the edges are kept inside the picture.
    const std::string_view anchor = px > kWidth - kRight - 40 ? "end"
                                    : px < kLeft + 20         ? "start"
                                                              : "middle";
    svg += text_element(px, axis_y + 18, anchor, time_label(t_ns, step_ns, span_s));
  }
  return svg + "</g>\n";
}

std::string markers_svg(const PlotStream& stream, const LinearScale& x) {
  std::string svg = "<g" + attr("class", "markers") + ">\n";
  const double top = panel_top(0);
  const double bottom = panel_top(kPanels - 1) + kPanelHeight;
  for (const auto& [index, tally] : stream.marker_buckets) {
    for (std::size_t k = 0; k < kMarkerKinds; ++k) {
      if (tally.count[k] == 0) continue;
      const char* kind = to_string(static_cast<MarkerKind>(k));
      const double px = x(static_cast<double>(tally.first_ns[k]));
      svg += "<line" + attr("class", std::string("marker ") + kind) + attr("data-kind", kind) +
             attr("data-t-ns", std::to_string(tally.first_ns[k])) +
             attr("data-count", std::to_string(tally.count[k])) + attr("x1", svg_number(px)) +
             attr("y1", svg_number(top)) + attr("x2", svg_number(px)) +
             attr("y2", svg_number(bottom)) + "><title>" + kind + " x" +
             std::to_string(tally.count[k]) + " from " + format_utc_ms(tally.first_ns[k]) +
             "</title></line>\n";
    }
  }
  return svg + "</g>\n";
}

std::string legend(std::string_view what) {
  return std::string(what) + ", ms: <tspan fill=\"" + std::string(kBlue) +
         "\">p50</tspan> <tspan fill=\"" + std::string(kPurple) + "\">p99</tspan>";
}

}  // namespace

std::string stream_chart_svg(const PlotSeries& series, const PlotStream& stream,
                             std::pair<std::int64_t, std::int64_t> span_ns) {
  const LinearScale x{static_cast<double>(span_ns.first), static_cast<double>(span_ns.second),
                      kLeft, kWidth - kRight};
  const StreamSeriesPoints points = series.points(stream);
  const std::int64_t step = series.width_ns();
  const std::string name = html_escape(stream.name);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"" + attr("class", "chart") +
                    attr("role", "img") + attr("aria-label", name) + attr("data-stream", name) +
                    attr("width", svg_number(kWidth)) + attr("height", svg_number(kHeight)) +
                    attr("viewBox", "0 0 " + svg_number(kWidth) + " " + svg_number(kHeight)) +
                    attr("data-t0-ns", std::to_string(span_ns.first)) +
                    attr("data-t1-ns", std::to_string(span_ns.second)) +
                    attr("data-bucket-ns", std::to_string(step)) +
                    attr("data-x0", svg_number(kLeft)) +
                    attr("data-x1", svg_number(kWidth - kRight)) + ">\n";
  // Opaque, so that the picture reads the same on a dark page (GitHub's dark theme).
  svg += "<rect" + attr("x", "0") + attr("y", "0") + attr("width", svg_number(kWidth)) +
         attr("height", svg_number(kHeight)) + attr("fill", "#fff") + "/>\n";
  svg += time_axis_svg(span_ns, x);
  svg += panel_svg(
      0, "events per second (bucket " + tick_label(static_cast<double>(step) / 1e9) + " s)",
      {{&points.events_per_second, "events", kBlue}}, x, step, true,
      "no market events in this stream");
  svg += panel_svg(1, legend("event latency (receive time - E)"),
                   {{&points.event_latency_p50_ms, "event-p50", kBlue},
                    {&points.event_latency_p99_ms, "event-p99", kPurple}},
                   x, step, false, "no event times in this stream");
  svg += panel_svg(2, legend("pipeline latency (receipt to writer)"),
                   {{&points.pipeline_latency_p50_ms, "pipeline-p50", kBlue},
                    {&points.pipeline_latency_p99_ms, "pipeline-p99", kPurple}},
                   x, step, true,
                   "no pipeline latency recorded (depthrec NDJSON depth records carry it)");
  svg += markers_svg(stream, x);
  return svg + "</svg>\n";
}

}  // namespace depthrec::replay

// depthrec-replay --plot FILE.html: the recording as pictures. One self-contained HTML page (inline
// SVG and CSS, no script, nothing fetched: it opens offline) with the verification verdict at the
// top and, per stream, events per second, event latency and pipeline latency (p50 and p99 per
// time bucket) on one time axis shared by every stream, with gaps, resyncs and writer drops
// marked on it. Every text that comes from the recording is escaped.
#pragma once

#include <string>
#include <string_view>

#include "plot_series.hpp"
#include "report_output.hpp"

namespace depthrec::replay {

// `text` made safe inside HTML and XML text and attribute values: & < > " ' escaped, control
// characters other than tab and newline and bytes that are not UTF-8 replaced by U+FFFD.
std::string html_escape(std::string_view text);

// The whole page.
std::string plot_html(const RunSummary& run, const PlotSeries& series);

// Writes plot_html() to `path`; false with `error` set when the file cannot be written.
bool write_plot_html(const std::string& path, const RunSummary& run, const PlotSeries& series,
                     std::string& error);

}  // namespace depthrec::replay

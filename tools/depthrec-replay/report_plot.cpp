#include "report_plot.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "model/utf8.hpp"
#include "svg_chart.hpp"
#include "time_text.hpp"

namespace depthrec::replay {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string count_text(std::uint64_t value) {
  return std::to_string(value);
}

// Bucket widths are whole seconds: 1 s doubled as often as the recording's length needs.
std::string bucket_text(std::int64_t width_ns) {
  return std::to_string(width_ns / 1'000'000'000) + " s";
}

std::string cell(const std::string& text) {
  return "<td>" + text + "</td>";
}

std::string book_streams_table(const RunSummary& run) {
  if (run.streams.empty()) return {};
  std::string html =
      "<table class=\"streams\">\n<tr><th>symbol</th><th>market</th><th>depth stream</th>"
      "<th>depth events</th><th>verified</th><th>unverified</th><th>breaks</th>"
      "<th>unmarked</th><th>tickers matched / mismatched</th><th>verdict</th></tr>\n";
  for (const ReplayReport* stream : run.streams) {
    const std::string why = stream_failure(*stream, run.max_unverified);
    html +=
        "<tr class=\"" + std::string(why.empty() ? "pass" : "fail") + "\">" +
        cell(html_escape(stream->symbol)) + cell(std::string(to_string(stream->market))) +
        cell(html_escape(stream->depth_stream)) + cell(count_text(stream->depth_events)) +
        cell(count_text(stream->verified_events)) + cell(count_text(stream->unverified())) +
        cell(count_text(stream->breaks)) + cell(count_text(stream->unmarked_breaks)) +
        cell(count_text(stream->tickers.matched) + " / " + count_text(stream->tickers.mismatched)) +
        cell(why.empty() ? "consistent, verified" : html_escape(why)) + "</tr>\n";
  }
  return html + "</table>\n";
}

std::string id_streams_table(const RunSummary& run) {
  if (run.trade_streams.empty()) return {};
  std::string html =
      "<table class=\"streams\">\n<tr><th>stream</th><th>events</th><th>marked gaps</th>"
      "<th>missing ids</th><th>unmarked gaps</th><th>out of order</th><th>verdict</th></tr>\n";
  for (const TradeStreamReport& stream : run.trade_streams) {
    html += "<tr class=\"" + std::string(stream.consistent() ? "pass" : "fail") + "\">" +
            cell(html_escape(stream.stream)) + cell(count_text(stream.events)) +
            cell(count_text(stream.marked_gaps)) + cell(count_text(stream.missing_ids)) +
            cell(count_text(stream.unmarked_gaps)) + cell(count_text(stream.out_of_order)) +
            cell(stream.consistent() ? "consistent" : "inconsistent") + "</tr>\n";
  }
  return html + "</table>\n";
}

std::string verdict_html(const RunSummary& run) {
  const char* verdict = run.exit_code == 0   ? "consistent and verified"
                        : run.exit_code == 1 ? "NOT consistent or not verified"
                                             : "input or output error";
  std::string html = "<p class=\"verdict " + std::string(run.exit_code == 0 ? "pass" : "fail") +
                     "\" data-exit-code=\"" + std::to_string(run.exit_code) +
                     "\">Verdict: " + verdict + " (exit " + std::to_string(run.exit_code) +
                     ")</p>\n";
  const std::string failures = failures_text(run);
  if (!failures.empty()) html += "<p class=\"fail\">" + html_escape(failures) + "</p>\n";
  for (const std::string& error : run.reader.io_errors) {
    html += "<p class=\"fail\">I/O error: " + html_escape(error) + "</p>\n";
  }
  return html;
}

std::string input_html(const RunSummary& run, const PlotSeries& series) {
  std::string html = "<p>Input: <code>" + html_escape(run.input) + "</code> (" +
                     count_text(run.sources.size()) + " files, " + count_text(run.reader.lines) +
                     " lines, " + count_text(run.reader.bad_lines) + " refused)";
  if (const auto span = series.span_ns()) {
    html += "; from " + format_utc_ms(span->first) + " to " + format_utc_ms(span->second) +
            ", one point per " + bucket_text(series.width_ns());
  }
  return html + ".</p>\n";
}

constexpr std::string_view kStyle = R"(<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table.streams { border-collapse: collapse; margin: 0.5em 0; }
table.streams td, table.streams th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
tr.fail td, p.fail { color: #b00; } p.pass { color: #060; } p.verdict { font-size: 1.3em; font-weight: bold; }
svg.chart { display: block; margin: 0.5em 0 2em; }
svg.chart .frame { fill: none; stroke: #999; } svg.chart .grid { stroke: #eee; }
svg.chart .label { font-size: 11px; fill: #555; } svg.chart .title { font-size: 12px; fill: #222; }
svg.chart .note { font-size: 12px; fill: #999; } svg.chart .series { fill: none; stroke-width: 1.3; }
svg.chart .marker { stroke-width: 1.5; } svg.chart .marker.gap { stroke: #d62728; }
svg.chart .marker.resync { stroke: #2ca02c; stroke-dasharray: 4 3; }
svg.chart .marker.writer_drop { stroke: #ff7f0e; }
.key span { margin-right: 1.5em; } .key .gap { color: #d62728; } .key .resync { color: #2ca02c; }
.key .writer_drop { color: #ff7f0e; }
</style>
)";

std::string stream_section(const PlotSeries& series, const PlotStream& stream,
                           std::pair<std::int64_t, std::int64_t> span) {
  const auto marks = [&](MarkerKind kind) {
    return count_text(stream.markers[static_cast<std::size_t>(kind)]);
  };
  std::string html = "<section class=\"stream\">\n<h2>" + html_escape(stream.name) + "</h2>\n";
  html += "<p class=\"key\">" + count_text(stream.events) + " market events (" +
          count_text(stream.events_with_event_latency) + " with an event time, " +
          count_text(stream.events_with_pipeline_latency) + " with a pipeline latency); " +
          "<span class=\"gap\">| gaps " + marks(MarkerKind::gap) + "</span>" +
          "<span class=\"resync\">| resyncs " + marks(MarkerKind::resync) + "</span>" +
          "<span class=\"writer_drop\">| writer drops " + marks(MarkerKind::writer_drop) +
          "</span></p>\n";
  return html + stream_chart_svg(series, stream, span) + "</section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      default:
        break;
    }
    if ((byte < 0x20 && c != '\t' && c != '\n') || byte == 0x7F) {
      out += kReplacement;
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string plot_html(const RunSummary& run, const PlotSeries& series) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
      "charset=\"utf-8\">\n<title>depthrec-replay: " +
      html_escape(run.input) + "</title>\n" + std::string(kStyle) +
      "</head>\n<body>\n<h1>depthrec-replay</h1>\n";
  html += verdict_html(run) + input_html(run, series);
  html += book_streams_table(run) + id_streams_table(run);
  const auto span = series.span_ns();
  const std::vector<const PlotStream*> streams = series.streams();
  if (!span || streams.empty()) {
    html += "<p class=\"fail\">No market events or markers with a receive time to plot.</p>\n";
  } else {
    for (const PlotStream* stream : streams) html += stream_section(series, *stream, *span);
  }
  return html + "</body>\n</html>\n";
}

bool write_plot_html(const std::string& path, const RunSummary& run, const PlotSeries& series,
                     std::string& error) {
  const std::string html = plot_html(run, series);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    error = "cannot write --plot " + path + ": " + std::strerror(errno);
    return false;
  }
  const bool written = std::fwrite(html.data(), 1, html.size(), file) == html.size();
  const int saved_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    error = "cannot write --plot " + path + ": " + std::strerror(written ? errno : saved_errno);
    return false;
  }
  return true;
}

}  // namespace depthrec::replay

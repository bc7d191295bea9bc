// depthrec-check [options] metrics.json
// Applies the seed's threshold table (and ours: staleness, clock offset, unsynced book, failing
// snapshots) to a metrics.json, prints one line per metric, then (a many-stream file) one line per
// alert of each stream by name, and a status line, and exits 0 (OK), 1 (WARNING) or 2 (CRITICAL).
// Usage errors and unreadable or invalid files are CRITICAL too (exit 2), so a monitor never
// mistakes a broken check for a healthy feed.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "depthrec/alert_thresholds.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/metrics_check.hpp"

namespace {

using depthrec::AlertLimits;

// "none" (or "off") removes a limit; anything else must be a number.
std::optional<double> parse_limit(const std::string& text) {
  if (text == "none" || text == "off") return std::nullopt;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(value)) {
    throw CLI::ValidationError("'" + text + "' is not a number (or none)");
  }
  return value;
}

void add_limits(CLI::App& app, const std::string& metric, AlertLimits& limits,
                const std::string& unit) {
  const auto shown = [](const std::optional<double>& limit) {
    if (!limit) return std::string("none");
    char text[32];
    std::snprintf(text, sizeof text, "%g", *limit);
    return std::string(text);
  };
  const char* comparison = limits.direction == depthrec::AlertDirection::above ? ">" : "<";
  app.add_option_function<std::string>(
         "--" + metric + "-warn",
         [&limits](const std::string& text) { limits.warn = parse_limit(text); },
         "WARNING when " + metric + " " + comparison + " this" + unit + " (none: no warning)")
      ->default_str(shown(limits.warn));
  app.add_option_function<std::string>(
         "--" + metric + "-crit",
         [&limits](const std::string& text) { limits.crit = parse_limit(text); },
         "CRITICAL when " + metric + " " + comparison + " this" + unit + " (none: never)")
      ->default_str(shown(limits.crit));
}

// "1760690281.5" -> epoch ns; empty when out of range for int64 ns (e.g. 1e400, -1e30).
std::optional<std::int64_t> parse_epoch_seconds_as_ns(const std::string& text) {
  long double seconds = 0;
  try {
    seconds = std::stold(text);  // long double: epoch ns need 61 bits, more than a double holds
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const long double ns = seconds * 1e9L;
  // 9.2e18 is just below INT64_MAX (9.22e18): llroundl is defined for everything inside.
  if (!std::isfinite(ns) || std::fabs(ns) > 9.2e18L) return std::nullopt;
  return static_cast<std::int64_t>(std::llroundl(ns));
}

int run(int argc, char** argv) {
  CLI::App app{
      "depthrec-check: applies alert thresholds to a depthrec (or seed) metrics.json.\n"
      "Exit code 0 OK, 1 WARNING, 2 CRITICAL (also for a missing, unreadable or invalid file).\n"
      "Limits are strict: resyncs 3 and reconnects 4-5 are WARNINGs (the seed's abnormal is >3, "
      ">5)."};
  depthrec::CheckOptions options;
  depthrec::AlertThresholds& t = options.thresholds;
  std::string path;
  std::string now_text;
  std::string latency = "auto";
  std::string scope = "run";
  bool json = false;

  app.add_option("metrics_json", path, "the metrics.json to check")->required();
  add_limits(app, "rate", t.rate, " messages/s");
  add_limits(app, "p50", t.p50_ms, " ms");
  add_limits(app, "p95", t.p95_ms, " ms");
  add_limits(app, "p99", t.p99_ms, " ms");
  add_limits(app, "breaks", t.breaks, "");
  add_limits(app, "resyncs", t.resyncs, "");
  add_limits(app, "reconnects", t.reconnects, "");
  add_limits(app, "drops", t.drops, "");
  app.add_option_function<std::string>(
         "--offset-warn-ms",
         [&](const std::string& text) { t.offset_abs_ms.warn = parse_limit(text); },
         "WARNING when |clock offset| > this (ms)")
      ->default_str("1000");
  app.add_option_function<std::string>(
         "--offset-crit-ms",
         [&](const std::string& text) { t.offset_abs_ms.crit = parse_limit(text); },
         "CRITICAL when |clock offset| > this (ms)")
      ->default_str("none");
  add_limits(app, "unsynced", t.unsynced_sec,
             " s (without a synced book, since the start or since sync was lost)");
  add_limits(app, "snapshot-failures", t.snapshot_failures, " (failed REST snapshots in a row)");
  app.add_option("--stale-intervals", t.stale_intervals,
                 "CRITICAL when the file is older than this many window_sec (0: no check)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--latency", latency,
                 "latency for p50/p95/p99: corrected (needs a clock offset), raw (the seed's "
                 "latency_ms), or auto: corrected when the file has it, else raw")
      ->check(CLI::IsMember({"auto", "corrected", "raw"}))
      ->capture_default_str();
  app.add_option("--scope", scope, "run: whole-run figures (the seed's); window: the last window")
      ->check(CLI::IsMember({"run", "window"}))
      ->capture_default_str();
  app.add_option("--now", now_text, "the current time in epoch seconds, e.g. 1760690281.5 (tests)")
      ->check(CLI::Number);
  app.add_option("--max-stream-lines", options.max_stream_lines,
                 "a many-stream metrics.json: at most this many failing streams shown per alert "
                 "kind, then \"... and K more\"")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("--json", json, "print the result as one JSON object");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    std::fprintf(stderr, "CRITICAL depthrec-check: bad usage\n");
    return depthrec::exit_code(depthrec::AlertLevel::critical);
  }
  options.latency = latency == "corrected" ? depthrec::LatencySource::corrected
                    : latency == "raw"     ? depthrec::LatencySource::raw
                                           : depthrec::LatencySource::automatic;
  options.scope = scope == "window" ? depthrec::MetricsScope::window : depthrec::MetricsScope::run;
  const std::optional<std::int64_t> now_ns =
      now_text.empty() ? depthrec::wall_clock_ns() : parse_epoch_seconds_as_ns(now_text);
  if (!now_ns) {
    std::fprintf(stderr, "CRITICAL depthrec-check: --now %s is not an epoch time in seconds\n",
                 now_text.c_str());
    return depthrec::exit_code(depthrec::AlertLevel::critical);
  }

  const depthrec::CheckReport report = depthrec::check_metrics_file(path, options, *now_ns);
  if (json) {
    std::fputs(depthrec::to_json(report).c_str(), stdout);
  } else {
    for (const auto& check : report.checks) {
      std::printf("%s\n", depthrec::format_check_line(check).c_str());
    }
    for (const std::string& line : depthrec::format_stream_lines(report)) {
      std::printf("%s\n", line.c_str());
    }
    std::printf("%s %s\n", depthrec::format_status_line(report).c_str(), path.c_str());
  }
  return depthrec::exit_code(report.status);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {  // e.g. std::bad_alloc: still a CRITICAL, not an abort
    std::fprintf(stderr, "CRITICAL depthrec-check: %s\n", error.what());
    return depthrec::exit_code(depthrec::AlertLevel::critical);
  }
}

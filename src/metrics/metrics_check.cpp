#include "depthrec/metrics_check.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "depthrec/peer_text.hpp"
#include "metrics/check_rules.hpp"
#include "metrics/json_fields.hpp"
#include "metrics/stream_checks.hpp"

namespace depthrec {
namespace {

using check_rules::format;
using check_rules::member;
using check_rules::number;
using rapidjson::Value;

class Checker {
 public:
  Checker(const Value& doc, const CheckOptions& options, std::int64_t now_ns,
          std::optional<std::int64_t> mtime_ns)
      : doc_(doc), options_(options), now_ns_(now_ns), mtime_ns_(mtime_ns) {}

  CheckReport run() {
    if (const Value* symbol = member(&doc_, "symbol"); symbol && symbol->IsString()) {
      report_.symbol = symbol->GetString();
    }
    const bool window = options_.scope == MetricsScope::window;
    const Value* base = window ? member(&doc_, "window") : &doc_;
    const std::string prefix = window ? "window." : "";
    if (base == nullptr || !base->IsObject()) {
      add("window", AlertLevel::critical, std::nullopt, "window=missing (no \"window\" object)");
      base = nullptr;
    }
    const AlertThresholds& t = options_.thresholds;
    check("rate", number(member(base, "recv_rate")), t.rate, "%.2f/s", prefix + "recv_rate");
    check_latency(base, prefix);
    const Value* continuity = member(base, "continuity");
    const std::pair<const char*, const AlertLimits*> counts[] = {
        {"breaks", &t.breaks}, {"resyncs", &t.resyncs}, {"reconnects", &t.reconnects}};
    for (const auto& [name, limits] : counts) {
      check(name, number(member(continuity, name)), *limits, "%.0f", prefix + "continuity." + name);
    }
    check("drops", number(member(member(base, "log_queue"), "drops")), t.drops, "%.0f",
          prefix + "log_queue.drops");
    check_staleness();
    check_clock_offset();
    // State now, not a figure over a span: read from the top level in either scope.
    check_extension("unsynced", member(member(&doc_, "book"), "unsynced_ms"), 1e-3, t.unsynced_sec,
                    "%.1fs", "book.unsynced_ms");
    check_extension("snapshot_failures", member(member(&doc_, "snapshots"), "consecutive_failures"),
                    1.0, t.snapshot_failures, "%.0f in a row", "snapshots.consecutive_failures");
    check_streams(doc_, options_, corrected_latency_, report_);
    return std::move(report_);
  }

 private:
  void add(std::string metric, AlertLevel level, std::optional<double> value, std::string text) {
    report_.status = worst(report_.status, level);
    report_.checks.push_back(MetricCheck{std::move(metric), level, value, std::move(text)});
  }

  void check(const std::string& metric, std::optional<double> value, const AlertLimits& limits,
             const char* value_format, const std::string& key, const std::string& note = "") {
    MetricCheck result =
        check_rules::classify_figure(metric, value, limits, value_format, key, note);
    report_.status = worst(report_.status, result.level);
    report_.checks.push_back(std::move(result));
  }

  void check_latency(const Value* base, const std::string& prefix) {
    const Value* corrected = member(base, "event_latency_corrected_ms");
    bool use_corrected = options_.latency == LatencySource::corrected;
    if (options_.latency == LatencySource::automatic) {
      const auto count = number(member(corrected, "count"));
      use_corrected = count && *count > 0 && number(member(&doc_, "clock_offset_ms"));
    }
    corrected_latency_ = use_corrected;
    const Value* latency = use_corrected ? corrected : member(base, "latency_ms");
    const std::string object =
        prefix + (use_corrected ? "event_latency_corrected_ms" : "latency_ms");
    const std::string note = use_corrected ? "ms [corrected]" : "ms [raw]";
    const AlertThresholds& t = options_.thresholds;
    const std::pair<const char*, const AlertLimits*> percentiles[] = {
        {"p50", &t.p50_ms}, {"p95", &t.p95_ms}, {"p99", &t.p99_ms}};
    for (const auto& [name, limits] : percentiles) {
      check(name, number(member(latency, name)), *limits, "%.1f", object + "." + name, note);
    }
  }

  // A key of ours: absent (a seed file, an older depthrec) is unknown and OK; present, it must be
  // a number, scaled into the unit of the limits.
  void check_extension(const std::string& metric, const Value* value, double scale,
                       const AlertLimits& limits, const char* value_format,
                       const std::string& key) {
    if (value == nullptr) {
      add(metric, AlertLevel::ok, std::nullopt,
          metric + "=unknown (\"" + key + "\" not in the file)");
      return;
    }
    check(metric,
          number(value).has_value() ? std::optional<double>(value->GetDouble() * scale)
                                    : std::nullopt,
          limits, value_format, key);
  }

  void check_staleness() {
    const double intervals = options_.thresholds.stale_intervals;
    if (!(intervals > 0.0)) {
      add("stale", AlertLevel::ok, std::nullopt, "stale=not checked (--stale-intervals 0)");
      return;
    }
    const auto window_sec = number(member(&doc_, "window_sec"));
    if (!window_sec || *window_sec <= 0) {
      add("stale", AlertLevel::critical, std::nullopt,
          "stale=unknown (no positive \"window_sec\" in the file)");
      return;
    }
    std::optional<std::int64_t> stamp_ns;
    std::string source = "timestamp";
    if (const Value* ns = member(&doc_, "timestamp_ns"); ns && ns->IsInt64()) {
      stamp_ns = ns->GetInt64();
    } else if (const Value* text = member(&doc_, "timestamp"); text && text->IsString()) {
      stamp_ns = parse_seed_timestamp(text->GetString());
    }
    if (!stamp_ns && mtime_ns_) {
      stamp_ns = mtime_ns_;
      source = "file mtime";
    }
    if (!stamp_ns) {
      add("stale", AlertLevel::critical, std::nullopt,
          "stale=unknown (no timestamp_ns, no parseable timestamp, no file time)");
      return;
    }
    // In double: a file's timestamp_ns may be any int64, and now - INT64_MIN overflows.
    const double age_sec = (static_cast<double>(now_ns_) - static_cast<double>(*stamp_ns)) / 1e9;
    const double limit_sec = intervals * *window_sec;
    const AlertLevel level = age_sec > limit_sec ? AlertLevel::critical : AlertLevel::ok;
    char text[160];
    std::snprintf(text, sizeof text, "age=%.1fs by %s (crit >%gs = %g x window_sec %g)", age_sec,
                  source.c_str(), limit_sec, intervals, *window_sec);
    add("stale", level, age_sec, text);
  }

  void check_clock_offset() {
    const Value* offset = member(&doc_, "clock_offset_ms");
    const AlertLimits& limits = options_.thresholds.offset_abs_ms;
    const std::string shown = describe_limits(limits, "|offset| ");
    if (offset == nullptr || offset->IsNull()) {
      add("clock_offset", AlertLevel::ok, std::nullopt,
          std::string("clock_offset=unknown (") + (offset ? "no estimate yet" : "not in the file") +
              ")");
      return;
    }
    if (!offset->IsNumber()) {
      add("clock_offset", AlertLevel::critical, std::nullopt,
          "clock_offset=invalid (\"clock_offset_ms\" is not a number)");
      return;
    }
    const double value = offset->GetDouble();
    add("clock_offset", classify(std::fabs(value), limits), value,
        "clock_offset=" + format("%.1f", value) + "ms " + shown);
  }

  const Value& doc_;
  const CheckOptions& options_;
  std::int64_t now_ns_;
  std::optional<std::int64_t> mtime_ns_;
  bool corrected_latency_ = false;
  CheckReport report_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void check_members(JsonWriter& w, const MetricCheck& check) {
  w.Key("metric");
  w.String(check.metric);
  w.Key("level");
  w.String(std::string(to_string(check.level)));
  w.Key("value");
  if (check.value && std::isfinite(*check.value)) {
    w.Double(*check.value);
  } else {
    w.Null();
  }
  w.Key("text");
  w.String(check.text);
}

// Names come from the file: json_fields::text writes them as valid UTF-8.
void streams_json(JsonWriter& w, const StreamsReport& streams) {
  using namespace json_fields;
  key(w, "streams");
  w.StartObject();
  count(w, "checked", streams.checked);
  count(w, "failing", streams.failing);
  key(w, "alerts");
  w.StartArray();
  for (const StreamAlertGroup& group : streams.groups) {
    for (const StreamAlert& alert : group.shown) {
      w.StartObject();
      text(w, "stream", alert.stream);
      text(w, "market", alert.market);
      text(w, "symbol", alert.symbol);
      check_members(w, alert.check);
      w.EndObject();
    }
  }
  w.EndArray();
  key(w, "omitted");
  w.StartArray();
  for (const StreamAlertGroup& group : streams.groups) {
    if (group.omitted == 0) continue;
    w.StartObject();
    text(w, "metric", group.metric);
    text(w, "level", std::string(to_string(group.omitted_level)));
    count(w, "count", group.omitted);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

CheckReport file_problem(const std::string& text) {
  CheckReport report;
  report.status = AlertLevel::critical;
  report.checks.push_back(MetricCheck{"file", AlertLevel::critical, std::nullopt, text});
  return report;
}

}  // namespace

std::optional<std::int64_t> parse_seed_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction][Z]
  if (text.size() < 19) return std::nullopt;
  const auto digits = [&](std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  std::tm parts{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
      !digits(8, 2, day) || (text[10] != 'T' && text[10] != ' ') || !digits(11, 2, hour) ||
      text[13] != ':' || !digits(14, 2, minute) || text[16] != ':' || !digits(17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return std::nullopt;
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  const std::time_t seconds = ::timegm(&parts);
  // Years past 2262 (or before 1677) are not int64 nanoseconds.
  constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds) return std::nullopt;
  return static_cast<std::int64_t>(seconds) * 1'000'000'000 + fraction_ns;
}

CheckReport check_metrics_text(std::string_view json_text, const CheckOptions& options,
                               std::int64_t now_ns, std::optional<std::int64_t> file_mtime_ns) {
  rapidjson::Document doc;
  doc.Parse(json_text.data(), json_text.size());
  if (doc.HasParseError()) {
    return file_problem(std::string("file=invalid JSON at offset ") +
                        std::to_string(doc.GetErrorOffset()) + ": " +
                        rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return file_problem("file=invalid (the top level is not a JSON object)");
  return Checker(doc, options, now_ns, file_mtime_ns).run();
}

CheckReport check_metrics_file(const std::string& path, const CheckOptions& options,
                               std::int64_t now_ns) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return file_problem("file=" + path + " cannot be read: " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) return file_problem("file=" + path + " is a directory");
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) return file_problem("file=" + path + " cannot be read");
  const std::int64_t mtime_ns =
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  return check_metrics_text(content.str(), options, now_ns, mtime_ns);
}

std::string format_check_line(const MetricCheck& check) {
  std::string level(to_string(check.level));
  level.resize(std::max<std::size_t>(level.size(), 8), ' ');
  return level + " " + check.text;
}

std::string format_status_line(const CheckReport& report) {
  int counts[3] = {0, 0, 0};
  for (const auto& check : report.checks) ++counts[static_cast<int>(check.level)];
  char text[160];
  std::snprintf(text, sizeof text, "STATUS %s: %d warning, %d critical, %d ok",
                std::string(to_string(report.status)).c_str(), counts[1], counts[2], counts[0]);
  std::string line = text;
  if (!report.symbol.empty()) line += " (" + report.symbol + ")";
  if (report.streams.present) {
    line += ", streams: " + std::to_string(report.streams.failing) + " of " +
            std::to_string(report.streams.checked) + " failing";
  }
  return line;
}

std::vector<std::string> format_stream_lines(const CheckReport& report) {
  std::vector<std::string> lines;
  for (const StreamAlertGroup& group : report.streams.groups) {
    for (const StreamAlert& alert : group.shown) {
      MetricCheck named = alert.check;
      // Names come from the file: quoted, so they cannot write control sequences to a terminal.
      named.text = "stream=" + peer_text(alert.stream) + " market=" + peer_text(alert.market) +
                   " symbol=" + peer_text(alert.symbol) + " " + alert.check.text;
      lines.push_back(format_check_line(named));
    }
    if (group.omitted > 0) {
      lines.push_back(format_check_line(MetricCheck{
          group.metric, group.omitted_level, std::nullopt,
          "... and " + std::to_string(group.omitted) + " more streams with " + group.metric}));
    }
  }
  return lines;
}

std::string to_json(const CheckReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(std::string(to_string(report.status)));
  w.Key("exit_code");
  w.Int(exit_code(report.status));
  w.Key("symbol");
  w.String(report.symbol);
  w.Key("checks");
  w.StartArray();
  for (const auto& check : report.checks) {
    w.StartObject();
    check_members(w, check);
    w.EndObject();
  }
  w.EndArray();
  if (report.streams.present) streams_json(w, report.streams);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace depthrec

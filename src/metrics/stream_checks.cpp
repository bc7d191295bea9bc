#include "metrics/stream_checks.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/check_rules.hpp"

namespace depthrec {
namespace {

using check_rules::classify_figure;
using check_rules::member;
using check_rules::number;
using rapidjson::Value;

// The kinds of stream alerts, in output order ("entry": an entry that cannot be checked).
constexpr std::array<const char*, 11> kKinds = {"entry",
                                                "rate",
                                                "p50",
                                                "p95",
                                                "p99",
                                                "breaks",
                                                "resyncs",
                                                "reconnects",
                                                "stale",
                                                "unsynced",
                                                "snapshot_failures"};

std::size_t kind_index(const std::string& metric) {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (metric == kKinds[i]) return i;
  }
  return 0;
}

std::string string_or(const Value* value, std::string fallback) {
  if (value == nullptr || !value->IsString()) return fallback;
  return {value->GetString(), value->GetStringLength()};
}

class EntryChecker {
 public:
  EntryChecker(const CheckOptions& options, bool corrected_latency, double stale_limit_sec)
      : options_(options), corrected_(corrected_latency), stale_limit_sec_(stale_limit_sec) {}

  // The alerts of entry `index` (not the OK checks), in kind order.
  std::vector<MetricCheck> check(const Value& entry, std::size_t index) {
    alerts_.clear();
    const std::string where = "streams[" + std::to_string(index) + "]";
    if (!entry.IsObject()) {
      alerts_.push_back(MetricCheck{"entry", AlertLevel::critical, std::nullopt,
                                    "entry=invalid (" + where + " is not an object)"});
      return std::move(alerts_);
    }
    const AlertThresholds& t = options_.thresholds;
    figure("rate", number(member(&entry, "recv_rate")), t.rate, "%.2f/s", where + ".recv_rate");
    latency(entry, where);
    const Value* continuity = member(&entry, "continuity");
    const std::pair<const char*, const AlertLimits*> counts[] = {
        {"breaks", &t.breaks}, {"resyncs", &t.resyncs}, {"reconnects", &t.reconnects}};
    for (const auto& [name, limits] : counts) {
      figure(name, number(member(continuity, name)), *limits, "%.0f",
             where + ".continuity." + name);
    }
    if (stale_limit_sec_ > 0.0) {
      optional_figure("stale", member(&entry, "last_message_age_ms"), 1e-3,
                      AlertLimits{AlertDirection::above, std::nullopt, stale_limit_sec_},
                      "%.1fs since its last message", where + ".last_message_age_ms");
    }
    optional_figure("unsynced", member(member(&entry, "book"), "unsynced_ms"), 1e-3, t.unsynced_sec,
                    "%.1fs", where + ".book.unsynced_ms");
    optional_figure(
        "snapshot_failures", member(member(&entry, "snapshots"), "consecutive_failures"), 1.0,
        t.snapshot_failures, "%.0f in a row", where + ".snapshots.consecutive_failures");
    return std::move(alerts_);
  }

 private:
  void figure(const std::string& metric, std::optional<double> value, const AlertLimits& limits,
              const char* value_format, const std::string& key, const std::string& note = "") {
    MetricCheck result = classify_figure(metric, value, limits, value_format, key, note);
    if (result.level != AlertLevel::ok) alerts_.push_back(std::move(result));
  }

  // A figure an older file's entries lack: absent is not an alert; present, it must be a number.
  void optional_figure(const std::string& metric, const Value* value, double scale,
                       const AlertLimits& limits, const char* value_format,
                       const std::string& key) {
    if (value == nullptr || value->IsNull()) return;
    figure(metric,
           value->IsNumber() ? std::optional<double>(value->GetDouble() * scale) : std::nullopt,
           limits, value_format, key);
  }

  // The top level's latency choice; an entry without corrected figures is checked on raw ones.
  void latency(const Value& entry, const std::string& where) {
    const Value* corrected = member(&entry, "event_latency_corrected_ms");
    const bool use_corrected = corrected_ && corrected != nullptr;
    const Value* figures = use_corrected ? corrected : member(&entry, "latency_ms");
    const std::string object =
        where + (use_corrected ? ".event_latency_corrected_ms." : ".latency_ms.");
    const std::string note = use_corrected ? "ms [corrected]" : "ms [raw]";
    const AlertThresholds& t = options_.thresholds;
    figure("p50", number(member(figures, "p50")), t.p50_ms, "%.1f", object + "p50", note);
    if (const Value* p95 = member(figures, "p95"); p95 != nullptr) {
      figure("p95", number(p95), t.p95_ms, "%.1f", object + "p95", note);
    }
    figure("p99", number(member(figures, "p99")), t.p99_ms, "%.1f", object + "p99", note);
  }

  const CheckOptions& options_;
  bool corrected_;
  double stale_limit_sec_;
  std::vector<MetricCheck> alerts_;
};

}  // namespace

void check_streams(const Value& doc, const CheckOptions& options, bool corrected_latency,
                   CheckReport& report) {
  const Value* streams = member(&doc, "streams");
  if (streams == nullptr) return;
  if (!streams->IsArray()) {
    report.status = AlertLevel::critical;
    report.checks.push_back(MetricCheck{"streams", AlertLevel::critical, std::nullopt,
                                        "streams=invalid (\"streams\" is not an array)"});
    return;
  }
  const auto window_sec = number(member(&doc, "window_sec"));
  const double stale_limit_sec =
      window_sec && *window_sec > 0 ? options.thresholds.stale_intervals * *window_sec : 0.0;
  EntryChecker checker(options, corrected_latency, stale_limit_sec);
  StreamsReport& out = report.streams;
  out.present = true;
  std::array<std::optional<StreamAlertGroup>, kKinds.size()> groups;
  for (rapidjson::SizeType i = 0; i < streams->Size(); ++i) {
    const Value& entry = (*streams)[i];
    // Unsubscribed while following exchangeInfo (delisted, halted): its figures are final, its
    // silence is expected, and the top-level aggregate leaves it out too.
    const Value* state = member(&entry, "state");
    if (state != nullptr && state->IsString() && std::string_view(state->GetString()) == "removed")
      continue;
    ++out.checked;
    std::vector<MetricCheck> alerts = checker.check(entry, i);
    if (alerts.empty()) continue;
    ++out.failing;
    const std::string stream = string_or(member(&entry, "stream"), "#" + std::to_string(i));
    const std::string market = string_or(member(&entry, "market"), "?");
    const std::string symbol = string_or(member(&entry, "symbol"), "?");
    for (MetricCheck& alert : alerts) {
      report.status = worst(report.status, alert.level);
      auto& group = groups[kind_index(alert.metric)];
      if (!group) group = StreamAlertGroup{alert.metric, {}, 0, AlertLevel::ok};
      if (group->shown.size() < options.max_stream_lines) {
        group->shown.push_back(StreamAlert{stream, market, symbol, std::move(alert)});
      } else {
        ++group->omitted;
        group->omitted_level = worst(group->omitted_level, alert.level);
      }
    }
  }
  for (auto& group : groups) {
    if (group) out.groups.push_back(std::move(*group));
  }
}

}  // namespace depthrec

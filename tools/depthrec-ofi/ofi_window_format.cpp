#include "ofi_window_format.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace depthrec::ofi {
namespace {

void append_double(std::string& out, double value, const char* format = "%.17g") {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, format, value);
  out.append(buf, static_cast<std::size_t>(n));
}

void append_array(std::string& out, const std::vector<double>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_double(out, values[i]);
  }
  out += ']';
}

void append_decimal(std::string& out, const std::optional<Decimal>& value) {
  if (!value) {
    out += "null";
    return;
  }
  out += '"';
  out += depthrec::to_string(*value);
  out += '"';
}

void append_field(std::string& out, const char* name) {
  if (out.size() > 1) out += ',';
  out += '"';
  out += name;
  out += "\":";
}

// "HH:MM:SS.mmm" (UTC) of a clock value in ms since the Unix epoch.
std::string time_of_day(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<std::int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

}  // namespace

std::string_view to_string(WindowClock clock) {
  return clock == WindowClock::event_time ? "event" : "recv";
}

std::string to_json_line(const OfiWindow& w, std::string_view symbol, WindowClock clock,
                         std::string_view market) {
  std::string out = "{";
  append_field(out, "type");
  out += "\"ofi\"";
  append_field(out, "symbol");
  out += '"';
  out += symbol;  // validated by the recorder config: [A-Z0-9_-] only
  out += '"';
  if (!market.empty()) {
    append_field(out, "market");
    out += '"';
    out += market;  // depthrec::to_string(Market): spot, usdm, coinm
    out += '"';
  }
  append_field(out, "clock");
  out += '"';
  out += to_string(clock);
  out += '"';
  const auto add_int = [&](const char* name, long long value) {
    append_field(out, name);
    out += std::to_string(value);
  };
  const auto add_uint = [&](const char* name, unsigned long long value) {
    append_field(out, name);
    out += std::to_string(value);
  };
  add_int("start_ms", w.start_ms);
  add_int("end_ms", w.end_ms);
  append_field(out, "complete");
  out += w.complete ? "true" : "false";
  add_uint("events", w.events);
  add_uint("transitions", w.transitions);
  add_uint("skipped", w.skipped);
  add_uint("gaps", w.gaps);
  append_field(out, "gap");
  out += w.gap ? "true" : "false";
  add_uint("first_id", w.first_id);
  add_uint("last_id", w.last_id);
  append_field(out, "ofi");
  append_double(out, w.ofi);
  append_field(out, "mlofi");
  append_array(out, w.mlofi);
  append_field(out, "avg_depth");
  append_double(out, w.avg_depth);
  if (!w.mlofi_normalized.empty()) {
    append_field(out, "mlofi_norm");
    append_array(out, w.mlofi_normalized);
  }
  append_field(out, "best_bid");
  append_decimal(out, w.best_bid);
  append_field(out, "best_ask");
  append_decimal(out, w.best_ask);
  append_field(out, "mid");
  if (w.mid)
    append_double(out, *w.mid);
  else
    out += "null";
  out += '}';
  return out;
}

std::string to_text_line(const OfiWindow& w, std::string_view symbol, std::string_view market) {
  std::string out = "OFI ";
  if (!market.empty()) {
    out += market;
    out += ':';
  }
  out += symbol;
  out += ' ';
  out += time_of_day(w.start_ms);
  out += '-';
  out += time_of_day(w.end_ms);
  out += " ev=" + std::to_string(w.events);
  out += " ofi=";
  append_double(out, w.ofi, "%.6g");
  out += " mlofi=[";
  for (std::size_t i = 0; i < w.mlofi.size(); ++i) {
    if (i > 0) out += ' ';
    append_double(out, w.mlofi[i], "%.6g");
  }
  out += "] mid=";
  if (w.mid)
    append_double(out, *w.mid, "%.10g");
  else
    out += '-';
  if (w.gap) out += " gap=" + std::to_string(w.gaps) + "/skipped=" + std::to_string(w.skipped);
  if (!w.complete) out += " (partial)";
  return out;
}

}  // namespace depthrec::ofi

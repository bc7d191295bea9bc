#include "fault_plan.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace depthsim {

namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 30> kFaultNames{{
    {FaultKind::gap, "gap"},
    {FaultKind::duplicate, "duplicate"},
    {FaultKind::reorder, "reorder"},
    {FaultKind::stale, "stale"},
    {FaultKind::drop, "drop"},
    {FaultKind::close, "close"},
    {FaultKind::reset, "reset"},
    {FaultKind::stall, "stall"},
    {FaultKind::no_pong, "no_pong"},
    {FaultKind::ignore_pong, "ignore_pong"},
    {FaultKind::server_shutdown, "server_shutdown"},
    {FaultKind::malformed, "malformed"},
    {FaultKind::oversized, "oversized"},
    {FaultKind::binary, "binary"},
    {FaultKind::bad_utf8, "bad_utf8"},
    {FaultKind::wrong_symbol, "wrong_symbol"},
    {FaultKind::wrong_type, "wrong_type"},
    {FaultKind::missing_field, "missing_field"},
    {FaultKind::bad_number, "bad_number"},
    {FaultKind::spaced, "spaced"},
    {FaultKind::refused_event, "refused_event"},
    {FaultKind::empty_symbol, "empty_symbol"},
    {FaultKind::empty_stream, "empty_stream"},
    {FaultKind::huge_u, "huge_u"},
    {FaultKind::duplicate_u, "duplicate_u"},
    {FaultKind::e_ahead, "e_ahead"},
    {FaultKind::e_max, "e_max"},
    {FaultKind::trade_gap, "trade_gap"},
    {FaultKind::kline_skip, "kline_skip"},
    {FaultKind::rpi_gap, "rpi_gap"},
}};

constexpr std::array<std::pair<RestFaultKind, std::string_view>, 10> kRestFaultNames{{
    {RestFaultKind::too_many_requests, "rest_429"},
    {RestFaultKind::banned, "rest_418"},
    {RestFaultKind::server_error, "rest_500"},
    {RestFaultKind::timeout, "rest_timeout"},
    {RestFaultKind::truncated, "rest_truncated"},
    {RestFaultKind::stale, "rest_stale"},
    {RestFaultKind::pretty, "rest_pretty"},
    {RestFaultKind::ahead, "rest_ahead"},
    {RestFaultKind::time_ahead, "rest_time_ahead"},
    {RestFaultKind::info_malformed, "rest_info_malformed"},
}};

bool parse_number(std::string_view text, double& value) {
  if (text.empty()) return false;
  // from_chars for double is available in libstdc++ 11+.
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value) &&
         value >= 0;
}

bool parse_count(std::string_view text, std::uint64_t& value) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool is_symbol_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// "BTCUSDT+spot:ETHUSDT" or "10".
bool parse_targets(std::string_view text, PlannedFault& planned) {
  if (text.empty()) return false;
  std::uint64_t count = 0;
  if (parse_count(text, count)) {
    planned.symbol_count = static_cast<std::size_t>(count);
    return count > 0;
  }
  if (text.back() == '+') return false;
  while (!text.empty()) {
    const std::size_t plus = text.find('+');
    std::string_view item = text.substr(0, plus);
    text = plus == std::string_view::npos ? std::string_view{} : text.substr(plus + 1);
    std::string target;
    if (const std::size_t colon = item.find(':'); colon != std::string_view::npos) {
      const std::string_view market = item.substr(0, colon);
      if (market != "spot" && market != "usdm" && market != "coinm") return false;
      target = std::string(market) + ":";
      item = item.substr(colon + 1);
    }
    if (item.empty() || item.size() > 32) return false;
    for (char c : item) {
      if (!is_symbol_char(c)) return false;
      target.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    planned.symbols.push_back(std::move(target));
  }
  return !planned.symbols.empty();
}

}  // namespace

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  for (const auto& [kind, text] : kFaultNames) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

std::string_view fault_name(FaultKind kind) {
  for (const auto& [candidate, text] : kFaultNames) {
    if (candidate == kind) return text;
  }
  return "unknown";
}

std::optional<RestFaultKind> parse_rest_fault_kind(std::string_view name) {
  if (name.substr(0, 5) == "rest_") name.remove_prefix(5);
  if (name == "429") return RestFaultKind::too_many_requests;
  if (name == "418") return RestFaultKind::banned;
  if (name == "500") return RestFaultKind::server_error;
  if (name == "timeout") return RestFaultKind::timeout;
  if (name == "truncated") return RestFaultKind::truncated;
  if (name == "stale") return RestFaultKind::stale;
  if (name == "pretty") return RestFaultKind::pretty;
  if (name == "ahead") return RestFaultKind::ahead;
  if (name == "time_ahead") return RestFaultKind::time_ahead;
  if (name == "info_malformed") return RestFaultKind::info_malformed;
  return std::nullopt;
}

std::string_view rest_fault_name(RestFaultKind kind) {
  for (const auto& [candidate, text] : kRestFaultNames) {
    if (candidate == kind) return text;
  }
  return "rest_unknown";
}

bool is_sequence_fault(FaultKind kind) {
  return kind == FaultKind::gap || kind == FaultKind::duplicate || kind == FaultKind::reorder ||
         kind == FaultKind::stale;
}

bool is_connection_fault(FaultKind kind) {
  return kind == FaultKind::drop || kind == FaultKind::close || kind == FaultKind::reset ||
         kind == FaultKind::stall || kind == FaultKind::no_pong || kind == FaultKind::ignore_pong ||
         kind == FaultKind::server_shutdown;
}

bool is_event_fault(FaultKind kind) {
  return kind == FaultKind::spaced || kind == FaultKind::refused_event ||
         kind == FaultKind::empty_symbol || kind == FaultKind::empty_stream ||
         kind == FaultKind::huge_u || kind == FaultKind::duplicate_u ||
         kind == FaultKind::e_ahead || kind == FaultKind::e_max;
}

bool is_trade_fault(FaultKind kind) {
  return kind == FaultKind::trade_gap || kind == FaultKind::kline_skip ||
         kind == FaultKind::rpi_gap;
}

bool is_payload_fault(FaultKind kind) {
  return !is_sequence_fault(kind) && !is_connection_fault(kind) && !is_event_fault(kind) &&
         !is_trade_fault(kind);
}

double default_fault_arg(FaultKind kind) {
  if (kind == FaultKind::stall) return 5.0;
  if (kind == FaultKind::oversized) return 10.0 * 1024 * 1024;
  if (kind == FaultKind::huge_u) return 1e18;
  if (kind == FaultKind::e_ahead) return 3'600'000;
  if (kind == FaultKind::trade_gap) return 5;
  return 0;
}

std::optional<PlannedFault> parse_planned_fault(std::string_view text, std::string& error) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos) {
    error = "fault '" + std::string(text) + "': expected KIND@EVENT_INDEX[:ARG]";
    return std::nullopt;
  }
  const std::optional<FaultKind> kind = parse_fault_kind(text.substr(0, at));
  if (!kind) {
    error =
        "fault '" + std::string(text) + "': unknown kind '" + std::string(text.substr(0, at)) + "'";
    return std::nullopt;
  }
  std::string_view rest = text.substr(at + 1);
  PlannedFault planned;
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (!parse_targets(rest.substr(slash + 1), planned)) {
      error = "fault '" + std::string(text) +
              "': TARGETS must be SYMBOL[+SYMBOL...] (MARKET:SYMBOL allowed) or a count N > 0";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  const std::size_t colon = rest.find(':');
  planned.fault.kind = *kind;
  planned.fault.arg = default_fault_arg(*kind);
  if (!parse_count(rest.substr(0, colon), planned.event_index) || planned.event_index == 0) {
    error = "fault '" + std::string(text) + "': EVENT_INDEX must be a positive integer";
    return std::nullopt;
  }
  if (colon != std::string_view::npos && !parse_number(rest.substr(colon + 1), planned.fault.arg)) {
    error = "fault '" + std::string(text) + "': ARG must be a non-negative number";
    return std::nullopt;
  }
  return planned;
}

std::optional<RestFaultSpec> parse_rest_fault(std::string_view text, std::string& error) {
  const std::size_t colon = text.find(':');
  const std::optional<RestFaultKind> kind = parse_rest_fault_kind(text.substr(0, colon));
  if (!kind) {
    error =
        "rest fault '" + std::string(text) +
        "': kind must be 429, 418, 500, timeout, truncated, stale, pretty, ahead, time_ahead or "
        "info_malformed";
    return std::nullopt;
  }
  RestFaultSpec spec;
  spec.kind = *kind;
  if (colon != std::string_view::npos &&
      (!parse_count(text.substr(colon + 1), spec.count) || spec.count == 0)) {
    error = "rest fault '" + std::string(text) + "': N must be a positive integer";
    return std::nullopt;
  }
  return spec;
}

std::vector<StreamFault> FaultPlan::take(std::uint64_t event_index) {
  auto found = by_index_.find(event_index);
  if (found == by_index_.end()) return {};
  std::vector<StreamFault> faults = std::move(found->second);
  by_index_.erase(found);
  return faults;
}

}  // namespace depthsim

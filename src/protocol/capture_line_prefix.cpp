#include "capture_line_prefix.hpp"

#include <charconv>
#include <limits>

#include "depthrec/market.hpp"

namespace depthrec {
namespace {

constexpr auto kMaxNs = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
constexpr std::uint64_t kMaxSeconds = kMaxNs / 1'000'000'000;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// `<integer>`: the unit from the magnitude. False when it does not fit in int64 ns.
bool integer_time(std::uint64_t value, CaptureLinePrefix& prefix) {
  struct Scale {
    std::uint64_t from;
    std::uint64_t factor;
    TimeUnit unit;
  };
  constexpr Scale kScales[] = {{100'000'000'000'000'000, 1, TimeUnit::ns},
                               {100'000'000'000'000, 1'000, TimeUnit::us},
                               {100'000'000'000, 1'000'000, TimeUnit::ms},
                               {0, 1'000'000'000, TimeUnit::s}};
  for (const Scale& scale : kScales) {
    if (value < scale.from) continue;
    if (value > kMaxNs / scale.factor) return false;
    prefix.recv_ns = static_cast<std::int64_t>(value * scale.factor);
    prefix.unit = scale.unit;
    return true;
  }
  return false;
}

// cryptofeed's `time()`: `<seconds>[.<fraction>]`, read exactly to the ns (digits beyond are
// cut). Returns the position after it, or npos.
std::size_t seconds_time(std::string_view text, std::size_t at, CaptureLinePrefix& prefix) {
  std::uint64_t seconds = 0;
  const auto [after, ec] = std::from_chars(text.data() + at, text.data() + text.size(), seconds);
  if (ec != std::errc() || seconds > kMaxSeconds) return std::string_view::npos;
  std::size_t pos = static_cast<std::size_t>(after - text.data());
  std::uint64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::uint64_t scale = 100'000'000;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
      fraction_ns += static_cast<std::uint64_t>(text[pos] - '0') * scale;
      scale /= 10;
    }
  }
  const std::uint64_t ns = seconds * 1'000'000'000 + fraction_ns;
  if (ns > kMaxNs) return std::string_view::npos;
  prefix.recv_ns = static_cast<std::int64_t>(ns);
  prefix.unit = TimeUnit::s;
  return pos;
}

// `<url> <marker> <sec.frac>[: <payload>]` (cryptofeed's connect, request and REST lines).
std::string url_line(std::string_view line, CaptureLinePrefix& prefix) {
  struct Marker {
    std::string_view text;
    CaptureLinePrefix::Kind kind;
    bool payload;
  };
  // " <-> " first: " <- " and " -> " are parts of it.
  constexpr Marker kMarkers[] = {{" <-> ", CaptureLinePrefix::Kind::connect, false},
                                 {" <- ", CaptureLinePrefix::Kind::request, true},
                                 {" -> ", CaptureLinePrefix::Kind::rest_reply, true}};
  for (const Marker& marker : kMarkers) {
    const std::size_t at = line.find(marker.text);
    if (at == std::string_view::npos || line.substr(0, at).find(' ') != std::string_view::npos) {
      continue;
    }
    prefix.kind = marker.kind;
    prefix.url = line.substr(0, at);
    const std::size_t end = seconds_time(line, at + marker.text.size(), prefix);
    if (end == std::string_view::npos) return "bad time after the URL";
    if (!marker.payload) {
      if (line.find_first_not_of(" \t", end) != std::string_view::npos) {
        return "text after a connect line's time";
      }
      return {};
    }
    if (line.substr(end, 2) != ": ")
      return "expected `<url> " + std::string(marker.text.substr(1)) + "<time>: <data>`";
    prefix.payload = line.substr(end + 2);
    return {};
  }
  return "a URL without `<->`, `<-` or `->` and a time";
}

}  // namespace

std::string parse_capture_prefix(std::string_view line, CaptureLinePrefix& prefix) {
  prefix = CaptureLinePrefix{};
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return "blank line";
  line.remove_prefix(start);
  if (starts_with(line, "configuration: ")) {
    prefix.format = RecordingFormat::cryptofeed_raw;
    prefix.kind = CaptureLinePrefix::Kind::configuration;
    return {};
  }
  if (starts_with(line, "http://") || starts_with(line, "https://") || starts_with(line, "ws://") ||
      starts_with(line, "wss://")) {
    prefix.format = RecordingFormat::cryptofeed_raw;
    return url_line(line, prefix);
  }
  if (line.empty() || !is_digit(line[0])) {
    return "neither `<recv_time> <json>`, a cryptofeed capture line nor a JSON object";
  }
  // `<integer> <json>` (raw capture) or `<sec.frac>: <frame>` (cryptofeed).
  std::uint64_t value = 0;
  const auto [after, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
  const std::size_t pos = static_cast<std::size_t>(after - line.data());
  if (ec == std::errc() && pos < line.size() && line[pos] == ' ') {
    if (!integer_time(value, prefix)) return "receive time out of range";
    prefix.payload = line.substr(pos + 1);
    return {};
  }
  prefix.format = RecordingFormat::cryptofeed_raw;
  const std::size_t end = seconds_time(line, 0, prefix);
  if (end == std::string_view::npos || line.substr(end, 2) != ": ") {
    return "bad receive time: expected `<recv_time> <json>` or `<seconds>: <frame>`";
  }
  prefix.payload = line.substr(end + 2);
  return {};
}

std::string symbol_from_url(std::string_view url) {
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view params = url.substr(query + 1);
  while (!params.empty()) {
    const std::size_t amp = params.find('&');
    const std::string_view param = params.substr(0, amp);
    if (starts_with(param, "symbol=")) return to_upper(param.substr(7));
    if (amp == std::string_view::npos) break;
    params.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace depthrec

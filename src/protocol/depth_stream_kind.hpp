// Which kind of depth a combined stream name carries: "<sym>@depth<digits>[@speed]" is partial
// depth (the top N levels), "<sym>@depth[@speed]" or no stream name (a raw connection) is diff.
#pragma once

#include <string_view>

#include "depthrec/depth_event.hpp"

namespace depthrec::json {

inline DepthKind depth_kind_of_stream(std::string_view stream) {
  constexpr std::string_view kDepth = "@depth";
  const std::size_t at = stream.find(kDepth);
  if (at == std::string_view::npos) return DepthKind::diff;
  const std::size_t next = at + kDepth.size();
  const bool digit = next < stream.size() && stream[next] >= '0' && stream[next] <= '9';
  return digit ? DepthKind::partial : DepthKind::diff;
}

}  // namespace depthrec::json

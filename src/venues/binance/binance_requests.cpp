#include "venues/binance/binance_requests.hpp"

namespace depthrec::venues::binance {

std::string_view to_string(StreamMethod method) {
  return method == StreamMethod::subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
}

std::string stream_request(StreamMethod method, const std::vector<std::string_view>& names,
                           std::uint64_t id) {
  std::string json = "{\"method\":\"";
  json += to_string(method);
  json += "\",\"params\":[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) json += ',';
    json += '"';
    json += names[i];
    json += '"';
  }
  json += "],\"id\":";
  json += std::to_string(id);
  json += '}';
  return json;
}

}  // namespace depthrec::venues::binance

#include "plan/stream_requests.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace depthrec::plan {

StreamRequestBuilder::StreamRequestBuilder(std::shared_ptr<const venues::VenueRules> rules,
                                           std::size_t max_streams_per_request)
    : rules_(std::move(rules)),
      max_streams_per_request_(std::max<std::size_t>(1, max_streams_per_request)) {}

std::vector<StreamRequest> StreamRequestBuilder::build(const SubscriptionTable& table,
                                                       const PlanChange& change) {
  std::vector<StreamRequest> requests;
  for (const StreamCommand& command : change.subscribe) {
    append(table, command, venues::StreamMethod::subscribe, requests);
  }
  for (const StreamCommand& command : change.unsubscribe) {
    append(table, command, venues::StreamMethod::unsubscribe, requests);
  }
  return requests;
}

void StreamRequestBuilder::append(const SubscriptionTable& table, const StreamCommand& command,
                                  venues::StreamMethod method, std::vector<StreamRequest>& out) {
  for (std::size_t first = 0; first < command.streams.size(); first += max_streams_per_request_) {
    const std::size_t last = std::min(command.streams.size(), first + max_streams_per_request_);
    StreamRequest request;
    request.connection = command.connection;
    request.method = method;
    request.streams.assign(command.streams.begin() + static_cast<std::ptrdiff_t>(first),
                           command.streams.begin() + static_cast<std::ptrdiff_t>(last));
    std::vector<std::string_view> names;
    names.reserve(request.streams.size());
    for (StreamId id : request.streams) names.push_back(table.name(id));
    request.id = next_id_++;
    request.text =
        rules_->stream_request(table.key(request.streams.front()).venue, method, names, request.id);
    out.push_back(std::move(request));
  }
}

}  // namespace depthrec::plan

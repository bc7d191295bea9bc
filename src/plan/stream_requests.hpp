// Turns a plan change into the live requests to send: SUBSCRIBE / UNSUBSCRIBE messages, many
// streams per message (at most `max_streams_per_request`), in connection order, each with its own
// id (the server echoes it in its answer; ids count up from 1 over the builder's life).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plan/connection_planner.hpp"
#include "venues/venue_rules.hpp"

namespace depthrec::plan {

struct StreamRequest {
  std::uint32_t connection = 0;
  venues::StreamMethod method = venues::StreamMethod::subscribe;
  std::vector<StreamId> streams;
  std::uint64_t id = 0;
  // The socket it must go on (a connection's opening SUBSCRIBEs: its streams beyond the URL, on
  // that socket); 0: whichever socket carries the connection when it leaves.
  std::uint64_t conn_id = 0;
  std::string text;  // the message, e.g. {"method":"SUBSCRIBE","params":[...],"id":3}
};

class StreamRequestBuilder {
 public:
  // Binance answers a request with too many parameters with an error (code 2) and documents no
  // number; 200 a message keeps a 1024-stream connection to 6 messages.
  static constexpr std::size_t kDefaultMaxStreamsPerRequest = 200;

  StreamRequestBuilder(std::shared_ptr<const venues::VenueRules> rules,
                       std::size_t max_streams_per_request = kDefaultMaxStreamsPerRequest);

  // The change's SUBSCRIBEs, then its UNSUBSCRIBEs (names looked up in `table`, which must still
  // hold the removed keys' names: it does, ids are never reused).
  std::vector<StreamRequest> build(const SubscriptionTable& table, const PlanChange& change);

 private:
  void append(const SubscriptionTable& table, const StreamCommand& command,
              venues::StreamMethod method, std::vector<StreamRequest>& out);

  std::shared_ptr<const venues::VenueRules> rules_;
  std::size_t max_streams_per_request_;
  std::uint64_t next_id_ = 1;
};

}  // namespace depthrec::plan

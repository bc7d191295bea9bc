// The placement rule of a recorder's run: a symbol's bookTicker rides on its depth stream's
// connection (one FeedSession takes both, and checks a ticker against the connection its book
// follows). The planner places keys in key order, so a pair may be split at a connection's last
// slot: planning one slot below the venue's limit keeps the connection that takes the pair's
// second stream within the limit. The engine (session/engine_wiring.cpp) and depthrec
// --check-config (cli/run_plan.cpp) plan with it.
#pragma once

#include "venues/venue_rules.hpp"

namespace depthrec::plan {

class PairedStreamRules final : public venues::VenueRules {
 public:
  using venues::VenueRules::VenueRules;
  venues::ConnectionLimits limits(const venues::ConnectionGroup& group) const override {
    venues::ConnectionLimits limits = venues::VenueRules::limits(group);
    if (limits.max_streams_per_connection > 1) --limits.max_streams_per_connection;
    return limits;
  }
};

}  // namespace depthrec::plan

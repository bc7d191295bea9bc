// --realtime-priority: the range validate() accepts, and that the probe never changes the policy of
// the thread that asks (it tries on a thread of its own).
#include "session/realtime_priority.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <stdexcept>

#include "depthrec/recorder_config.hpp"

namespace depthrec {
namespace {

TEST(RealtimePriority, ValidateRefusesPrioritiesOutsideFifoRange) {
  RecorderConfig config;
  config.symbol = "BTCUSDT";
  ASSERT_EQ(validate(config), "") << "0 (off) is the default and valid";
  for (int priority : {-1, 100, 1000}) {
    config.realtime_priority = priority;
    EXPECT_EQ(validate(config), "--realtime-priority must be 0 (off) or 1 to 99") << priority;
  }
  EXPECT_NE(session::realtime_priority_refusal(0), "");
  EXPECT_NE(session::realtime_priority_refusal(100), "");
}

TEST(RealtimePriority, TheProbeLeavesTheCallersPolicyAlone) {
  const int before = sched_getscheduler(0);
  const std::string refusal = session::realtime_priority_refusal(1);
  EXPECT_EQ(sched_getscheduler(0), before);
  // validate() checks the range only (it runs for every stream's config); a run asks the probe
  // once, and a refusal names the flag and what would allow it.
  RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.realtime_priority = 1;
  EXPECT_EQ(validate(config), "");
  if (refusal.empty()) {
    EXPECT_NO_THROW(session::require_realtime_priority_allowed(1));
  } else {
    EXPECT_NE(refusal.find("LimitRTPRIO=1"), std::string::npos) << refusal;
    EXPECT_THROW(session::require_realtime_priority_allowed(1), std::runtime_error);
  }
  EXPECT_NO_THROW(session::require_realtime_priority_allowed(0)) << "0 is off";
}

}  // namespace
}  // namespace depthrec

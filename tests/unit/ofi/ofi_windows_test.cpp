// Time and count windows, and what a gap does to them.
#include <gtest/gtest.h>

#include "ofi_test_support.hpp"

namespace depthrec::ofi::test {
namespace {

const Levels kWindowBids{{"100", "2"}};
const Levels kWindowAsks{{"101", "3"}};
// The bid quantity changes by +1 at every state: each transition contributes exactly +1.
TopOfBook growing(std::uint64_t id, std::int64_t event_ms) {
  return state(id, event_ms, {{"100", std::to_string(id)}}, kWindowAsks);
}
// The same state as the recorder publishes it once per break: the book is not synced.
TopOfBook unsynced(std::uint64_t id, std::int64_t event_ms) {
  TopOfBook top = growing(id, event_ms);
  top.synced = false;
  return top;
}

TEST(OfiWindows, TimeWindowsAreAlignedOnTheEventClockAndOwnTheTransitionIntoThem) {
  Collected out;
  OfiCalculator calculator(time_windows(1000), out.sink());
  calculator.on_top(growing(1, 1000));
  calculator.on_top(growing(2, 1500));
  calculator.on_top(growing(3, 1999));
  calculator.on_top(growing(4, 2000));  // closes [1000, 2000)
  calculator.on_top(growing(5, 3500));  // closes [2000, 3000)
  calculator.on_top(growing(6, 5200));  // closes [3000, 4000); [4000, 5000) had no state
  ASSERT_EQ(out.windows.size(), 3u);
  EXPECT_EQ(out.windows[0].start_ms, 1000);
  EXPECT_EQ(out.windows[0].end_ms, 2000);
  EXPECT_EQ(out.windows[0].events, 3u);
  EXPECT_EQ(out.windows[0].transitions, 2u);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, 2.0);
  EXPECT_EQ(out.windows[0].first_id, 1u);
  EXPECT_EQ(out.windows[0].last_id, 3u);
  EXPECT_TRUE(out.windows[0].complete);
  EXPECT_FALSE(out.windows[0].gap) << "the first state of a run is not a gap";
  EXPECT_EQ(out.windows[1].start_ms, 2000);
  EXPECT_EQ(out.windows[1].events, 1u);
  EXPECT_EQ(out.windows[1].transitions, 1u) << "state 3 -> 4 belongs to the window of state 4";
  EXPECT_DOUBLE_EQ(out.windows[1].ofi, 1.0);
  EXPECT_EQ(out.windows[2].start_ms, 3000);
  EXPECT_EQ(out.windows[2].end_ms, 4000);
  calculator.finish();
  ASSERT_EQ(out.windows.size(), 4u);
  EXPECT_EQ(out.windows[3].start_ms, 5000);
  EXPECT_FALSE(out.windows[3].complete);
  EXPECT_EQ(calculator.counters().windows, 4u);
  EXPECT_EQ(calculator.counters().transitions, 5u);
  calculator.finish();
  EXPECT_EQ(out.windows.size(), 4u) << "nothing new: nothing emitted";
}

TEST(OfiWindows, AClockGoingBackStaysInTheOpenWindow) {
  Collected out;
  OfiCalculator calculator(time_windows(100), out.sink());
  calculator.on_top(growing(1, 1050));
  calculator.on_top(growing(2, 990));  // earlier than the window's start: stays in it
  calculator.on_top(growing(3, 1100));
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].start_ms, 1000);
  EXPECT_EQ(out.windows[0].events, 2u);
}

TEST(OfiWindows, ReceiveClockUsesTheLocalReceiveTime) {
  Collected out;
  OfiCalculator calculator(time_windows(1000, 1, WindowClock::receive_time), out.sink());
  TopOfBook first = growing(1, 1000);
  TopOfBook second = growing(2, 1001);
  first.recv_ns = 7'999'000'000;   // 7999 ms
  second.recv_ns = 8'000'000'000;  // 8000 ms: a new window although E hardly moved
  calculator.on_top(first);
  calculator.on_top(second);
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].start_ms, 7000);
  EXPECT_EQ(out.windows[0].end_ms, 8000);
}

TEST(OfiWindows, CountWindowsCloseAtTheirNthStateAndSpanItsClock) {
  Collected out;
  OfiCalculator calculator(count_windows(2), out.sink());
  for (std::uint64_t id = 1; id <= 5; ++id)
    calculator.on_top(growing(id, 1000 + static_cast<std::int64_t>(id) * 10));
  ASSERT_EQ(out.windows.size(), 2u);
  EXPECT_EQ(out.windows[0].start_ms, 1010);
  EXPECT_EQ(out.windows[0].end_ms, 1020);
  EXPECT_EQ(out.windows[0].transitions, 1u);
  EXPECT_EQ(out.windows[1].start_ms, 1030);
  EXPECT_EQ(out.windows[1].transitions, 2u) << "2 -> 3 and 3 -> 4";
  EXPECT_DOUBLE_EQ(out.windows[1].ofi, 2.0);
  calculator.finish();
  ASSERT_EQ(out.windows.size(), 3u);
  EXPECT_EQ(out.windows[2].events, 1u);
  EXPECT_FALSE(out.windows[2].complete);
}

TEST(OfiGaps, IdsThatDoNotContinueRestartTheChainAndFlagTheWindow) {
  Collected out;
  OfiCalculator calculator(count_windows(10), out.sink());
  calculator.on_top(growing(1, 1000));
  calculator.on_top(growing(2, 1001));   // +1
  TopOfBook jump = growing(9, 1002);     // pu 8 != 2: events 3..8 were missed
  calculator.on_top(jump);               // no transition across the gap
  calculator.on_top(growing(10, 1003));  // +1, from the new chain
  calculator.finish();
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].events, 4u);
  EXPECT_EQ(out.windows[0].transitions, 2u);
  EXPECT_EQ(out.windows[0].gaps, 1u);
  EXPECT_TRUE(out.windows[0].gap);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, 2.0) << "7 units of bid growth across the gap not counted";
  EXPECT_EQ(calculator.counters().breaks, 1u);
}

TEST(OfiGaps, UnsyncedStatesAreSkippedAndNoOfiSpansThem) {
  Collected out;
  OfiCalculator calculator(time_windows(1000), out.sink());
  calculator.on_top(growing(1, 1000));
  calculator.on_top(growing(2, 1100));  // +1
  calculator.on_top(unsynced(3, 1200));
  calculator.on_top(growing(4, 2100));  // ids continue, but the chain was broken: no transition
  calculator.on_top(growing(5, 2200));  // +1
  calculator.finish();
  ASSERT_EQ(out.windows.size(), 2u);
  EXPECT_EQ(out.windows[0].events, 2u);
  EXPECT_EQ(out.windows[0].skipped, 1u);
  EXPECT_TRUE(out.windows[0].gap);
  EXPECT_EQ(out.windows[0].gaps, 0u) << "the chain restarts in the next window";
  EXPECT_EQ(out.windows[1].events, 2u);
  EXPECT_EQ(out.windows[1].transitions, 1u);
  EXPECT_EQ(out.windows[1].gaps, 1u);
  EXPECT_TRUE(out.windows[1].gap);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi + out.windows[1].ofi, 2.0);
  EXPECT_EQ(calculator.counters().skipped, 1u);
}

TEST(OfiGaps, UnsyncedStatesBeforeTheFirstSyncedOneAreNotABreak) {
  Collected out;
  OfiCalculator calculator(count_windows(2), out.sink());
  calculator.on_top(unsynced(1, 1000));
  calculator.on_top(growing(2, 1001));
  calculator.on_top(growing(3, 1002));
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].gaps, 0u);
  EXPECT_EQ(out.windows[0].skipped, 1u);
  EXPECT_EQ(out.windows[0].transitions, 1u);
}

// The unsynced state that follows a full window is skipped in the next one, which starts at its
// first synced state, like first_id (a recording holds no unsynced state to start a window on).
TEST(OfiGaps, ACountWindowStartsAtItsFirstSyncedStateNotAtASkippedOne) {
  Collected out;
  OfiCalculator calculator(count_windows(2), out.sink());
  calculator.on_top(growing(1, 1000));
  calculator.on_top(growing(2, 1010));
  calculator.on_top(unsynced(5, 1020));
  calculator.on_top(growing(9, 1050));
  calculator.on_top(growing(10, 1060));
  ASSERT_EQ(out.windows.size(), 2u);
  EXPECT_EQ(out.windows[1].start_ms, 1050);
  EXPECT_EQ(out.windows[1].first_id, 9u);
  EXPECT_EQ(out.windows[1].end_ms, 1060);
  EXPECT_EQ(out.windows[1].skipped, 1u);
  EXPECT_EQ(out.windows[1].events, 2u);
}

TEST(OfiGaps, SpotDiffContinuityIsUEqualsPreviousUPlusOne) {
  Collected out;
  OfiCalculator calculator(count_windows(3), out.sink());
  auto spot = [](std::uint64_t first, std::uint64_t last, std::int64_t e, const char* qty) {
    TopOfBook top = state(last, e, {{"100", qty}}, kWindowAsks);
    top.first_id = first;
    top.has_prev_final_id = false;
    return top;
  };
  calculator.on_top(spot(1, 5, 1000, "1"));
  calculator.on_top(spot(6, 9, 1001, "2"));    // continues: +1
  calculator.on_top(spot(11, 12, 1002, "4"));  // 10 missing: restart
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].transitions, 1u);
  EXPECT_EQ(out.windows[0].gaps, 1u);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, 1.0);
}

TEST(OfiGaps, SpotPartialDepthOnlyNeedsIncreasingIds) {
  Collected out;
  OfiCalculator calculator(count_windows(3), out.sink());
  auto partial = [](std::uint64_t id, const char* qty) {
    TopOfBook top = state(id, 0, {{"100", qty}}, kWindowAsks);  // spot partial depth has no E
    top.has_prev_final_id = false;
    top.kind = DepthKind::partial;
    return top;
  };
  calculator.on_top(partial(100, "1"));
  calculator.on_top(partial(180, "3"));  // +2
  calculator.on_top(partial(150, "4"));  // older than the last one: restart
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].transitions, 1u);
  EXPECT_EQ(out.windows[0].gaps, 1u);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, 2.0);
}

}  // namespace
}  // namespace depthrec::ofi::test

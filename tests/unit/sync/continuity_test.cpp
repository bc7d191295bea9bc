#include "depthrec/continuity.hpp"

#include <gtest/gtest.h>

#include "unit/sync/sync_events.hpp"

namespace depthrec {
namespace {

using test::futures_event;
using test::spot_event;

TEST(Continuity, FuturesFollowsPrevFinalId) {
  ContinuityChecker checker(Market::usdm);
  EXPECT_EQ(checker.check(futures_event(100, 110, 95)).result, Continuity::first);
  EXPECT_EQ(checker.check(futures_event(111, 120, 110)).result, Continuity::continuous);
  // Futures ids are shared across symbols: U jumps, only pu matters.
  EXPECT_EQ(checker.check(futures_event(150, 170, 120)).result, Continuity::continuous);
  EXPECT_EQ(checker.last_final_id(), 170u);
}

TEST(Continuity, FuturesGapReportsExpectedAndGot) {
  ContinuityChecker checker(Market::coinm);
  checker.check(futures_event(100, 110, 95));
  const ContinuityVerdict verdict = checker.check(futures_event(130, 140, 125));
  EXPECT_EQ(verdict.result, Continuity::gap);
  EXPECT_EQ(verdict.rule, GapRule::prev_final_id);
  EXPECT_EQ(gap_reason(verdict.rule), "pu_mismatch");
  EXPECT_EQ(verdict.last_final_id, 110u);
  EXPECT_EQ(verdict.expected, 110u);
  EXPECT_EQ(verdict.got_first_id, 130u);
  EXPECT_TRUE(verdict.has_got_prev_final_id);
  EXPECT_EQ(verdict.got_prev_final_id, 125u);
  EXPECT_EQ(verdict.got_final_id, 140u);
  // Checking goes on from the event after the gap.
  EXPECT_EQ(checker.check(futures_event(141, 150, 140)).result, Continuity::continuous);
}

TEST(Continuity, StaleAndDuplicateAreDroppedWithoutMovingTheReference) {
  ContinuityChecker checker(Market::usdm);
  checker.check(futures_event(100, 110, 95));
  checker.check(futures_event(111, 120, 110));
  EXPECT_EQ(checker.check(futures_event(111, 120, 110)).result, Continuity::stale);  // duplicate
  EXPECT_EQ(checker.check(futures_event(100, 110, 95)).result, Continuity::stale);   // older
  EXPECT_EQ(checker.last_final_id(), 120u);
  EXPECT_EQ(checker.check(futures_event(121, 130, 120)).result, Continuity::continuous);
}

TEST(Continuity, FuturesEventWithoutPrevFinalIdIsAGap) {
  ContinuityChecker checker(Market::usdm);
  checker.check(futures_event(100, 110, 95));
  const ContinuityVerdict verdict = checker.check(spot_event(111, 120));
  EXPECT_EQ(verdict.result, Continuity::gap);
  EXPECT_FALSE(verdict.has_got_prev_final_id);
}

TEST(Continuity, SpotFollowsFirstIdAndAcceptsOverlap) {
  ContinuityChecker checker(Market::spot);
  EXPECT_EQ(checker.check(spot_event(100, 110)).result, Continuity::first);
  EXPECT_EQ(checker.check(spot_event(111, 120)).result, Continuity::continuous);
  EXPECT_EQ(checker.check(spot_event(115, 125)).result, Continuity::continuous);  // overlap
  EXPECT_EQ(checker.check(spot_event(120, 125)).result, Continuity::stale);
  const ContinuityVerdict verdict = checker.check(spot_event(127, 130));
  EXPECT_EQ(verdict.result, Continuity::gap);
  EXPECT_EQ(verdict.rule, GapRule::first_id);
  EXPECT_EQ(gap_reason(verdict.rule), "u_gap");
  EXPECT_EQ(verdict.last_final_id, 125u);
  EXPECT_EQ(verdict.expected, 126u);
  EXPECT_EQ(verdict.got_first_id, 127u);
  EXPECT_EQ(verdict.got_final_id, 130u);
}

TEST(Continuity, SpotPartialDepthOnlyNeedsNewerIds) {
  ContinuityChecker checker(Market::spot);
  DepthUpdate partial = spot_event(500, 500);
  partial.kind = DepthKind::partial;
  EXPECT_EQ(checker.check(partial).result, Continuity::first);
  partial.first_id = partial.final_id = 900;  // ids between two views are not sent
  EXPECT_EQ(checker.check(partial).result, Continuity::continuous);
  EXPECT_EQ(checker.check(partial).result, Continuity::stale);
}

TEST(Continuity, FuturesPartialDepthIsCheckedByPrevFinalId) {
  ContinuityChecker checker(Market::usdm);
  DepthUpdate partial = futures_event(100, 110, 90);
  partial.kind = DepthKind::partial;
  checker.check(partial);
  partial = futures_event(200, 210, 110);
  partial.kind = DepthKind::partial;
  EXPECT_EQ(checker.check(partial).result, Continuity::continuous);
  partial = futures_event(300, 310, 250);
  partial.kind = DepthKind::partial;
  EXPECT_EQ(checker.check(partial).result, Continuity::gap);
}

TEST(Continuity, ResetAndRestart) {
  ContinuityChecker checker(Market::spot);
  checker.check(spot_event(100, 110));
  checker.reset();
  EXPECT_FALSE(checker.has_last());
  EXPECT_EQ(checker.check(spot_event(500, 510)).result, Continuity::first);
  checker.restart_from(600);
  EXPECT_EQ(checker.check(spot_event(601, 610)).result, Continuity::continuous);
  EXPECT_EQ(to_string(Continuity::stale), "stale");
}

}  // namespace
}  // namespace depthrec

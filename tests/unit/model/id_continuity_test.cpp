// IdContinuity: consecutive ids (trade t, aggTrade a) per stream.
#include <gtest/gtest.h>

#include "depthrec/id_continuity.hpp"

namespace depthrec {
namespace {

TEST(IdContinuity, FirstThenConsecutiveIds) {
  IdContinuity c;
  EXPECT_EQ(c.step(100).kind, IdStepKind::first);
  EXPECT_EQ(c.step(101).kind, IdStepKind::next);
  EXPECT_EQ(c.step(102).kind, IdStepKind::next);
  EXPECT_EQ(c.last(), 102u);
}

TEST(IdContinuity, AJumpIsAGapWithTheMissingRange) {
  IdContinuity c;
  c.step(100);
  const IdStep gap = c.step(105);
  EXPECT_EQ(gap.kind, IdStepKind::gap);
  EXPECT_EQ(gap.from, 101u);
  EXPECT_EQ(gap.to, 104u);
  EXPECT_EQ(gap.missing, 4u);
  EXPECT_EQ(gap.last, 100u);
  EXPECT_EQ(c.step(106).kind, IdStepKind::next);  // the gap's id is the new last
}

TEST(IdContinuity, DuplicatesAndOlderIdsAreNotAccepted) {
  IdContinuity c;
  c.step(100);
  c.step(101);
  EXPECT_EQ(c.step(101).kind, IdStepKind::duplicate);
  EXPECT_EQ(c.step(50).kind, IdStepKind::backwards);
  EXPECT_EQ(c.last(), 101u);  // neither moved it
  EXPECT_EQ(c.step(102).kind, IdStepKind::next);
}

TEST(IdContinuity, ResetStartsOver) {
  IdContinuity c;
  c.step(100);
  c.reset();
  EXPECT_EQ(c.step(7).kind, IdStepKind::first);
}

}  // namespace
}  // namespace depthrec

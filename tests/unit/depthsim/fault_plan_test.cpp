#include <gtest/gtest.h>

#include "fault_plan.hpp"

namespace depthsim {
namespace {

TEST(FaultPlan, ParsesKindIndexAndArgument) {
  std::string error;
  auto gap = parse_planned_fault("gap@100", error);
  ASSERT_TRUE(gap) << error;
  EXPECT_EQ(gap->fault.kind, FaultKind::gap);
  EXPECT_EQ(gap->event_index, 100u);
  auto stall = parse_planned_fault("stall@5:2.5", error);
  ASSERT_TRUE(stall) << error;
  EXPECT_DOUBLE_EQ(stall->fault.arg, 2.5);
  auto stall_default = parse_planned_fault("stall@5", error);
  ASSERT_TRUE(stall_default);
  EXPECT_DOUBLE_EQ(stall_default->fault.arg, 5.0);
  auto oversized = parse_planned_fault("oversized@1", error);
  ASSERT_TRUE(oversized);
  EXPECT_DOUBLE_EQ(oversized->fault.arg, 10.0 * 1024 * 1024);
}

TEST(FaultPlan, RejectsBadSpecsWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_planned_fault("gap", error));
  EXPECT_NE(error.find("KIND@EVENT_INDEX"), std::string::npos);
  EXPECT_FALSE(parse_planned_fault("teleport@3", error));
  EXPECT_NE(error.find("unknown kind"), std::string::npos);
  EXPECT_FALSE(parse_planned_fault("gap@0", error));
  EXPECT_FALSE(parse_planned_fault("gap@x", error));
  EXPECT_FALSE(parse_planned_fault("stall@3:-1", error));
  EXPECT_FALSE(parse_planned_fault("stall@3:abc", error));
}

TEST(FaultPlan, EveryKindRoundTripsAndIsClassified) {
  for (const char* name :
       {"gap", "duplicate", "reorder", "stale", "drop", "close", "reset", "stall", "no_pong",
        "ignore_pong", "server_shutdown", "malformed", "oversized", "binary", "bad_utf8",
        "wrong_symbol", "wrong_type", "missing_field", "bad_number"}) {
    auto kind = parse_fault_kind(name);
    ASSERT_TRUE(kind) << name;
    EXPECT_EQ(fault_name(*kind), name);
    const int classes =
        is_sequence_fault(*kind) + is_connection_fault(*kind) + is_payload_fault(*kind);
    EXPECT_EQ(classes, 1) << name;
  }
}

TEST(FaultPlan, TakesFaultsOncePerIndex) {
  FaultPlan plan;
  std::string error;
  plan.add(*parse_planned_fault("gap@3", error));
  plan.add(*parse_planned_fault("duplicate@3", error));
  plan.add(*parse_planned_fault("close@9", error));
  EXPECT_TRUE(plan.take(1).empty());
  const std::vector<StreamFault> at_three = plan.take(3);
  ASSERT_EQ(at_three.size(), 2u);
  EXPECT_EQ(at_three[0].kind, FaultKind::gap);
  EXPECT_EQ(at_three[1].kind, FaultKind::duplicate);
  EXPECT_TRUE(plan.take(3).empty());
  EXPECT_FALSE(plan.empty());
  EXPECT_EQ(plan.take(9).size(), 1u);
  EXPECT_TRUE(plan.empty());
}

TEST(FaultPlan, RestFaults) {
  std::string error;
  auto too_many = parse_rest_fault("429:3", error);
  ASSERT_TRUE(too_many) << error;
  EXPECT_EQ(too_many->kind, RestFaultKind::too_many_requests);
  EXPECT_EQ(too_many->count, 3u);
  auto stale = parse_rest_fault("rest_stale", error);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->count, 1u);
  EXPECT_EQ(rest_fault_name(stale->kind), "rest_stale");
  auto info = parse_rest_fault("info_malformed:2", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->kind, RestFaultKind::info_malformed);
  EXPECT_EQ(rest_fault_name(info->kind), "rest_info_malformed");
  for (const char* name : {"418", "500", "timeout", "truncated"})
    EXPECT_TRUE(parse_rest_fault(name, error)) << name;
  EXPECT_FALSE(parse_rest_fault("404", error));
  EXPECT_FALSE(parse_rest_fault("429:0", error));
  EXPECT_FALSE(parse_rest_fault("429:many", error));
}

TEST(FaultPlan, TargetsNameSymbolsOrACountPickedBySeed) {
  std::string error;
  auto named = parse_planned_fault("gap@20/ethusdt+spot:SOLUSDT", error);
  ASSERT_TRUE(named) << error;
  EXPECT_EQ(named->event_index, 20u);
  EXPECT_EQ(named->symbols, (std::vector<std::string>{"ETHUSDT", "spot:SOLUSDT"}));
  auto with_arg = parse_planned_fault("stall@5:2.5/BTCUSDT", error);
  ASSERT_TRUE(with_arg) << error;
  EXPECT_DOUBLE_EQ(with_arg->fault.arg, 2.5);
  EXPECT_EQ(with_arg->symbols, (std::vector<std::string>{"BTCUSDT"}));
  auto counted = parse_planned_fault("gap@100/10", error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->symbol_count, 10u);
  EXPECT_TRUE(counted->symbols.empty());
  auto everyone = parse_planned_fault("gap@100", error);
  ASSERT_TRUE(everyone);
  EXPECT_TRUE(everyone->symbols.empty());
  EXPECT_EQ(everyone->symbol_count, 0u);
  for (const char* bad : {"gap@1/", "gap@1/0", "gap@1/mars:BTCUSDT", "gap@1/BTC USDT",
                          "gap@1/BTCUSDT+", "gap@1/../x"}) {
    EXPECT_FALSE(parse_planned_fault(bad, error)) << bad;
  }
}

}  // namespace
}  // namespace depthsim

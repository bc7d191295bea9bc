#include <gtest/gtest.h>

#include <string>

#include "depthrec/snapshot.hpp"

namespace depthrec {
namespace {

Decimal dec(std::string_view text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

TEST(SnapshotParser, FuturesBodyWithTimes) {
  const std::string body =
      R"({"lastUpdateId":4984028384061,"E":1721347022759,"T":1721347022750,)"
      R"("bids":[["63943.90","46.372"],["63943.80","0.007"]],"asks":[["63944.00","0.1"]]})";
  DepthSnapshot snapshot;
  ASSERT_EQ(parse_snapshot(body, snapshot), ParseError::none);
  EXPECT_EQ(snapshot.last_update_id, 4984028384061u);
  EXPECT_EQ(snapshot.event_time_ms, 1721347022759);
  EXPECT_EQ(snapshot.transaction_time_ms, 1721347022750);
  ASSERT_EQ(snapshot.bids.size(), 2u);
  EXPECT_EQ(snapshot.bids[0], (PriceLevel{dec("63943.9"), dec("46.372")}));
  EXPECT_EQ(snapshot.asks[0], (PriceLevel{dec("63944"), dec("0.1")}));
  EXPECT_EQ(snapshot.bids_json, R"([["63943.90","46.372"],["63943.80","0.007"]])");
  EXPECT_EQ(snapshot.asks_json, R"([["63944.00","0.1"]])");
  EXPECT_EQ(snapshot.bids_json.data(), body.data() + body.find("[["));
}

TEST(SnapshotParser, SpotBodyWithoutTimesAndEmptySides) {
  DepthSnapshot snapshot;
  snapshot.event_time_ms = 5;  // stale values from an earlier parse are cleared
  snapshot.bids.push_back(PriceLevel{});
  ASSERT_EQ(parse_snapshot(R"({"lastUpdateId":50093239218,"bids":[],"asks":[]})", snapshot),
            ParseError::none);
  EXPECT_EQ(snapshot.last_update_id, 50093239218u);
  EXPECT_EQ(snapshot.event_time_ms, 0);
  EXPECT_EQ(snapshot.transaction_time_ms, 0);
  EXPECT_TRUE(snapshot.bids.empty());
  EXPECT_EQ(snapshot.bids_json, "[]");
}

TEST(SnapshotParser, WideQuantitiesAreExactAndLevelPricesBounded) {
  const std::string body = R"({"lastUpdateId":7,"bids":[["0.00001234","12345678901234.00"]],)"
                           R"("asks":[["0.00001235","10000000000000.12345678"]]})";
  DepthSnapshot snapshot;
  ASSERT_EQ(parse_snapshot(body, snapshot), ParseError::none);
  EXPECT_EQ(snapshot.bids[0], (PriceLevel{dec("0.00001234"), dec("12345678901234")}));
  EXPECT_EQ(to_string(snapshot.asks[0].qty), "10000000000000.12345678");
  EXPECT_EQ(parse_snapshot(R"({"lastUpdateId":7,"bids":[["92233720368.54775808","1"]],"asks":[]})",
                           snapshot),
            ParseError::bad_decimal);
}

TEST(SnapshotParser, RefusesBadBodies) {
  const std::pair<const char*, ParseError> cases[] = {
      {"", ParseError::malformed_json},
      {"<html>429 Too Many Requests</html>", ParseError::malformed_json},
      {R"({"code":-1121,"msg":"Invalid symbol."})", ParseError::missing_field},
      {R"([1])", ParseError::not_an_object},
      {R"({"bids":[],"asks":[]})", ParseError::missing_field},
      {R"({"lastUpdateId":1,"asks":[]})", ParseError::missing_field},
      {R"({"lastUpdateId":"1","bids":[],"asks":[]})", ParseError::wrong_type},
      {R"({"lastUpdateId":1,"bids":{},"asks":[]})", ParseError::wrong_type},
      {R"({"lastUpdateId":1.5,"bids":[],"asks":[]})", ParseError::bad_number},
      {R"({"lastUpdateId":1,"E":-3,"bids":[],"asks":[]})", ParseError::bad_number},
      {R"({"lastUpdateId":1,"bids":[["1","x"]],"asks":[]})", ParseError::bad_decimal},
      {R"({"lastUpdateId":1,"bids":[[1,2]],"asks":[]})", ParseError::bad_level},
      // A REST body is never wrapped: the wrapper's payload is not taken for the snapshot.
      {R"({"stream":"x","data":{"lastUpdateId":1,"bids":[],"asks":[]}})",
       ParseError::missing_field},
  };
  for (const auto& [body, expected] : cases) {
    DepthSnapshot snapshot;
    EXPECT_EQ(parse_snapshot(body, snapshot), expected) << body;
  }
}

}  // namespace
}  // namespace depthrec

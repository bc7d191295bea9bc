#include <gtest/gtest.h>

#include "subscription_requests.hpp"

namespace depthsim {
namespace {

class SubscriptionRequests : public ::testing::Test {
 protected:
  RequestOutcome handle(const std::string& text) {
    return handle_subscription_request(
        text, state_, [](std::string_view stream) { return stream.substr(0, 8) == "btcusdt@"; }, 3);
  }
  SubscriptionState state_;
};

TEST_F(SubscriptionRequests, SubscribeListUnsubscribe) {
  RequestOutcome outcome = handle(
      R"({"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@bookTicker"],"id":1})");
  EXPECT_EQ(outcome.reply, R"({"result":null,"id":1})");
  EXPECT_EQ(outcome.added, (std::vector<std::string>{"btcusdt@depth@100ms", "btcusdt@bookTicker"}));
  // Subscribing again adds nothing.
  outcome = handle(R"({"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":2})");
  EXPECT_TRUE(outcome.added.empty());
  EXPECT_EQ(handle(R"({"method":"LIST_SUBSCRIPTIONS","id":3})").reply,
            R"({"result":["btcusdt@depth@100ms","btcusdt@bookTicker"],"id":3})");
  outcome = handle(R"({"method":"UNSUBSCRIBE","params":["btcusdt@depth@100ms"],"id":312})");
  EXPECT_EQ(outcome.reply, R"({"result":null,"id":312})");
  EXPECT_EQ(outcome.removed, std::vector<std::string>{"btcusdt@depth@100ms"});
  EXPECT_EQ(state_.streams, std::vector<std::string>{"btcusdt@bookTicker"});
}

TEST_F(SubscriptionRequests, CombinedProperty) {
  EXPECT_EQ(handle(R"({"method":"GET_PROPERTY","params":["combined"],"id":4})").reply,
            R"({"result":false,"id":4})");
  EXPECT_EQ(handle(R"({"method":"SET_PROPERTY","params":["combined",true],"id":5})").reply,
            R"({"result":null,"id":5})");
  EXPECT_TRUE(state_.combined);
  EXPECT_EQ(handle(R"({"method":"SET_PROPERTY","params":["combined","yes"],"id":6})").reply,
            R"({"code":1,"msg":"Invalid value type: expected Boolean","id":6})");
  EXPECT_EQ(handle(R"({"method":"SET_PROPERTY","params":["colour",true],"id":7})").reply,
            R"({"code":0,"msg":"Unknown property","id":7})");
  EXPECT_TRUE(state_.combined);
}

TEST_F(SubscriptionRequests, ErrorsChangeNothing) {
  EXPECT_EQ(handle("{not json").reply.substr(0, 30), R"({"code":3,"msg":"Invalid JSON:)");
  EXPECT_EQ(
      handle(R"({"method":"SUBSCRIBE","params":["btcusdt@depth"],"id":-1})").reply,
      R"({"code":2,"msg":"Invalid request: request ID must be an unsigned integer","id":null})");
  EXPECT_EQ(handle(R"({"method":"SUBSCRIB","params":[],"id":8})").reply,
            R"({"code":2,"msg":"Invalid request: unknown variant `SUBSCRIB`","id":8})");
  EXPECT_EQ(handle(R"({"params":[],"id":9})").reply,
            R"({"code":2,"msg":"Invalid request: missing field `method`","id":9})");
  EXPECT_EQ(
      handle(R"({"method":"SUBSCRIBE","params":["btcusdt@depth","ethusdt@depth"],"id":10})").reply,
      R"({"code":2,"msg":"Invalid request: invalid stream name 'ethusdt@depth'","id":10})");
  EXPECT_EQ(handle(R"({"method":"SUBSCRIBE","params":"btcusdt@depth","id":11})").reply,
            R"({"code":2,"msg":"Invalid request: `params` must be an array","id":11})");
  EXPECT_EQ(handle(R"({"method":"GET_PROPERTY","params":["combined",1],"id":12})").reply,
            R"({"code":2,"msg":"Invalid request: too many parameters","id":12})");
  const std::string too_many =
      R"({"method":"SUBSCRIBE","params":["btcusdt@a","btcusdt@b","btcusdt@c","btcusdt@d"],"id":13})";
  const std::string too_many_reply =
      R"json({"code":2,"msg":"Invalid request: too many streams (limit 3)","id":13})json";
  EXPECT_EQ(handle(too_many).reply, too_many_reply);
  EXPECT_TRUE(state_.streams.empty());
  EXPECT_FALSE(state_.combined);
}

}  // namespace
}  // namespace depthsim

// Issue 18: frames a hostile server could send. A duplicated key is refused (which value counts
// would be a guess, and a second "u" could leap the book ahead), an empty "s" or "stream" is
// refused (it would skip the recorder's symbol/stream check), and JSON-legal whitespace inside
// the level arrays is read like any other. Each case through both paths: the fast scanner (which
// declines these shapes) and the generic walk, which must agree.
#include <gtest/gtest.h>

#include <string>

#include "depthrec/frame_parser.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec {
namespace {

constexpr const char* kHead = R"({"e":"depthUpdate","E":1721347022504,"T":1721347022503,)";

ParseError parse_both(const std::string& text, Frame& frame) {
  FrameParserLimits generic;
  generic.depth_fast_path = false;
  FrameParser reference(generic);
  Frame reference_frame;
  const ParseError expected = reference.parse(text, reference_frame);
  FrameParser fast;
  const ParseError got = fast.parse(text, frame);
  EXPECT_EQ(got, expected) << text;
  return got;
}

TEST(FrameParserHostile, ADuplicatedKeyIsRefused) {
  Frame frame;
  const std::string body = R"("s":"BTCUSDT","U":100,"u":105,"pu":99,"b":[],"a":[])";
  ASSERT_EQ(parse_both(kHead + body + "}", frame), ParseError::none);
  // The leap ahead the issue describes: "u" again, 10^18 ahead.
  EXPECT_EQ(parse_both(kHead + body + R"(,"u":1000000000000000105})", frame),
            ParseError::duplicate_key);
  EXPECT_EQ(parse_both(std::string(kHead) + R"("s":"BTCUSDT","s":"ETHUSDT",)" +
                           R"("U":100,"u":105,"pu":99,"b":[],"a":[]})",
                       frame),
            ParseError::duplicate_key);
  EXPECT_EQ(parse_both(kHead + body + R"(,"b":[["1","2"]]})", frame), ParseError::duplicate_key);
  // In the combined wrapper, in the payload and of the wrapper's own keys.
  EXPECT_EQ(parse_both(
                R"({"stream":"btcusdt@depth","data":)" + std::string(kHead) + body + R"(,"pu":7}})",
                frame),
            ParseError::duplicate_key);
  EXPECT_EQ(parse_both(R"({"stream":"btcusdt@depth","stream":"x","data":)" + std::string(kHead) +
                           body + "}}",
                       frame),
            ParseError::duplicate_key);
  // Keys depthrec does not read may repeat (nothing is guessed from them).
  EXPECT_EQ(parse_both(kHead + body + R"(,"x":1,"x":2})", frame), ParseError::none);
  EXPECT_EQ(to_string(ParseError::duplicate_key), "duplicate_key");
}

TEST(FrameParserHostile, ASnapshotWithADuplicatedKeyIsRefused) {
  DepthSnapshot snapshot;
  EXPECT_EQ(parse_snapshot(R"({"lastUpdateId":5,"bids":[],"asks":[]})", snapshot),
            ParseError::none);
  EXPECT_EQ(parse_snapshot(R"({"lastUpdateId":5,"bids":[],"asks":[],"lastUpdateId":9})", snapshot),
            ParseError::duplicate_key);
}

TEST(FrameParserHostile, AnEmptySymbolOrStreamIsRefused) {
  Frame frame;
  const std::string body = R"("U":100,"u":105,"pu":99,"b":[],"a":[]})";
  EXPECT_EQ(parse_both(kHead + std::string(R"("s":"",)") + body, frame), ParseError::missing_field);
  EXPECT_EQ(
      parse_both(R"({"stream":"","data":)" + std::string(kHead) + R"("s":"BTCUSDT",)" + body + "}",
                 frame),
      ParseError::missing_field);
  EXPECT_EQ(
      parse_both(R"({"u":400900217,"s":"","b":"25.35","B":"31.2","a":"25.36","A":"40.6"})", frame),
      ParseError::missing_field)
      << "a spot bookTicker too";
  // A raw frame (no wrapper) has no stream at all, which is fine.
  EXPECT_EQ(parse_both(kHead + std::string(R"("s":"BTCUSDT",)") + body, frame), ParseError::none);
  EXPECT_TRUE(frame.stream.empty());
}

TEST(FrameParserHostile, WhitespaceInsideTheLevelArraysIsJsonAndIsRead) {
  Frame frame;
  const std::string text = std::string(kHead) +
                           "\"s\":\"BTCUSDT\",\"U\":100,\"u\":105,\"pu\":99,\"b\":[\r\n  [ "
                           "\"63943.90\" ,\t\"46.371\" ]\r\n],\"a\":[\n]}";
  ASSERT_EQ(parse_both(text, frame), ParseError::none);
  ASSERT_EQ(frame.depth.bids.size(), 1u);
  EXPECT_EQ(frame.depth.asks.size(), 0u);
  // The raw view is the text as received; the recorder drops the whitespace when it writes it.
  EXPECT_NE(frame.depth.bids_json.find('\n'), std::string_view::npos);
}

}  // namespace
}  // namespace depthrec

// The depthUpdate fast path against the generic JSON walk (FrameParserLimits::depth_fast_path =
// false), which is the reference: on every real frame, on systematic mutations of real frames and
// on hand-made edge cases, both parsers give the same error and, on success, the same frame
// (the same views into the text, not only equal text). And the fast path does take the frames it
// is for: every depthUpdate of the real captures.
#include "protocol/depth_frame_scanner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "depthrec/frame_parser.hpp"
#include "fast_path_checks.hpp"
#include "real_recording.hpp"

namespace depthrec {
namespace {

FrameParserLimits generic_only() {
  FrameParserLimits limits;
  limits.depth_fast_path = false;
  return limits;
}

bool inside(std::string_view view, std::string_view text) {
  return view.data() >= text.data() && view.data() + view.size() <= text.data() + text.size();
}

// Equal frames. Views into the text must be the same spans, not only equal text; a decoded
// (escaped) string lives in each parser's own storage, so it compares by content.
::testing::AssertionResult same_frame(const Frame& a, const Frame& b, std::string_view text) {
  const auto view_equal = [text](std::string_view x, std::string_view y) {
    if (x != y || inside(x, text) != inside(y, text)) return false;
    return x.empty() || !inside(x, text) || x.data() == y.data();
  };
  const DepthUpdate& x = a.depth;
  const DepthUpdate& y = b.depth;
  if (a.type != b.type) return ::testing::AssertionFailure() << "type";
  if (!view_equal(a.stream, b.stream)) return ::testing::AssertionFailure() << "stream";
  if (!view_equal(a.event_type, b.event_type)) return ::testing::AssertionFailure() << "e";
  if (x.kind != y.kind) return ::testing::AssertionFailure() << "kind";
  if (!view_equal(x.symbol, y.symbol)) return ::testing::AssertionFailure() << "s";
  if (x.event_time_ms != y.event_time_ms || x.transaction_time_ms != y.transaction_time_ms)
    return ::testing::AssertionFailure() << "E/T";
  if (x.first_id != y.first_id || x.final_id != y.final_id)
    return ::testing::AssertionFailure() << "U/u";
  if (x.prev_final_id != y.prev_final_id || x.has_prev_final_id != y.has_prev_final_id)
    return ::testing::AssertionFailure() << "pu";
  if (x.bids != y.bids || x.asks != y.asks) return ::testing::AssertionFailure() << "levels";
  if (!view_equal(x.bids_json, y.bids_json) || !view_equal(x.asks_json, y.asks_json))
    return ::testing::AssertionFailure() << "raw level spans";
  return ::testing::AssertionSuccess();
}

// Parses `text` with both parsers; they must agree. Returns the shared error.
ParseError expect_agree(const std::string& text) {
  static FrameParser fast;
  static FrameParser generic(generic_only());
  return testing::parsers_agree(fast, generic, text, same_frame);
}

bool scanned(const std::string& text, std::size_t max_levels = 10000) {
  Frame frame;
  return json::scan_depth_update(text, max_levels, frame);
}

std::vector<std::string> real_frames(const char* file) {
  std::vector<std::string> frames;
  for (auto& line : testing::read_recording(testing::real_data_path(file))) {
    frames.push_back(std::move(line.json));
  }
  return frames;
}

constexpr const char* kPayload =
    R"({"e":"depthUpdate","E":1721347022504,"T":1721347022503,"s":"BTCUSDT","U":100,"u":105,)"
    R"("pu":99,"b":[["63943.90","46.371"],["63943.80","0.000"]],"a":[["63944.00","0.095"]]})";

std::string wrapped(const std::string& payload, const std::string& stream = "btcusdt@depth") {
  return R"({"stream":")" + stream + R"(","data":)" + payload + "}";
}

TEST(DepthFrameScanner, EveryRealFrameParsesTheSameAndEveryDepthUpdateTakesTheFastPath) {
  for (const char* file : {"usdm_btcusdt_20240718.gz", "spot_btcusdt_20240808.gz"}) {
    std::size_t depth_updates = 0;
    std::size_t fast = 0;
    for (const std::string& text : real_frames(file)) {
      expect_agree(text);
      const bool is_depth = text.find(R"("e":"depthUpdate")") != std::string::npos;
      depth_updates += is_depth;
      const bool took_fast_path = scanned(text);
      fast += took_fast_path;
      EXPECT_EQ(took_fast_path, is_depth) << text.substr(0, 120);
    }
    EXPECT_GT(depth_updates, 3000u) << file;
    EXPECT_EQ(fast, depth_updates) << file;
  }
}

// Every byte of a real frame replaced by characters that matter to JSON, every byte deleted, and
// every prefix: the scanner must decline or agree, never answer differently.
TEST(DepthFrameScanner, MutatedRealFramesParseTheSameAsTheGenericWalk) {
  const auto frames = real_frames("usdm_btcusdt_20240718.gz");
  std::vector<std::string> samples;
  for (const std::string& text : frames) {
    if (text.find("depthUpdate") != std::string::npos && text.size() < 400) samples.push_back(text);
    if (samples.size() == 3) break;
  }
  ASSERT_EQ(samples.size(), 3u);
  samples.push_back(kPayload);
  const std::string replacements = std::string("\"\\,:[]{}0 9.-e") + '\0' + "\x80";
  testing::MutationCounts counts;
  for (const std::string& text : samples) {
    testing::count_mutations(
        text, replacements,
        [](const std::string& m) { return expect_agree(m) == ParseError::none; }, counts);
  }
  EXPECT_GT(counts.total, 10000u);
  EXPECT_GT(counts.parsed, counts.total / 20)
      << "the mutations must keep some frames valid, or little is compared";
}

TEST(DepthFrameScanner, TakesBinancesShapesRawOrWrappedInAnyKeyOrder) {
  EXPECT_TRUE(scanned(kPayload));
  EXPECT_TRUE(scanned(wrapped(kPayload)));
  EXPECT_TRUE(scanned(wrapped(kPayload, "btcusdt@depth5@100ms")));
  const std::string spot =
      R"({"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":7,"b":[],"a":[["1.5","2"]]})";
  EXPECT_TRUE(scanned(spot));
  const std::string reordered =
      R"({"b":[["2","1"]],"a":[],"u":9,"pu":3,"U":4,"s":"ETHUSDT","E":12,"e":"depthUpdate"})";
  EXPECT_TRUE(scanned(reordered));
  for (const std::string& text : {std::string(kPayload), wrapped(kPayload), spot, reordered,
                                  wrapped(kPayload, "btcusdt@depth5@100ms")}) {
    EXPECT_EQ(expect_agree(text), ParseError::none) << text;
  }
}

TEST(DepthFrameScanner, DeclinesWhatItDoesNotHandleAndTheGenericWalkDecides) {
  const std::string p = kPayload;
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string text = p;
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, ParseError>> cases{
      {with(R"("s":"BTCUSDT")", R"("s":"BTC\u0055SDT")"), ParseError::none},    // escape
      {with(R"("U":100,)", R"("U": 100,)"), ParseError::none},                  // whitespace
      {with(R"("U":100,)", R"("U":100,"x":1,)"), ParseError::none},             // unknown key
      {with(R"("U":100,)", R"("U":100,"U":101,)"), ParseError::duplicate_key},  // repeated key
      {with(R"("s":"BTCUSDT")", "\"s\":\"BTC\xc3\xa9\""), ParseError::none},    // UTF-8
      {with(R"("U":100)", R"("U":18446744073709551615)"), ParseError::none},    // 20 digits
      {with(R"("U":100)", R"("U":18446744073709551616)"), ParseError::bad_number},
      {with(R"("E":1721347022504)", R"("E":9223372036854775808)"), ParseError::bad_number},
      {with(R"("U":100)", R"("U":100.0)"), ParseError::bad_number},
      {with(R"("U":100)", R"("U":-1)"), ParseError::bad_number},
      {with(R"("U":100)", R"("U":0100)"), ParseError::malformed_json},
      {with(R"("U":100)", R"("U":"100")"), ParseError::wrong_type},
      {with(R"("U":100,)", ""), ParseError::missing_field},
      {with(R"("63944.00")", R"("63944.0x")"), ParseError::bad_decimal},
      {with(R"(["63944.00","0.095"])", R"(["63944.00"])"), ParseError::bad_level},
      {with(R"("depthUpdate")", R"("aggTrade")"), ParseError::none},
      {p + " ", ParseError::none},
      {p + "x", ParseError::malformed_json},
      {wrapped(p) + "}", ParseError::malformed_json},
  };
  for (const auto& [text, error] : cases) {
    EXPECT_FALSE(scanned(text)) << text;
    EXPECT_EQ(expect_agree(text), error) << text;
  }
}

// Level decimals are converted in the scanning pass for the common shape and by parse_decimal
// otherwise: at and past every limit of that shape, the result is parse_decimal's.
TEST(DepthFrameScanner, DecimalsAtTheEdgesOfTheFastShapeParseLikeParseDecimal) {
  const std::vector<std::string> texts{"0",
                                       "0.0",
                                       "5.",
                                       "0.00000001",
                                       "0.000000001",
                                       "0.100000000",
                                       "1.50000000000",
                                       "00000000000001.5",
                                       "99999999999",
                                       "999999999999",
                                       "92233720368.54775807",
                                       "92233720368.54775808",
                                       "9999999999.99999999",  // the 64-bit path's last digits
                                       "10000000000",          // the 128-bit path's first
                                       "12345678901234.00",
                                       "10000000000000.12345678",
                                       "99999999999999999999.99999999",
                                       "100000000000000000000",
                                       "0000099999999999999999999",
                                       ".5",
                                       "1..2",
                                       "1.2.3",
                                       "",
                                       "1e5",
                                       "-1"};
  for (const std::string& qty : texts) {
    const std::string text =
        R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1",")" + qty + R"("]],"a":[]})";
    Decimal expected;
    const bool valid = parse_decimal(qty, expected);
    EXPECT_EQ(scanned(text), valid) << qty;
    EXPECT_EQ(expect_agree(text), valid ? ParseError::none : ParseError::bad_decimal) << qty;
    FrameParser parser;
    Frame frame;
    if (valid && parser.parse(text, frame) == ParseError::none) {
      ASSERT_EQ(frame.depth.bids.size(), 1u);
      EXPECT_EQ(frame.depth.bids[0].qty, expected) << qty;
    }
  }
}

// Ids, times and names are read 16 bytes a step when 16 are left: every digit count (1..21, a
// leading zero, at the frame's end or not) and every string length with a byte that needs the
// generic walk at every position parse as the generic walk parses them.
TEST(DepthFrameScanner, IdsTimesAndNamesOfEveryLengthParseLikeTheGenericWalk) {
  const std::string digits = "123456789012345678901";
  for (std::size_t count = 1; count <= digits.size(); ++count) {
    for (const std::string& id : {digits.substr(0, count), "0" + digits.substr(0, count - 1)}) {
      std::string early = R"({"e":"depthUpdate","E":)";
      for (const char* key : {R"(,"s":"X","U":)", R"(,"u":)", R"(,"b":[],"a":[["1.5","2"]]})"}) {
        early.append(id).append(key);
      }
      const std::string last =
          R"({"e":"depthUpdate","E":1,"s":"X","b":[],"a":[],"U":1,"u":)" + id + "}";
      for (const std::string& text : {early, last, wrapped(early)}) {
        const ParseError error = expect_agree(text);
        // (19 digits and more may pass int64's or uint64's range: both parsers refuse alike)
        if (count <= 18) {
          EXPECT_EQ(error == ParseError::none, id[0] != '0' || count == 1) << text;
        }
      }
    }
  }
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::string name(length, 'a');
    EXPECT_EQ(expect_agree(wrapped(kPayload, name)), ParseError::none) << name;
    EXPECT_TRUE(scanned(wrapped(kPayload, name))) << name;
    for (std::size_t at = 0; at < length; ++at) {
      for (const std::string& spoiler : {std::string("\\\""), std::string("\\u0041"),
                                         std::string("\xc3\xa9"), std::string("\x7f")}) {
        std::string spoiled = name;
        spoiled.replace(at, 1, spoiler);
        const std::string text = wrapped(kPayload, spoiled);
        expect_agree(text);
        EXPECT_EQ(scanned(text), spoiler == "\x7f") << spoiled;  // DEL is plain JSON text
      }
    }
  }
}

TEST(DepthFrameScanner, LevelLimitIsLeftToTheGenericWalkWhichRefusesIt) {
  EXPECT_TRUE(scanned(kPayload, 2));
  EXPECT_FALSE(scanned(kPayload, 1));  // two bid levels
  FrameParserLimits limits;
  limits.max_levels_per_side = 1;
  FrameParser parser(limits);
  Frame frame;
  EXPECT_EQ(parser.parse(kPayload, frame), ParseError::too_large);
}

}  // namespace
}  // namespace depthrec

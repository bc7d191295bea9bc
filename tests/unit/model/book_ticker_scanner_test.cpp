// The bookTicker fast path against the generic JSON walk (FrameParserLimits::depth_fast_path =
// false), which is the reference: on every real bookTicker frame of both captures, on systematic
// mutations of real frames and on hand-made edge cases, both parsers give the same error and, on
// success, the same frame (the same views into the text). And the fast path does take the frames
// it is for: every bookTicker of the real captures.
#include "protocol/book_ticker_scanner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "depthrec/frame_parser.hpp"
#include "fast_path_checks.hpp"
#include "real_recording.hpp"

namespace depthrec {
namespace {

FrameParserLimits ticker_generic_limits() {
  FrameParserLimits limits;
  limits.depth_fast_path = false;
  return limits;
}

// Views into the text must be the same spans, not only equal text.
bool ticker_same_view(std::string_view x, std::string_view y, std::string_view text) {
  const auto in_text = [text](std::string_view v) {
    return v.data() >= text.data() && v.data() + v.size() <= text.data() + text.size();
  };
  if (x != y || in_text(x) != in_text(y)) return false;
  return x.empty() || !in_text(x) || x.data() == y.data();
}

::testing::AssertionResult same_ticker_frame(const Frame& a, const Frame& b,
                                             std::string_view text) {
  const BookTicker& x = a.ticker;
  const BookTicker& y = b.ticker;
  if (a.type != b.type) return ::testing::AssertionFailure() << "type";
  if (!ticker_same_view(a.stream, b.stream, text)) return ::testing::AssertionFailure() << "stream";
  if (!ticker_same_view(a.event_type, b.event_type, text))
    return ::testing::AssertionFailure() << "e";
  if (!ticker_same_view(x.symbol, y.symbol, text)) return ::testing::AssertionFailure() << "s";
  if (x.update_id != y.update_id) return ::testing::AssertionFailure() << "u";
  if (x.bid_price != y.bid_price || x.bid_qty != y.bid_qty || x.ask_price != y.ask_price ||
      x.ask_qty != y.ask_qty)
    return ::testing::AssertionFailure() << "b/B/a/A";
  if (!ticker_same_view(x.bid_price_text, y.bid_price_text, text) ||
      !ticker_same_view(x.bid_qty_text, y.bid_qty_text, text) ||
      !ticker_same_view(x.ask_price_text, y.ask_price_text, text) ||
      !ticker_same_view(x.ask_qty_text, y.ask_qty_text, text))
    return ::testing::AssertionFailure() << "b/B/a/A text";
  if (x.event_time_ms != y.event_time_ms || x.transaction_time_ms != y.transaction_time_ms)
    return ::testing::AssertionFailure() << "E/T";
  if (!a.depth.bids.empty() || !a.depth.asks.empty() || !a.depth.symbol.empty())
    return ::testing::AssertionFailure() << "depth fields left over";
  return ::testing::AssertionSuccess();
}

// Parses `text` with both parsers; they must agree. Returns the shared error.
ParseError ticker_parsers_agree(const std::string& text) {
  static FrameParser fast;
  static FrameParser generic(ticker_generic_limits());
  return testing::parsers_agree(fast, generic, text, same_ticker_frame);
}

bool ticker_scanned(const std::string& text) {
  Frame frame;
  return json::scan_book_ticker(text, frame);
}

std::vector<std::string> real_ticker_frames(const char* file) {
  std::vector<std::string> frames;
  for (auto& line : testing::read_recording(testing::real_data_path(file))) {
    if (line.json.find("bookTicker") != std::string::npos) frames.push_back(std::move(line.json));
  }
  return frames;
}

constexpr const char* kUsdmTicker =
    R"({"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":4984028370881,)"
    R"("s":"BTCUSDT","b":"63943.90","B":"46.371","a":"63944.00","A":"0.095",)"
    R"("T":1721347022507,"E":1721347022507}})";
constexpr const char* kSpotTicker =
    R"({"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000",)"
    R"("a":"61837.64000000","A":"1.54698000"})";

TEST(BookTickerScanner, EveryRealBookTickerTakesTheFastPathAndParsesTheSame) {
  for (const char* file : {"usdm_btcusdt_20240718.gz", "spot_btcusdt_20240808.gz"}) {
    const auto frames = real_ticker_frames(file);
    EXPECT_GT(frames.size(), 3000u) << file;
    for (const std::string& text : frames) {
      EXPECT_TRUE(ticker_scanned(text)) << text;
      EXPECT_EQ(ticker_parsers_agree(text), ParseError::none) << text;
    }
  }
}

// Every byte of a real frame replaced by characters that matter to JSON, every byte deleted, and
// every prefix: the scanner must decline or agree, never answer differently.
TEST(BookTickerScanner, MutatedFramesParseTheSameAsTheGenericWalk) {
  const std::string replacements = std::string("\"\\,:[]{}0 9.-eEuT") + '\0' + "\x80";
  testing::MutationCounts counts;
  for (const std::string& text : {std::string(kUsdmTicker), std::string(kSpotTicker)}) {
    testing::count_mutations(
        text, replacements,
        [](const std::string& m) { return ticker_parsers_agree(m) == ParseError::none; }, counts);
  }
  EXPECT_GT(counts.total, 5000u);
  EXPECT_GT(counts.parsed, counts.total / 20)
      << "the mutations must keep some frames valid, or little is compared";
}

TEST(BookTickerScanner, DeclinesWhatItDoesNotHandleAndTheGenericWalkDecides) {
  const auto with = [](const std::string& text, const std::string& from, const std::string& to) {
    std::string out = text;
    const std::size_t at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return out.replace(at, from.size(), to);
  };
  const std::string f = kUsdmTicker;
  const std::string s = kSpotTicker;
  const std::vector<std::pair<std::string, ParseError>> cases{
      {with(f, R"("s":"BTCUSDT")", R"("s":"BTC\u0055SDT")"), ParseError::none},  // escape
      {with(f, R"("s":"BTCUSDT")", R"("s":"")"), ParseError::missing_field},
      {with(f, R"("u":4984028370881,)", R"("u": 4984028370881,)"), ParseError::none},
      {with(f, R"("u":4984028370881,)", R"("u":4984028370881,"x":1,)"), ParseError::none},
      {with(f, R"("u":4984028370881,)", R"("u":1,"u":2,)"), ParseError::duplicate_key},
      {with(f, R"("u":4984028370881,)", ""), ParseError::missing_field},
      {with(f, R"("u":4984028370881)", R"("u":18446744073709551615)"), ParseError::none},
      {with(f, R"("u":4984028370881)", R"("u":18446744073709551616)"), ParseError::bad_number},
      {with(f, R"("E":1721347022507)", R"("E":9223372036854775808)"), ParseError::bad_number},
      {with(f, R"("T":1721347022507)", R"("T":1.5)"), ParseError::bad_number},
      {with(f, R"("63943.90")", R"("63943.9x")"), ParseError::bad_decimal},
      {with(f, R"("63943.90")", R"(63943.90)"), ParseError::wrong_type},
      {with(f, R"("A":"0.095",)", ""), ParseError::missing_field},
      {with(f, R"("bookTicker","u")", R"("aggTrade","u")"), ParseError::none},
      {with(s, R"("b":"61837.63000000",)", ""), ParseError::missing_field},
      {with(s, R"("u":50093239212,)", R"("lastUpdateId":1,"u":50093239212,)"),
       ParseError::missing_field},
      {with(s, R"("A":"1.54698000")", R"("A":"0.000000001")"), ParseError::bad_decimal},
      {f + " ", ParseError::none},
      {f + "x", ParseError::malformed_json},
      {s + "}", ParseError::malformed_json},
  };
  for (const auto& [text, error] : cases) {
    EXPECT_FALSE(ticker_scanned(text)) << text;
    EXPECT_EQ(ticker_parsers_agree(text), error) << text;
  }
}

TEST(BookTickerScanner, TakesBothMarketsShapesRawOrWrappedInAnyKeyOrder) {
  const std::string reordered =
      R"({"A":"2","a":"1.5","B":"3","b":"1.25","s":"ETHUSDT","u":7,"E":12,"e":"bookTicker"})";
  const std::string wide_qty =
      R"({"u":1,"s":"PEPEUSDT","b":"0.00001","B":"10000000000000","a":"0.00002",)"
      R"("A":"99999999999999999999.99999999"})";
  for (const std::string& text :
       {std::string(kUsdmTicker), std::string(kSpotTicker), reordered, wide_qty,
        R"({"stream":"ethusdt@bookTicker","data":)" + reordered + "}"}) {
    EXPECT_TRUE(ticker_scanned(text)) << text;
    EXPECT_EQ(ticker_parsers_agree(text), ParseError::none) << text;
  }
  FrameParser parser;
  Frame frame;
  ASSERT_EQ(parser.parse(wide_qty, frame), ParseError::none);
  EXPECT_EQ(frame.ticker.bid_qty.units, DecimalUnits{10000000000000} * Decimal::kOne);
  EXPECT_EQ(frame.ticker.event_time_ms, 0);  // absent on spot
}

}  // namespace
}  // namespace depthrec

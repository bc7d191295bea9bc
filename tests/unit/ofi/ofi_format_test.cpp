// The NDJSON line of a window reads back exactly; the human line says the essentials.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "ofi_test_support.hpp"
#include "ofi_window_format.hpp"

namespace depthrec::ofi::test {
namespace {

OfiWindow sample_window() {
  OfiWindow w;
  w.start_ms = 1721347022000;
  w.end_ms = 1721347023000;
  w.events = 12;
  w.transitions = 11;
  w.skipped = 1;
  w.gaps = 1;
  w.gap = true;
  w.first_id = 4984028367545;
  w.last_id = 4984028370730;
  w.mlofi = {0.1 + 0.2, -1234.567, 1e-8};
  w.ofi = w.mlofi[0];
  w.avg_depth = 2.5;
  w.mlofi_normalized = {w.mlofi[0] / 2.5, w.mlofi[1] / 2.5, w.mlofi[2] / 2.5};
  w.best_bid = dec("63943.90");
  w.best_ask = dec("63944");
  w.mid = 63943.95;
  return w;
}

TEST(OfiFormat, JsonLineHoldsEveryFieldAndDoublesReadBackExactly) {
  const OfiWindow w = sample_window();
  const std::string line = to_json_line(w, "BTCUSDT", WindowClock::event_time);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(line.c_str());  // default parsing may be 1 ulp off
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_STREQ(doc["type"].GetString(), "ofi");
  EXPECT_STREQ(doc["symbol"].GetString(), "BTCUSDT");
  EXPECT_STREQ(doc["clock"].GetString(), "event");
  EXPECT_EQ(doc["start_ms"].GetInt64(), w.start_ms);
  EXPECT_EQ(doc["end_ms"].GetInt64(), w.end_ms);
  EXPECT_TRUE(doc["complete"].GetBool());
  EXPECT_EQ(doc["events"].GetUint64(), 12u);
  EXPECT_EQ(doc["transitions"].GetUint64(), 11u);
  EXPECT_EQ(doc["skipped"].GetUint64(), 1u);
  EXPECT_EQ(doc["gaps"].GetUint64(), 1u);
  EXPECT_TRUE(doc["gap"].GetBool());
  EXPECT_EQ(doc["first_id"].GetUint64(), w.first_id);
  EXPECT_EQ(doc["last_id"].GetUint64(), w.last_id);
  EXPECT_EQ(doc["ofi"].GetDouble(), w.ofi) << "17 significant digits round-trip";
  ASSERT_EQ(doc["mlofi"].Size(), 3u);
  for (rapidjson::SizeType i = 0; i < 3; ++i) {
    EXPECT_EQ(doc["mlofi"][i].GetDouble(), w.mlofi[i]);
    EXPECT_EQ(doc["mlofi_norm"][i].GetDouble(), w.mlofi_normalized[i]);
  }
  EXPECT_EQ(doc["avg_depth"].GetDouble(), 2.5);
  EXPECT_STREQ(doc["best_bid"].GetString(), "63943.9");
  EXPECT_STREQ(doc["best_ask"].GetString(), "63944");
  EXPECT_EQ(doc["mid"].GetDouble(), 63943.95);
}

TEST(OfiFormat, AbsentValuesAreNullAndNormalisationIsOmittedWhenOff) {
  OfiWindow w = sample_window();
  w.best_ask.reset();
  w.mid.reset();
  w.mlofi_normalized.clear();
  w.avg_depth = std::numeric_limits<double>::infinity();
  rapidjson::Document doc;
  doc.Parse(to_json_line(w, "ETHUSDT", WindowClock::receive_time).c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["clock"].GetString(), "recv");
  EXPECT_TRUE(doc["best_ask"].IsNull());
  EXPECT_TRUE(doc["mid"].IsNull());
  EXPECT_TRUE(doc["avg_depth"].IsNull()) << "non-finite values are null, never invalid JSON";
  EXPECT_FALSE(doc.HasMember("mlofi_norm"));
}

TEST(OfiFormat, TextLineNamesTheWindowTheOfiAndTheGap) {
  OfiWindow w = sample_window();
  w.complete = false;
  const std::string line = to_text_line(w, "BTCUSDT");
  EXPECT_EQ(line.rfind("OFI BTCUSDT 23:57:02.000-23:57:03.000 ev=12 ofi=0.3 ", 0), 0u) << line;
  EXPECT_NE(line.find("mlofi=[0.3 -1234.57 1e-08]"), std::string::npos) << line;
  EXPECT_NE(line.find("mid=63943.95"), std::string::npos) << line;
  EXPECT_NE(line.find("gap=1/skipped=1"), std::string::npos) << line;
  EXPECT_NE(line.find("(partial)"), std::string::npos) << line;
}

TEST(OfiFormat, OneSymbolsLineIsUnchangedAndSeveralSymbolsLinesNameTheMarket) {
  const OfiWindow w = sample_window();
  // The line of a one-symbol run, byte for byte as before runs of several symbols existed.
  const std::string one = to_json_line(w, "BTCUSDT", WindowClock::event_time);
  EXPECT_EQ(
      one,
      "{\"type\":\"ofi\",\"symbol\":\"BTCUSDT\",\"clock\":\"event\",\"start_ms\":1721347022000,"
      "\"end_ms\":1721347023000,\"complete\":true,\"events\":12,\"transitions\":11,"
      "\"skipped\":1,\"gaps\":1,\"gap\":true,\"first_id\":4984028367545,\"last_id\":"
      "4984028370730,\"ofi\":0.30000000000000004,\"mlofi\":[0.30000000000000004,-1234.567,1e-08],"
      "\"avg_depth\":2.5,\"mlofi_norm\":[0.12000000000000002,-493.82679999999999,4."
      "0000000000000002e-"
      "09],\"best_bid\":\"63943.9\",\"best_ask\":\"63944\",\"mid\":63943.949999999997}");
  EXPECT_EQ(to_json_line(w, "BTCUSDT", WindowClock::event_time, ""), one);
  // Several symbols: the same line with the market after the symbol.
  const std::string several = to_json_line(w, "BTCUSDT", WindowClock::event_time, "usdm");
  std::string expected = one;
  expected.insert(expected.find(",\"clock\""), ",\"market\":\"usdm\"");
  EXPECT_EQ(several, expected);
  rapidjson::Document doc;
  doc.Parse(several.c_str());
  ASSERT_FALSE(doc.HasParseError()) << several;
  EXPECT_STREQ(doc["market"].GetString(), "usdm");

  EXPECT_EQ(to_text_line(w, "BTCUSDT", ""), to_text_line(w, "BTCUSDT"));
  EXPECT_EQ(to_text_line(w, "BTCUSDT", "spot").rfind("OFI spot:BTCUSDT 23:57:02.000-", 0), 0u);
}

}  // namespace
}  // namespace depthrec::ofi::test

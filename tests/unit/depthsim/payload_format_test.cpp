// Binance's exact JSON shapes per market.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "payload_format.hpp"
#include "synthetic_book.hpp"

namespace depthsim {
namespace {

std::vector<std::string> keys_of(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  EXPECT_FALSE(document.HasParseError()) << json;
  std::vector<std::string> keys;
  if (!document.IsObject()) return keys;
  for (const auto& member : document.GetObject()) keys.emplace_back(member.name.GetString());
  return keys;
}

using Keys = std::vector<std::string>;

BookUpdate sample_update(SyntheticBook& generator) {
  BookUpdate update = generator.next();
  update.event_ms = 1721347022504;
  update.transaction_ms = 1721347022503;
  return update;
}

TEST(PayloadFormat, DiffDepthFieldsPerMarket) {
  SyntheticBook usdm(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 1);
  const BookUpdate update = sample_update(usdm);
  const std::string futures = render_diff_depth(Market::usdm, usdm.spec(), update);
  EXPECT_EQ(keys_of(futures), (Keys{"e", "E", "T", "s", "U", "u", "pu", "b", "a"}));
  EXPECT_EQ(futures.rfind(
                R"({"e":"depthUpdate","E":1721347022504,"T":1721347022503,"s":"BTCUSDT","U":)", 0),
            0u);

  SyntheticBook coinm(symbol_spec(Market::coinm, "BTCUSD_PERP"), Market::coinm, 1);
  const std::string coin = render_diff_depth(Market::coinm, coinm.spec(), sample_update(coinm));
  EXPECT_EQ(keys_of(coin), (Keys{"e", "E", "T", "s", "ps", "U", "u", "pu", "b", "a"}));
  EXPECT_NE(coin.find(R"("ps":"BTCUSD")"), std::string::npos);

  SyntheticBook spot(symbol_spec(Market::spot, "BTCUSDT"), Market::spot, 1);
  const std::string spot_json = render_diff_depth(Market::spot, spot.spec(), sample_update(spot));
  EXPECT_EQ(keys_of(spot_json), (Keys{"e", "E", "s", "U", "u", "b", "a"}));
}

TEST(PayloadFormat, LevelsAreFixedDecimalStrings) {
  BookUpdate update;
  update.bids = {{6394390, 46371}, {6394380, 0}};
  update.asks = {{6394400, 95}};
  const std::string json =
      render_diff_depth(Market::usdm, symbol_spec(Market::usdm, "BTCUSDT"), update);
  EXPECT_NE(
      json.find(R"("b":[["63943.90","46.371"],["63943.80","0.000"]],"a":[["63944.00","0.095"]])"),
      std::string::npos)
      << json;
}

TEST(PayloadFormat, PartialTickerAndSnapshotShapes) {
  SyntheticBook usdm(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 5);
  const BookUpdate update = sample_update(usdm);
  EXPECT_EQ(keys_of(render_partial_depth(Market::usdm, usdm.spec(), usdm.book(), 5, update)),
            (Keys{"e", "E", "T", "s", "U", "u", "pu", "b", "a"}));
  EXPECT_EQ(keys_of(render_partial_depth(Market::spot, usdm.spec(), usdm.book(), 5, update)),
            (Keys{"lastUpdateId", "bids", "asks"}));
  EXPECT_EQ(keys_of(render_book_ticker(Market::usdm, usdm.spec(), usdm.book(), update)),
            (Keys{"e", "u", "s", "b", "B", "a", "A", "T", "E"}));
  EXPECT_EQ(keys_of(render_book_ticker(Market::spot, usdm.spec(), usdm.book(), update)),
            (Keys{"u", "s", "b", "B", "a", "A"}));
  EXPECT_EQ(keys_of(render_snapshot(Market::usdm, usdm.spec(), usdm.book(), 10, 1, 1)),
            (Keys{"lastUpdateId", "E", "T", "bids", "asks"}));
  EXPECT_EQ(keys_of(render_snapshot(Market::spot, usdm.spec(), usdm.book(), 10, 1, 1)),
            (Keys{"lastUpdateId", "bids", "asks"}));

  rapidjson::Document partial;
  partial.Parse(render_partial_depth(Market::usdm, usdm.spec(), usdm.book(), 10, update).c_str());
  EXPECT_EQ(partial["b"].Size(), 10u);
  EXPECT_EQ(partial["u"].GetUint64(), update.last_id);
  rapidjson::Document ticker;
  ticker.Parse(render_book_ticker(Market::usdm, usdm.spec(), usdm.book(), update).c_str());
  EXPECT_EQ(std::string(ticker["b"].GetString()), std::string(partial["b"][0][0].GetString()));
  EXPECT_EQ(std::string(ticker["a"].GetString()), std::string(partial["a"][0][0].GetString()));
}

TEST(PayloadFormat, CombinedWrapperAndEscaping) {
  EXPECT_EQ(wrap_combined("btcusdt@depth", R"({"x":1})"),
            R"({"stream":"btcusdt@depth","data":{"x":1}})");
  std::string out;
  append_json_string(out, "a\"b\\c\n");
  EXPECT_EQ(out, R"("a\"b\\c\u000a")");
}

}  // namespace
}  // namespace depthsim

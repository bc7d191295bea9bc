// Every record type is formatted, parsed back with RapidJSON, and every field checked.
#include "depthrec/records.hpp"

#include "depthrec/frame_parser.hpp"
#include "depthrec/replay_reader.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace depthrec {
namespace {

rapidjson::Document parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size() - 1);
  EXPECT_FALSE(doc.HasParseError()) << line;
  EXPECT_TRUE(doc.IsObject()) << line;
  return doc;
}

RecordContext usdm_context() {
  return RecordContext{Market::usdm, "BTCUSDT", "btcusdt@depth@0ms", 1};
}

// The first real USD-M event of data/real (levels shortened), as the parser would hand it over.
DepthUpdate usdm_update() {
  DepthUpdate u;
  u.kind = DepthKind::diff;
  u.symbol = "BTCUSDT";
  u.event_time_ms = 1721347022504;
  u.transaction_time_ms = 1721347022504;
  u.first_id = 4984028367545;
  u.final_id = 4984028370730;
  u.prev_final_id = 4984028367494;
  u.has_prev_final_id = true;
  u.bids_json = R"([["1000.00","569.567"]])";
  u.asks_json = R"([["63947.40","0.109"]])";
  return u;
}

std::string read_fixture(const char* name) {
  // DEPTHREC_TEST_DATA_DIR (tests/unit/data) is absolute: __FILE__ is relative to the build
  // directory when ccache's base_dir rewrites paths, and tests run from elsewhere.
  const auto path = std::filesystem::path(DEPTHREC_TEST_DATA_DIR) / name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void expect_common(const rapidjson::Document& doc, const char* type, const RecordContext& ctx) {
  EXPECT_STREQ(doc["type"].GetString(), type);
  EXPECT_STREQ(doc["symbol"].GetString(), ctx.symbol.c_str());
  EXPECT_STREQ(doc["market"].GetString(), std::string(to_string(ctx.market)).c_str());
  EXPECT_STREQ(doc["stream"].GetString(), ctx.stream.c_str());
  EXPECT_EQ(doc["conn_id"].GetUint64(), ctx.conn_id);
}

TEST(Records, DepthMatchesTheDocumentedExampleByteForByte) {
  const RecordContext ctx = usdm_context();
  const DepthUpdate update = usdm_update();
  const std::int64_t recv_ns = 1721347020984480942;
  const double latency_event_ms = recv_ns / 1e6 - static_cast<double>(update.event_time_ms);
  std::string out;
  append_depth_record(out, ctx, update, recv_ns, latency_event_ms, 0.0041);
  EXPECT_EQ(out, read_fixture("recording_depth_usdm.ndjson"));
}

TEST(Records, DepthFieldsParseBack) {
  const RecordContext ctx = usdm_context();
  const DepthUpdate update = usdm_update();
  std::string out;
  append_depth_record(out, ctx, update, 1721347020984480942, -1519.519058, 0.004);
  const auto doc = parse_line(out);
  expect_common(doc, "depth", ctx);
  EXPECT_STREQ(doc["timestamp"].GetString(), "2024-07-18T23:57:02.504Z");
  EXPECT_DOUBLE_EQ(doc["ts_recv"].GetDouble(), 1721347020984.481);
  EXPECT_EQ(doc["recv_ns"].GetInt64(), 1721347020984480942);
  EXPECT_EQ(doc["E"].GetInt64(), 1721347022504);
  EXPECT_EQ(doc["T"].GetInt64(), 1721347022504);
  EXPECT_EQ(doc["U"].GetUint64(), 4984028367545u);
  EXPECT_EQ(doc["u"].GetUint64(), 4984028370730u);
  EXPECT_EQ(doc["pu"].GetUint64(), 4984028367494u);
  EXPECT_DOUBLE_EQ(doc["latency_event_ms"].GetDouble(), -1519.519);
  EXPECT_DOUBLE_EQ(doc["latency_pipeline_ms"].GetDouble(), 0.004);
  EXPECT_STREQ(doc["kind"].GetString(), "diff");
  ASSERT_TRUE(doc["b"].IsArray());
  EXPECT_STREQ(doc["b"][0][0].GetString(), "1000.00");
  EXPECT_STREQ(doc["b"][0][1].GetString(), "569.567");
  EXPECT_STREQ(doc["a"][0][0].GetString(), "63947.40");
  EXPECT_STREQ(doc["a"][0][1].GetString(), "0.109");
  EXPECT_EQ(doc.MemberCount(), 18u);
}

TEST(Records, SpotDiffHasNullPuAndT) {
  const RecordContext ctx{Market::spot, "BTCUSDT", "btcusdt@depth@100ms", 3};
  DepthUpdate update = usdm_update();
  update.transaction_time_ms = 0;
  update.has_prev_final_id = false;
  update.bids_json = "[]";  // an empty side is normal
  std::string out;
  append_depth_record(out, ctx, update, 1723161253937085768, 12.5, 0.25);
  const auto doc = parse_line(out);
  expect_common(doc, "depth", ctx);
  EXPECT_TRUE(doc["pu"].IsNull());
  EXPECT_TRUE(doc["T"].IsNull());
  EXPECT_EQ(doc["E"].GetInt64(), 1721347022504);
  EXPECT_EQ(doc["b"].Size(), 0u);
  EXPECT_DOUBLE_EQ(doc["latency_event_ms"].GetDouble(), 12.5);
}

TEST(Records, SpotPartialDepthUsesReceiveTimeAndNullE) {
  const RecordContext ctx{Market::spot, "ETHUSDT", "ethusdt@depth5@100ms", 1};
  DepthUpdate update;
  update.kind = DepthKind::partial;
  update.first_id = update.final_id = 50093239218;
  update.bids_json = R"([["2500.01","1.5"],["2500.00","2"]])";
  update.asks_json = R"([["2500.02","0.1"]])";
  std::string out;
  const std::int64_t recv_ns = 1'700'000'000'123'456'789;
  append_depth_record(out, ctx, update, recv_ns, std::numeric_limits<double>::quiet_NaN(), 0.1);
  const auto doc = parse_line(out);
  expect_common(doc, "depth", ctx);
  EXPECT_STREQ(doc["timestamp"].GetString(), "2023-11-14T22:13:20.123Z");
  EXPECT_TRUE(doc["E"].IsNull());
  EXPECT_TRUE(doc["latency_event_ms"].IsNull()) << "NaN must not reach the JSON";
  EXPECT_EQ(doc["U"].GetUint64(), 50093239218u);
  EXPECT_EQ(doc["u"].GetUint64(), 50093239218u);
  EXPECT_STREQ(doc["kind"].GetString(), "partial");
  EXPECT_EQ(doc["b"].Size(), 2u);
  EXPECT_EQ(doc["a"].Size(), 1u);
}

TEST(Records, UpdateWithoutRawLevelsStillWritesValidJson) {
  DepthUpdate update = usdm_update();
  update.bids_json = {};
  update.asks_json = {};
  std::string out;
  append_depth_record(out, usdm_context(), update, 1, 0, 0);
  const auto doc = parse_line(out);
  EXPECT_TRUE(doc["b"].IsArray());
  EXPECT_EQ(doc["a"].Size(), 0u);
}

// JSON allows whitespace, newlines and CRs included, between the tokens of a level array; the
// record keeps the values exactly as received and drops that whitespace, so it stays one line
// (issue 18, item 1: a spaced depth frame split its record, a pretty-printed snapshot spread
// over hundreds of lines, a raw CR broke readers splitting on CR).
TEST(Records, WhitespaceInReceivedLevelsIsDroppedAndTheRecordStaysOneLine) {
  DepthUpdate update = usdm_update();
  update.bids_json = "[\n  [ \"1000.00\" ,\r\n\t\"569.567\" ] ,\r[\"1.5\",\"0\"]\n]";
  update.asks_json = "[ ]";
  std::string out;
  append_depth_record(out, usdm_context(), update, 1, 0, 0);
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  const auto doc = parse_line(out);
  EXPECT_NE(out.find(R"("b":[["1000.00","569.567"],["1.5","0"]],"a":[])"), std::string::npos)
      << out;
  EXPECT_EQ(doc["b"].Size(), 2u);

  DepthSnapshot snapshot;
  snapshot.last_update_id = 7;
  snapshot.bids_json = "[\n    [\n      \"63943.90\",\n      \"46.371\"\n    ]\n  ]";
  snapshot.asks_json = "[\r\n]";
  out.clear();
  append_snapshot_record(out, usdm_context(), snapshot, 1);
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  parse_line(out);
  EXPECT_NE(out.find(R"("bids":[["63943.90","46.371"]],"asks":[])"), std::string::npos) << out;

  // A single whitespace byte anywhere in a long array is found (the scan goes 8 bytes at a time).
  for (std::size_t at : {2u, 12u, 23u, 35u, 43u}) {
    std::string spaced = R"([["63943.90","46.371"],["63943.80","0.010"]])";
    spaced.insert(at, "\r");
    update.bids_json = spaced;
    out.clear();
    append_depth_record(out, usdm_context(), update, 1, 0, 0);
    EXPECT_EQ(out.find('\r'), std::string::npos) << at;
    EXPECT_NE(out.find(R"("b":[["63943.90","46.371"],["63943.80","0.010"]])"), std::string::npos)
        << at;
  }

  // Whitespace inside a string is part of the value (never in a decimal the parser accepts, but
  // the writer does not rely on it); an escaped quote does not end the string.
  update.bids_json = R"([["a b\" c" , "x"]])";
  out.clear();
  append_depth_record(out, usdm_context(), update, 1, 0, 0);
  EXPECT_NE(out.find(R"("b":[["a b\" c","x"]])"), std::string::npos) << out;
}

TEST(Records, SnapshotKeepsLevelsVerbatim) {
  DepthSnapshot snapshot;
  snapshot.last_update_id = 4984028384061;
  snapshot.event_time_ms = 1721347023000;
  snapshot.transaction_time_ms = 1721347022990;
  snapshot.bids_json = R"([["63943.90","46.371"],["63943.80","0.010"]])";
  snapshot.asks_json = R"([["63944.00","1.000"]])";
  std::string out;
  append_snapshot_record(out, usdm_context(), snapshot, 1721347023100000000);
  const auto doc = parse_line(out);
  expect_common(doc, "snapshot", usdm_context());
  EXPECT_STREQ(doc["timestamp"].GetString(), "2024-07-18T23:57:03.100Z");
  EXPECT_EQ(doc["recv_ns"].GetInt64(), 1721347023100000000);
  EXPECT_EQ(doc["lastUpdateId"].GetUint64(), 4984028384061u);
  EXPECT_EQ(doc["E"].GetInt64(), 1721347023000);
  EXPECT_EQ(doc["T"].GetInt64(), 1721347022990);
  EXPECT_NE(out.find(R"("bids":[["63943.90","46.371"],["63943.80","0.010"]])"), std::string::npos);
  EXPECT_STREQ(doc["asks"][0][0].GetString(), "63944.00");

  snapshot.event_time_ms = snapshot.transaction_time_ms = 0;  // spot has neither
  out.clear();
  append_snapshot_record(out, usdm_context(), snapshot, 1);
  const auto spot = parse_line(out);
  EXPECT_TRUE(spot["E"].IsNull());
  EXPECT_TRUE(spot["T"].IsNull());
}

TEST(Records, GapWithAllFieldsAndWithNulls) {
  GapInfo gap;
  gap.reason = GapReason::pu_mismatch;
  gap.last_u = 100;
  gap.expected = 100;
  gap.got_U = 105;
  gap.got_pu = 104;
  gap.got_u = 110;
  gap.dropped = 0;
  std::string out;
  append_gap_record(out, usdm_context(), 1721347023100000000, gap);
  auto doc = parse_line(out);
  expect_common(doc, "gap", usdm_context());
  EXPECT_STREQ(doc["reason"].GetString(), "pu_mismatch");
  EXPECT_EQ(doc["last_u"].GetUint64(), 100u);
  EXPECT_EQ(doc["expected"].GetUint64(), 100u);
  EXPECT_EQ(doc["got_U"].GetUint64(), 105u);
  EXPECT_EQ(doc["got_pu"].GetUint64(), 104u);
  EXPECT_EQ(doc["got_u"].GetUint64(), 110u);
  EXPECT_EQ(doc["dropped"].GetUint64(), 0u);
  EXPECT_EQ(doc["recv_ns"].GetInt64(), 1721347023100000000);

  GapInfo drop;
  drop.reason = GapReason::writer_drop;
  drop.dropped = 42;
  out.clear();
  append_gap_record(out, usdm_context(), 5, drop);
  doc = parse_line(out);
  EXPECT_STREQ(doc["reason"].GetString(), "writer_drop");
  for (const char* key : {"last_u", "expected", "got_U", "got_pu", "got_u"}) {
    EXPECT_TRUE(doc[key].IsNull()) << key;
  }
  EXPECT_EQ(doc["dropped"].GetUint64(), 42u);
}

TEST(Records, GapReasonNames) {
  EXPECT_EQ(to_string(GapReason::pu_mismatch), "pu_mismatch");
  EXPECT_EQ(to_string(GapReason::u_gap), "u_gap");
  EXPECT_EQ(to_string(GapReason::writer_drop), "writer_drop");
  EXPECT_EQ(to_string(GapReason::reconnect), "reconnect");
  EXPECT_EQ(to_string(GapReason::buffer_overflow), "buffer_overflow");
  EXPECT_EQ(to_string(GapReason::parse_error), "parse_error");
}

TEST(Records, ResyncInitialAndAfterGap) {
  ResyncInfo resync;
  resync.last_update_id = 4984028384061;
  resync.first_U = 4984028383000;
  resync.first_u = 4984028384100;
  resync.dropped_stale = 17;
  resync.duration_ms = 812.3456;
  std::string out;
  append_resync_record(out, usdm_context(), 1721347023100000000, resync);
  auto doc = parse_line(out);
  expect_common(doc, "resync", usdm_context());
  EXPECT_STREQ(doc["reason"].GetString(), "initial");
  EXPECT_EQ(doc["lastUpdateId"].GetUint64(), 4984028384061u);
  EXPECT_EQ(doc["first_U"].GetUint64(), 4984028383000u);
  EXPECT_EQ(doc["first_u"].GetUint64(), 4984028384100u);
  EXPECT_EQ(doc["dropped_stale"].GetUint64(), 17u);
  EXPECT_DOUBLE_EQ(doc["duration_ms"].GetDouble(), 812.346);

  resync.after_gap = GapReason::reconnect;
  out.clear();
  append_resync_record(out, usdm_context(), 1, resync);
  doc = parse_line(out);
  EXPECT_STREQ(doc["reason"].GetString(), "reconnect");
}

TEST(Records, ConnectAndDisconnectEscapeStrings) {
  RecordContext ctx = usdm_context();
  ctx.conn_id = 7;
  std::string out;
  append_connect_record(out, ctx, 1721347023100000000,
                        "wss://127.0.0.1:9443/stream?streams=btcusdt@depth@0ms");
  auto doc = parse_line(out);
  expect_common(doc, "connect", ctx);
  EXPECT_STREQ(doc["url"].GetString(), "wss://127.0.0.1:9443/stream?streams=btcusdt@depth@0ms");

  out.clear();
  const std::string nasty = std::string("peer said \"bye\"\n\\ \x01 caf\xC3\xA9 bad\xFF end");
  append_disconnect_record(out, ctx, 1721347023100000000, nasty, 1006);
  doc = parse_line(out);
  expect_common(doc, "disconnect", ctx);
  EXPECT_EQ(std::string(doc["reason"].GetString()),
            "peer said \"bye\"\n\\ \x01 caf\xC3\xA9 bad\xEF\xBF\xBD end");
  EXPECT_EQ(doc["code"].GetInt(), 1006);

  out.clear();
  append_disconnect_record(out, ctx, 1, "stall timeout", std::nullopt);
  doc = parse_line(out);
  EXPECT_TRUE(doc["code"].IsNull());
}

TEST(Records, TickerUsesCanonicalDecimals) {
  BookTicker ticker;
  ticker.update_id = 4984028370731;
  parse_decimal("63943.90", ticker.bid_price);
  parse_decimal("46.371", ticker.bid_qty);
  parse_decimal("63944.00", ticker.ask_price);
  parse_decimal("0.003", ticker.ask_qty);
  ticker.event_time_ms = 1721347022505;
  ticker.transaction_time_ms = 1721347022504;
  const RecordContext ctx{Market::usdm, "BTCUSDT", "btcusdt@bookTicker", 2};
  std::string out;
  append_ticker_record(out, ctx, 1721347020984480942, ticker);
  const auto doc = parse_line(out);
  expect_common(doc, "ticker", ctx);
  EXPECT_STREQ(doc["timestamp"].GetString(), "2024-07-18T23:57:00.984Z");
  EXPECT_EQ(doc["u"].GetUint64(), 4984028370731u);
  EXPECT_STREQ(doc["b"].GetString(), "63943.9");
  EXPECT_STREQ(doc["B"].GetString(), "46.371");
  EXPECT_STREQ(doc["a"].GetString(), "63944");
  EXPECT_STREQ(doc["A"].GetString(), "0.003");
  EXPECT_EQ(doc["E"].GetInt64(), 1721347022505);
  EXPECT_EQ(doc["T"].GetInt64(), 1721347022504);
  EXPECT_FALSE(doc.HasMember("sent")) << "no text kept: no `sent`";
}

TEST(Records, TickerKeepsTheSentTextBesideTheCanonicalDecimals) {
  const std::string text = R"({"u":7,"s":"BTCUSDT","b":"60000.00","B":"1.500","a":"60000.10",)"
                           R"("A":"0.020"})";
  FrameParser parser;
  Frame frame;
  ASSERT_EQ(parser.parse(text, frame), ParseError::none);
  ASSERT_EQ(frame.type, FrameType::book_ticker);
  const RecordContext ctx{Market::spot, "BTCUSDT", "btcusdt@bookTicker", 2};
  std::string out;
  append_ticker_record(out, ctx, 1721347020984480942, frame.ticker);
  const auto doc = parse_line(out);
  EXPECT_STREQ(doc["b"].GetString(), "60000");
  EXPECT_STREQ(doc["a"].GetString(), "60000.1");
  ASSERT_TRUE(doc.HasMember("sent")) << out;
  EXPECT_STREQ(doc["sent"]["b"].GetString(), "60000.00");
  EXPECT_STREQ(doc["sent"]["B"].GetString(), "1.500");
  EXPECT_STREQ(doc["sent"]["a"].GetString(), "60000.10");
  EXPECT_STREQ(doc["sent"]["A"].GetString(), "0.020");
}

// Low-priced symbols' 1e11..1e13 quantities: written (depth and snapshot levels verbatim, ticker
// decimals canonical) and read back by the recording reader depthrec-replay uses, exactly.
TEST(Records, WideQuantitiesRoundTripThroughTheRecordingReader) {
  const RecordContext ctx{Market::spot, "PEPEUSDT", "pepeusdt@depth@100ms", 1};
  const auto dec = [](const char* text) {
    Decimal value;
    EXPECT_TRUE(parse_decimal(text, value)) << text;
    return value;
  };
  DepthUpdate update = usdm_update();
  update.symbol = "PEPEUSDT";
  update.has_prev_final_id = false;
  update.bids_json = R"([["0.00001234","12345678901234.00"]])";
  update.asks_json = R"([["0.00001235","10000000000000.12345678"]])";
  DepthSnapshot snapshot;
  snapshot.last_update_id = 7;
  snapshot.bids_json = R"([["0.00001233","99999999999999999999.99999999"]])";
  snapshot.asks_json = "[]";
  BookTicker ticker;
  ticker.update_id = 8;
  ticker.bid_price = dec("0.00001234");
  ticker.bid_qty = dec("12345678901234.00");
  ticker.ask_price = dec("0.00001235");
  ticker.ask_qty = dec("10000000000000.12345678");

  std::string depth_line;
  append_depth_record(depth_line, ctx, update, 1, 0, 0);
  std::string snapshot_line;
  append_snapshot_record(snapshot_line, ctx, snapshot, 2);
  std::string ticker_line;
  append_ticker_record(ticker_line, ctx, 3, ticker);
  EXPECT_NE(
      ticker_line.find(R"("B":"12345678901234","a":"0.00001235","A":"10000000000000.12345678")"),
      std::string::npos)
      << ticker_line;

  ReplayLineParser parser;
  ReplayItem item;
  depth_line.pop_back();  // the reader takes a line without its newline
  ASSERT_EQ(parser.parse(depth_line, item), "");
  ASSERT_EQ(item.depth.bids.size(), 1u);
  EXPECT_EQ(item.depth.bids[0].qty, dec("12345678901234"));
  EXPECT_EQ(to_string(item.depth.asks[0].qty), "10000000000000.12345678");
  snapshot_line.pop_back();
  ASSERT_EQ(parser.parse(snapshot_line, item), "");
  EXPECT_EQ(to_string(item.snapshot.bids[0].qty), "99999999999999999999.99999999");
  ticker_line.pop_back();
  ASSERT_EQ(parser.parse(ticker_line, item), "");
  EXPECT_EQ(item.ticker.bid_qty, ticker.bid_qty);
  EXPECT_EQ(item.ticker.ask_qty, ticker.ask_qty);

  // A level price a book cannot rank is refused with a reason, not truncated.
  update.bids_json = R"([["92233720368.54775808","1"]])";
  std::string refused;
  append_depth_record(refused, ctx, update, 1, 0, 0);
  refused.pop_back();
  EXPECT_NE(parser.parse(refused, item).find("level price"), std::string::npos);
}

TEST(Records, AppendsWithoutAllocatingOnceCapacityIsThere) {
  std::string out;
  out.reserve(4096);
  const char* const storage = out.data();
  const DepthUpdate update = usdm_update();
  for (int i = 0; i < 3; ++i) {
    out.clear();
    append_depth_record(out, usdm_context(), update, 1721347020984480942, -1.0, 0.0);
    append_gap_record(out, usdm_context(), 1, GapInfo{});
  }
  EXPECT_EQ(out.data(), storage) << "the buffer was reallocated";
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << "appends, one line per call";
}

TEST(Records, ExtremeNumbersStayValidJson) {
  ResyncInfo resync;
  resync.last_update_id = std::numeric_limits<std::uint64_t>::max();
  resync.duration_ms = -std::numeric_limits<double>::infinity();
  std::string out;
  append_resync_record(out, usdm_context(), std::numeric_limits<std::int64_t>::min(), resync);
  const auto doc = parse_line(out);
  EXPECT_EQ(doc["lastUpdateId"].GetUint64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(doc["duration_ms"].IsNull());
  EXPECT_EQ(doc["recv_ns"].GetInt64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(std::string(doc["timestamp"].GetString()).size(), 24u);
}

}  // namespace
}  // namespace depthrec

#include "export_support.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "child_process.hpp"
#include "harness.hpp"

namespace itest::parquet_readers {

namespace fs = std::filesystem;

const std::vector<std::string> kDepthColumns = {"recv_time",
                                                "event_time",
                                                "transaction_time",
                                                "first_update_id",
                                                "final_update_id",
                                                "prev_final_update_id",
                                                "side",
                                                "price",
                                                "quantity",
                                                "is_snapshot"};
const std::vector<std::string> kTradeColumns = {
    "recv_time", "event_time", "trade_time", "trade_id", "price", "quantity", "buyer_is_maker"};
const std::vector<std::string> kAggTradeColumns = {
    "recv_time", "event_time",     "trade_time",     "agg_trade_id", "price",
    "quantity",  "buyer_is_maker", "first_trade_id", "last_trade_id"};
const std::vector<std::string> kGapColumns = {"recv_time",
                                              "stream",
                                              "record",
                                              "reason",
                                              "last_u",
                                              "expected",
                                              "got_first_id",
                                              "got_prev_final_id",
                                              "got_final_id",
                                              "missing_from_id",
                                              "missing_to_id",
                                              "dropped",
                                              "snapshot_update_id",
                                              "first_update_id",
                                              "final_update_id"};
const std::vector<std::string> kForceOrderColumns = {"recv_time", "event_time", "trade_time",
                                                     "side",      "price",      "average_price",
                                                     "quantity",  "status"};
const std::vector<std::string> kKlineColumns = {"recv_time",
                                                "event_time",
                                                "interval",
                                                "open_time",
                                                "close_time",
                                                "open",
                                                "high",
                                                "low",
                                                "close",
                                                "base_volume",
                                                "quote_volume",
                                                "trade_count",
                                                "taker_buy_base_volume",
                                                "taker_buy_quote_volume",
                                                "first_trade_id",
                                                "last_trade_id",
                                                "closed"};
const std::vector<std::string> kMarkPriceColumns = {
    "recv_time",    "event_time",       "mark_price", "index_price", "estimated_settle_price",
    "funding_rate", "next_funding_time"};
const std::vector<std::string> kBookTickerColumns = {"recv_time", "event_time", "transaction_time",
                                                     "update_id", "bid_price",  "bid_qty",
                                                     "ask_price", "ask_qty"};

namespace {

using Json = rapidjson::Value;

Json::ConstMemberIterator member(const Json& object, const char* name) {
  return object.FindMember(name);
}
// A JSON integer as text, null (absent or null) as nullopt.
Value integer(const Json& object, const char* name) {
  const auto it = member(object, name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return it->value.IsUint64() ? std::to_string(it->value.GetUint64())
                              : std::to_string(it->value.GetInt64());
}
Value text(const Json& object, const char* name) {
  const auto it = member(object, name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

void add_levels(Expected& out, const std::string& recv, const Json& levels, const char* side,
                const Value& event, const Value& transaction, const std::string& first,
                const std::string& final_id, const Value& prev, bool snapshot) {
  for (const Json& level : levels.GetArray()) {
    out.depth.push_back({recv, event, transaction, first, final_id, prev, std::string(side),
                         canonical_decimal(level[0].GetString()),
                         canonical_decimal(level[1].GetString()),
                         std::string(snapshot ? "true" : "false")});
  }
}

void add_trade(Expected& out, const std::string& recv, const Json& data) {
  const bool agg = std::string(data["e"].GetString()) == "aggTrade";
  Row row = {recv,
             integer(data, "E"),
             integer(data, "T"),
             integer(data, agg ? "a" : "t"),
             canonical_decimal(data["p"].GetString()),
             canonical_decimal(data["q"].GetString()),
             std::string(data["m"].GetBool() ? "true" : "false")};
  if (agg) {
    row.push_back(integer(data, "f"));
    row.push_back(integer(data, "l"));
    out.agg_trade.push_back(row);
  } else {
    out.trade.push_back(row);
  }
}

// A bookTicker payload (a raw frame's `data`) or a `ticker` record: u, b, B, a, A, E and T when
// present (spot's bookTicker has neither).
void add_book_ticker(Expected& out, const std::string& recv, const Json& ticker) {
  const auto time = [&](const char* name) -> Value {
    const Value value = integer(ticker, name);
    return value && *value != "0" ? value : std::nullopt;
  };
  out.book_ticker.push_back(
      {recv, time("E"), time("T"), integer(ticker, "u"), canonical_decimal(ticker["b"].GetString()),
       canonical_decimal(ticker["B"].GetString()), canonical_decimal(ticker["a"].GetString()),
       canonical_decimal(ticker["A"].GetString())});
}

// A kline payload (a raw frame's `data`, a `kline` record's `data`): E and the candle in k.
void add_kline(Expected& out, const std::string& recv, const Json& data) {
  const Json& k = data["k"];
  const auto decimal = [&](const char* name) -> Value {
    return canonical_decimal(k[name].GetString());
  };
  const auto trade_id = [&](const char* name) -> Value {
    const Value id = integer(k, name);
    return id && *id != "-1" ? id : std::nullopt;  // -1: no trade in the candle
  };
  out.kline.push_back({recv, integer(data, "E"), text(k, "i"), integer(k, "t"), integer(k, "T"),
                       decimal("o"), decimal("h"), decimal("l"), decimal("c"), decimal("v"),
                       decimal("q"), integer(k, "n"), decimal("V"), decimal("Q"), trade_id("f"),
                       trade_id("L"), std::string(k["x"].GetBool() ? "true" : "false")});
}

// A markPrice payload: E, p, i, P and r ("" none; r may be negative), T (0: none).
void add_mark_price(Expected& out, const std::string& recv, const Json& data) {
  const auto optional = [&](const char* name) -> Value {
    const std::string value = data[name].GetString();
    return value.empty() ? Value() : Value(canonical_decimal(value));
  };
  const Value next_funding = integer(data, "T");
  out.mark_price.push_back({recv, integer(data, "E"), canonical_decimal(data["p"].GetString()),
                            canonical_decimal(data["i"].GetString()), optional("P"), optional("r"),
                            next_funding == "0" ? Value() : next_funding});
}

// A forceOrder payload: E and its order o's S, p, ap, q, X, T.
void add_force_order(Expected& out, const std::string& recv, const Json& data) {
  const Json& order = data["o"];
  out.force_order.push_back({recv, integer(data, "E"), integer(order, "T"), text(order, "S"),
                             canonical_decimal(order["p"].GetString()),
                             canonical_decimal(order["ap"].GetString()),
                             canonical_decimal(order["q"].GetString()), text(order, "X")});
}

// One item of a raw capture (`<recv ns> <frame or REST body>`) or a depthrec NDJSON record.
void add_line(Expected& out, const std::string& line) {
  rapidjson::Document document;
  // What is neither a record nor a capture line is a bad line the export skips too.
  if (line.empty() || (line[0] != '{' && (line[0] < '0' || line[0] > '9'))) return;
  if (line[0] == '{') {
    document.Parse(line.c_str());
    if (document.HasParseError() || !document.IsObject()) return;
    const std::string type = document["type"].GetString();
    const std::string recv = *integer(document, "recv_ns");
    if (type == "depth" || type == "snapshot") {
      out.last_depth_recv_ns = std::max<std::int64_t>(out.last_depth_recv_ns, std::stoll(recv));
    }
    if (type == "ticker") add_book_ticker(out, recv, document);
    if (type == "kline") add_kline(out, recv, document["data"]);
    if (type == "markPrice") add_mark_price(out, recv, document["data"]);
    if (type == "forceOrder") add_force_order(out, recv, document["data"]);
    if (type == "depth") {
      ++out.depth_events;
      for (const char* side : {"b", "a"}) {
        add_levels(out, recv, document[side], side[0] == 'b' ? "bid" : "ask",
                   integer(document, "E"), integer(document, "T"), *integer(document, "U"),
                   *integer(document, "u"), integer(document, "pu"), false);
      }
    } else if (type == "snapshot") {
      const std::string id = *integer(document, "lastUpdateId");
      add_levels(out, recv, document["bids"], "bid", integer(document, "E"), integer(document, "T"),
                 id, id, std::nullopt, true);
      add_levels(out, recv, document["asks"], "ask", integer(document, "E"), integer(document, "T"),
                 id, id, std::nullopt, true);
    } else if (type == "trade" || type == "aggTrade") {
      add_trade(out, recv, document["data"]);
    } else if (type == "gap" || type == "resync") {
      const bool gap = type == "gap";
      out.gaps.push_back({recv, text(document, "stream"), type, text(document, "reason"),
                          integer(document, "last_u"), integer(document, "expected"),
                          integer(document, "got_U"), integer(document, "got_pu"),
                          integer(document, "got_u"), integer(document, "from"),
                          integer(document, "to"),
                          integer(document, gap ? "dropped" : "dropped_stale").value_or("0"),
                          integer(document, "lastUpdateId"), integer(document, "first_U"),
                          integer(document, "first_u")});
    }
    return;
  }
  const std::size_t space = line.find(' ');
  const std::string recv = line.substr(0, space);
  document.Parse(line.c_str() + space + 1);
  ASSERT_FALSE(document.HasParseError()) << line.substr(0, 200);
  if (document.HasMember("lastUpdateId")) {  // the REST snapshot body
    out.last_depth_recv_ns = std::max<std::int64_t>(out.last_depth_recv_ns, std::stoll(recv));
    const std::string id = *integer(document, "lastUpdateId");
    add_levels(out, recv, document["bids"], "bid", integer(document, "E"), integer(document, "T"),
               id, id, std::nullopt, true);
    add_levels(out, recv, document["asks"], "ask", integer(document, "E"), integer(document, "T"),
               id, id, std::nullopt, true);
    return;
  }
  if (!document.HasMember("data")) return;
  const Json& data = document["data"];
  if (!data.HasMember("e") || std::string(data["e"].GetString()) == "bookTicker") {
    if (data.HasMember("u") && data.HasMember("b")) add_book_ticker(out, recv, data);
    return;
  }
  const std::string event = data["e"].GetString();
  if (event == "depthUpdate") {
    out.last_depth_recv_ns = std::max<std::int64_t>(out.last_depth_recv_ns, std::stoll(recv));
    ++out.depth_events;
    for (const char* side : {"b", "a"}) {
      add_levels(out, recv, data[side], side[0] == 'b' ? "bid" : "ask", integer(data, "E"),
                 integer(data, "T"), *integer(data, "U"), *integer(data, "u"), integer(data, "pu"),
                 false);
    }
  } else if (event == "trade" || event == "aggTrade") {
    add_trade(out, recv, data);
  } else if (event == "kline") {
    add_kline(out, recv, data);
  } else if (event == "markPriceUpdate") {
    add_mark_price(out, recv, data);
  } else if (event == "forceOrder") {
    add_force_order(out, recv, data);
  }
}

}  // namespace

Expected expected_from(const std::string& text) {
  Expected out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) add_line(out, line);
  return out;
}

ExportRun run_export(const std::vector<std::string>& args) {
  ChildProcess exporter(binary("depthrec-export"), args,
                        make_temp_dir("parquet-export-run") + "/output.txt");
  const auto code = exporter.wait_exit(std::chrono::seconds(120));
  return {code.value_or(-1), exporter.output()};
}

// The part files of one channel, in partition (market, symbol, date) order.
std::vector<std::string> part_files(const std::string& out, const std::string& channel) {
  std::vector<std::string> files;
  const fs::path root = fs::path(out) / ("channel=" + channel);
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string utc_date(const std::string& recv_ns) {
  const std::time_t seconds = static_cast<std::time_t>(std::stoll(recv_ns) / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
  return date;
}

// Every file of `channel` read with `reader`, rows concatenated in partition order; each file's
// date= partition checked against its rows' receive times.
Dump read_channel(Reader reader, const std::string& out, const std::string& channel) {
  Dump all;
  const std::vector<std::string> files = part_files(out, channel);
  const std::vector<Dump> dumps = read_parquet_files(reader, files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Dump& dump = dumps[i];
    if (!dump.error.empty()) return dump;
    for (const Row& row : dump.rows) {
      const std::string date = "date=" + utc_date(*row[0]) + "/";
      if (files[i].find(date) == std::string::npos && reader == Reader::hyparquet) {
        all.error = files[i] + " holds a row received on " + date;
        return all;
      }
    }
    all.column_names = dump.column_names;
    all.num_rows += dump.num_rows;
    all.rows.insert(all.rows.end(), dump.rows.begin(), dump.rows.end());
  }
  return all;
}

void ExportTest::SetUp() {
  ASSERT_TRUE(binary_exists("depthrec-export")) << "depthrec-export not built";
  const std::string error = ensure_readers_installed();
  ASSERT_TRUE(error.empty()) << error;
  dir_ = make_temp_dir("parquet-export");
}

void LiveParquetTest::SetUp() {
  ExportTest::SetUp();
  ASSERT_TRUE(binary_exists("depthrec") && binary_exists("depthsim"));
}

std::uint64_t bytes_under(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

}  // namespace itest::parquet_readers

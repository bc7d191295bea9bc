// --format csv|both end to end (issue 13, storage.file_format: csv): depthrec records every
// channel of two USD-M symbols from depthsim as NDJSON and CSV at once, and every record of every
// channel in the NDJSON segments is exactly one row (a depth event or snapshot: one row per level)
// of the CSV file of its table, symbol and UTC day, in the same order, with equal values; read
// here by a CSV reader of the test's own (RFC 4180 quoting) and a mapping of the test's own.
// Seed 003's development config, unchanged (file_format: csv, daily_rotation: true), records its
// streams as CSV files named by date and no NDJSON segment.
#include <gtest/gtest.h>

#include <dirent.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "engine_e2e_support.hpp"

namespace itest::csv_e2e_test {
namespace {

using Row = std::vector<std::string>;

// depthsim: two USD-M symbols, 600 events each at 300/s (2 s: CI time is at its budget).
std::vector<std::string> csv_sim_args(const std::string& seed) {
  return {"--market",
          "usdm",
          "--symbols",
          "BTCUSDT,ETHUSDT",
          "--rate",
          "300",
          "--events",
          std::to_string(kEngineEvents),
          "--start-on-subscribe",
          "--seed",
          seed};
}

const std::string kConfigDir = std::string(DEPTHREC_SOURCE_DIR) + "/tests/data/config";

// RFC 4180: fields separated by ',', rows by '\n'; a quoted field may hold ',', '\n' and '""'.
std::vector<Row> parse_csv(const std::string& text) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false, in_field = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      in_field = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      in_field = false;
    } else {
      field += c;
      in_field = true;
    }
  }
  EXPECT_FALSE(quoted || in_field || !row.empty()) << "the last row ends with a newline";
  return rows;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* handle = opendir(dir.c_str())) {
    while (dirent* entry = readdir(handle)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(handle);
  }
  return names;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A JSON scalar as CSV text: strings as they are, integers in decimal, true/false, null empty.
std::string text_of(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name)) return "";
  const rapidjson::Value& v = object[name];
  if (v.IsString()) return v.GetString();
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  return "";
}

std::string utc_date_of(const std::string& recv_ns) {
  const std::time_t seconds = static_cast<std::time_t>(std::stoll(recv_ns) / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &utc);
  return date;
}

// A JSON text in one canonical spelling (RapidJSON's), to compare records whatever their spacing
// or number spelling ("51.310" and "51.31").
std::string canonical_json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  document.Accept(writer);
  return out.GetString();
}

Row values(const rapidjson::Value& object, std::initializer_list<const char*> names, Row row = {}) {
  for (const char* name : names) row.push_back(text_of(object, name));
  return row;
}

// The CSV file and rows one NDJSON record stands for (docs/csv.md), or no file for records CSV
// does not carry.
std::pair<std::string, std::vector<Row>> expected_rows(const rapidjson::Document& r) {
  const std::string type = str(r, "type"), symbol = str(r, "symbol");
  const std::string recv = text_of(r, "recv_ns"), date = "_" + utc_date_of(recv) + ".csv";
  std::vector<Row> rows;
  auto levels = [&](const Row& prefix, const char* bids, const char* asks) {
    for (const auto& [side, name] : {std::pair{"bid", bids}, std::pair{"ask", asks}}) {
      for (const auto& level : r[name].GetArray()) {
        Row row = prefix;
        row.insert(row.end(), {side, level[0].GetString(), level[1].GetString()});
        rows.push_back(row);
      }
    }
  };
  if (type == "depth") {
    const Row prefix = values(r, {"recv_ns", "E", "T", "U", "u", "pu", "kind"});
    levels(prefix, "b", "a");
    if (rows.empty()) {
      rows.push_back(prefix);
      rows.back().insert(rows.back().end(), {"", "", ""});
    }
    return {"depth_" + symbol + date, rows};
  }
  if (type == "snapshot") {
    levels(values(r, {"recv_ns", "lastUpdateId", "E", "T"}), "bids", "asks");
    return {symbol + "_depth_snapshot" + date, rows};
  }
  if (type == "trade" || type == "aggTrade") {
    const rapidjson::Value& d = r["data"];
    Row row =
        values(d, {"p", "q"}, values(r, {"id"}, values(d, {"T"}, values(r, {"recv_ns", "E"}))));
    if (type == "aggTrade") row = values(d, {"f", "l"}, row);
    row = values(d, {"m"}, row);
    row.push_back(r.HasMember("source") ? str(r, "source") : "ws");
    return {(type == "trade" ? "trade_" : "aggtrade_") + symbol + date, {row}};
  }
  if (type == "kline") {
    const rapidjson::Value& k = r["data"]["k"];
    return {"kline_" + str(r, "interval") + "_" + symbol + date,
            {values(r, {"E", "recv_ns"},
                    values(k, {"t", "o", "h", "l", "c", "v", "q", "n", "V", "Q", "T", "x", "f",
                               "L"}))}};
  }
  if (type == "ticker")  // the decimals as sent (`sent`), not the canonical b/B/a/A
    return {"bookticker_" + symbol + date,
            {values(r, {"E", "T"},
                    values(r["sent"], {"b", "B", "a", "A"}, values(r, {"recv_ns", "u"})))}};
  if (type == "markPrice")
    return {"markprice_" + symbol + date,
            {values(r["data"], {"p", "i", "P", "r", "T"}, values(r, {"recv_ns", "E"}))}};
  if (type == "forceOrder")
    return {"forceorder_" + symbol + date,
            {values(r["data"]["o"], {"S", "o", "f", "q", "p", "ap", "X", "l", "z", "T"},
                    values(r, {"recv_ns", "E"}))}};
  if (type == "gap" || type == "resync" || type == "gap_fill") {
    rapidjson::StringBuffer line;
    rapidjson::Writer<rapidjson::StringBuffer> writer(line);
    r.Accept(writer);
    Row row = values(r, {"recv_ns", "type", "stream", "reason"});
    row.push_back(canonical_json(line.GetString()));
    return {"markers_" + symbol + date, {row}};
  }
  return {};
}

TEST(CsvE2E, EveryRecordOfEveryChannelIsOneEqualCsvRow) {
  const std::vector<SymbolUnderTest> symbols{{"usdm", "BTCUSDT"}, {"usdm", "ETHUSDT"}};
  Simulator sim(csv_sim_args("71"));
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--market", "usdm", "--streams",
                           "depth@100ms,trade,aggTrade,kline_1m,bookTicker,markPrice,forceOrder",
                           "--format", "both", "--print-interval", "1"});
  ASSERT_TRUE(stop_once_every_book_is_at_truth(sim, run, symbols));

  std::map<std::string, std::vector<Row>> expected;
  std::map<std::string, std::uint64_t> records_by_type;
  for (const rapidjson::Document& record : read_records(run.data_dir())) {
    auto [file, rows] = expected_rows(record);
    if (file.empty()) continue;
    ++records_by_type[str(record, "type")];
    auto& into = expected[file];
    into.insert(into.end(), rows.begin(), rows.end());
  }
  for (const char* type : {"depth", "snapshot", "trade", "aggTrade", "kline", "ticker", "markPrice",
                           "forceOrder", "resync"})
    EXPECT_GT(records_by_type[type], 0u) << type << " recorded";

  const std::string csv_dir = run.data_dir() + "/csv/usdm";
  const std::vector<std::string> names = files_in(csv_dir);
  std::set<std::string> seen;
  std::uint64_t rows_compared = 0;
  for (const std::string& name : names) {
    std::vector<Row> rows = parse_csv(read_text(csv_dir + "/" + name));
    ASSERT_FALSE(rows.empty()) << name << ": a header at least";
    const Row header = rows.front();
    rows.erase(rows.begin());
    for (Row& row : rows) {
      ASSERT_EQ(row.size(), header.size()) << name;
      if (name.rfind("markers_", 0) == 0) row.back() = canonical_json(row.back());
    }
    const auto found = expected.find(name);
    ASSERT_NE(found, expected.end()) << name << ": a CSV file no record stands for";
    EXPECT_EQ(rows.size(), found->second.size()) << name;
    EXPECT_TRUE(rows == found->second) << name << ": rows equal the records, in order";
    rows_compared += rows.size();
    seen.insert(name);
  }
  for (const auto& [name, rows] : expected) EXPECT_TRUE(seen.count(name)) << name << " missing";
  report_figure("records compared NDJSON = CSV (trade / aggTrade / depth events)",
                std::to_string(records_by_type["trade"]) + " / " +
                    std::to_string(records_by_type["aggTrade"]) + " / " +
                    std::to_string(records_by_type["depth"]));
  report_figure("CSV rows equal to the NDJSON records", static_cast<double>(rows_compared));
}

TEST(CsvE2E, SeedDevelopmentConfigWritesCsvFilesByDate) {
  const std::vector<SymbolUnderTest> symbols{{"usdm", "BTCUSDT", 0, "depth@0ms"},
                                             {"usdm", "ETHUSDT", 0, "depth@0ms"}};
  Simulator sim(csv_sim_args("72"));
  RecorderRun run = start_recorder(
      sim, {"--config", kConfigDir + "/seed003_development.yaml", "--print-interval", "1"});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  EXPECT_TRUE(segment_files(run.data_dir()).empty()) << "file_format csv: no NDJSON segment";
  EXPECT_NE(run.process->output().find("--format csv: no NDJSON segments"), std::string::npos)
      << run.process->output();
  const std::string csv_dir = run.data_dir() + "/csv/usdm";
  std::map<std::string, std::vector<Row>> tables;  // by file name without its date
  for (const std::string& name : files_in(csv_dir)) {
    std::vector<Row> rows = parse_csv(read_text(csv_dir + "/" + name));
    ASSERT_GE(rows.size(), 2u) << name;
    const Row header = rows.front();
    rows.erase(rows.begin());
    const std::size_t recv_column =
        std::find(header.begin(), header.end(), "recv_ns") - header.begin();
    ASSERT_LT(recv_column, header.size()) << name;
    const std::string date = "_" + utc_date_of(rows.back()[recv_column]) + ".csv";
    ASSERT_GT(name.size(), date.size());
    EXPECT_EQ(name.substr(name.size() - date.size()), date) << "named by its rows' UTC date";
    tables[name.substr(0, name.size() - date.size())] = std::move(rows);
  }
  for (const SymbolUnderTest& s : symbols) {
    // depth: every event recorded (metrics.json) is one event of the file (its rows share the
    // final update id); aggTrade and kline_1m: one row per event.
    const auto& depth = tables["depth_" + s.symbol];
    std::set<std::string> events;
    for (const Row& row : depth) events.insert(row[4]);
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(events.size(), u64(*entry, "total_messages")) << s.symbol;
    EXPECT_FALSE(tables[s.symbol + "_depth_snapshot"].empty()) << s.symbol;
    const std::string lower = SymbolUnderTest::to_lower(s.symbol);
    const rapidjson::Value* agg = channel_stream_entry(*metrics, lower + "@aggTrade");
    const rapidjson::Value* kline = channel_stream_entry(*metrics, lower + "@kline_1m");
    ASSERT_TRUE(agg && kline) << s.symbol;
    EXPECT_EQ(tables["aggtrade_" + s.symbol].size(), u64(*agg, "events")) << s.symbol;
    EXPECT_EQ(tables["kline_1m_" + s.symbol].size(), u64(*kline, "events")) << s.symbol;
    EXPECT_GT(u64(*agg, "events"), 0u) << s.symbol;
  }
}

}  // namespace
}  // namespace itest::csv_e2e_test

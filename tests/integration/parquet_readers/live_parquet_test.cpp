// The recorder's live Parquet datasets (depthrec --parquet DIR --parquet-rotate 1s) against
// depthsim: every file of every dataset read back by hyparquet and DuckDB and compared value by
// value with the NDJSON recording of the same run (expected rows: export_support.hpp, built from
// the recording's text, not through depthrec's reader); and a recorder killed mid-run, whose
// closed files all read back and whose open ones are never taken for complete files.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "e2e_support.hpp"
#include "engine_e2e_support.hpp"
#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::live_parquet_test {
namespace {

namespace fs = std::filesystem;

// The channels of a row every second or more (forceOrder: one aggTrade in 25 at depthsim).
const std::vector<std::string> kLiveChannels = {"depth",      "trade", "aggTrade",
                                                "bookTicker", "kline", "markPrice"};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every regular file under `dir` whose name ends with `suffix`, sorted.
std::vector<std::string> files_ending(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && ends_with(entry.path().string(), suffix))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string recording_text(const std::string& data_dir) {
  std::string text;
  for (const std::string& segment : segment_files(data_dir)) {
    EXPECT_TRUE(gunzip_file(segment, text)) << segment;
  }
  return text;
}

// Rows in one order whatever the reader: by receive time to the microsecond (all DuckDB keeps),
// then every other value. A record's rows keep their order (a stable sort), and rows of one
// channel may come out of their files in another order than the recording's only where receive
// times are not monotonic (a resync's buffered events).
void sort_rows(std::vector<Row>& rows) {
  const auto micros = [](const Value& value) {
    return value ? std::stoll(value->substr(0, std::min<std::size_t>(value->size(), 16))) : 0;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    const long long ma = micros(a[0]), mb = micros(b[0]);
    if (ma != mb) return ma < mb;
    return std::lexicographical_compare(a.begin() + 1, a.end(), b.begin() + 1, b.end());
  });
}

// Every live file of each channel (only *.parquet, never a .tmp or .partial), read by one run of
// `reader` (a node process costs seconds here), rows concatenated per channel.
std::map<std::string, Dump> read_live_channels(Reader reader, const std::string& out,
                                               const std::vector<std::string>& channels) {
  std::vector<std::string> files;
  std::vector<std::string> channel_of;
  for (const std::string& channel : channels) {
    for (const std::string& file : files_ending(out + "/channel=" + channel, ".parquet")) {
      files.push_back(file);
      channel_of.push_back(channel);
    }
  }
  const std::vector<Dump> dumps = read_parquet_files(reader, files);
  std::map<std::string, Dump> all;
  for (std::size_t i = 0; i < files.size(); ++i) {
    Dump& channel = all[channel_of[i]];
    if (!dumps[i].error.empty()) channel.error = files[i] + ": " + dumps[i].error;
    channel.column_names = dumps[i].column_names;
    channel.column_types = dumps[i].column_types;
    channel.num_rows += dumps[i].num_rows;
    channel.rows.insert(channel.rows.end(), dumps[i].rows.begin(), dumps[i].rows.end());
  }
  return all;
}

// Expected rows (and their columns) per channel.
using LiveTables =
    std::map<std::string, std::pair<const std::vector<std::string>*, std::vector<Row>*>>;

// Every channel of `tables` read back by both readers and compared with its expected rows (both
// sorted here); DuckDB's dumps are returned, for the column types.
std::map<std::string, Dump> expect_live_read_back(const std::string& out,
                                                  const LiveTables& tables) {
  std::vector<std::string> channels;
  for (const auto& [channel, table] : tables) {
    sort_rows(*table.second);
    channels.push_back(channel);
  }
  std::map<std::string, Dump> duckdb;
  for (const Reader reader : kReaders) {
    std::map<std::string, Dump> dumps = read_live_channels(reader, out, channels);
    for (const auto& [channel, table] : tables) {
      Dump& dump = dumps[channel];
      EXPECT_EQ(dump.error, "") << channel << " via " << name(reader);
      if (!dump.error.empty()) continue;
      sort_rows(dump.rows);
      EXPECT_EQ(compare_rows(reader, dump, *table.first, *table.second, {"recv_time"}), "")
          << channel << " via " << name(reader);
    }
    if (reader == Reader::duckdb) duckdb = std::move(dumps);
  }
  return duckdb;
}

class LiveParquet : public LiveParquetTest {};

std::uint64_t files_closed(const RecorderRun& run) {
  const auto metrics = read_metrics(run.metrics_path());
  return metrics ? metric_u64(*metrics, "parquet", "files_closed") : 0;
}

TEST_F(LiveParquet, EveryValueOfEveryDatasetEqualsTheNdjsonRecording) {
  constexpr std::uint64_t kEvents = 700;  // 3.5 s at 200/s: three or more 1 s periods
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "16", "--fault",
                 "gap@300"});
  const std::string out = dir_ + "/parquet";
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "usdm", "--streams",
                           "depth@100ms,trade,aggTrade,bookTicker,kline_1m,markPrice@1s,forceOrder",
                           "--parquet", out, "--parquet-rotate", "1s", "--print-interval", "1"});
  const bool generated = wait_until(
      [&] {
        const rapidjson::Document stats = sim_symbol_stats(sim, "BTCUSDT");
        return stats.IsObject() && stats.HasMember("symbol") &&
               u64(stats["symbol"], "events_generated") >= kEvents &&
               files_closed(run) >= 2 * kLiveChannels.size();
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(generated) << run.process->output();
  stop_recorder(run);

  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "dropped"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "rows_refused"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "files_failed"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "files_open"), 0u);
  EXPECT_TRUE(files_ending(out, ".tmp").empty()) << "a clean stop closes every file";

  Expected expected = expected_from(recording_text(run.data_dir()));
  ASSERT_GT(expected.gaps.size(), 0u) << "the gap fault and its resync are in the gaps table";
  const LiveTables tables = {{"depth", {&kDepthColumns, &expected.depth}},
                             {"trade", {&kTradeColumns, &expected.trade}},
                             {"aggTrade", {&kAggTradeColumns, &expected.agg_trade}},
                             {"bookTicker", {&kBookTickerColumns, &expected.book_ticker}},
                             {"kline", {&kKlineColumns, &expected.kline}},
                             {"markPrice", {&kMarkPriceColumns, &expected.mark_price}},
                             {"forceOrder", {&kForceOrderColumns, &expected.force_order}},
                             {"gaps", {&kGapColumns, &expected.gaps}}};
  std::uint64_t rows = 0;
  for (const auto& [channel, table] : tables) {
    if (std::find(kLiveChannels.begin(), kLiveChannels.end(), channel) != kLiveChannels.end()) {
      EXPECT_GE(files_ending(out + "/channel=" + channel, ".parquet").size(), 2u)
          << channel << ": a file per 1 s period";
    }
    ASSERT_GT(table.second->size(), 0u) << channel;
    rows += table.second->size();
  }
  expect_live_read_back(out, tables);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "rows"), rows);
  report_figure("live_parquet_files", static_cast<double>(files_ending(out, ".parquet").size()));
  report_figure("live_parquet_rows", static_cast<double>(rows));
}

// The largest integer part among `column`'s decimal values of `rows`, in digits.
std::size_t most_integer_digits(const std::vector<Row>& rows, std::size_t column) {
  std::size_t digits = 0;
  for (const Row& row : rows) {
    if (row[column])
      digits =
          std::max(digits, row[column]->find('.') == std::string::npos ? row[column]->size()
                                                                       : row[column]->find('.'));
  }
  return digits;
}

TEST_F(LiveParquet, PepeQuantitiesBeyondOneE11AreExactAtTheSymbolsScale) {
  constexpr std::uint64_t kEvents = 300;  // 1.5 s at 200/s
  Simulator sim({"--market", "spot", "--symbols", "PEPEUSDT", "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "18"});
  const std::string out = dir_ + "/parquet";
  RecorderRun run = start_recorder(
      sim, {"--symbols", "PEPEUSDT", "--market", "spot", "--streams", "depth@100ms,trade,aggTrade",
            "--parquet", out, "--print-interval", "1"});
  EXPECT_TRUE(
      wait_until([&] { return sim_generated(sim, "PEPEUSDT", kEvents); }, std::chrono::seconds(60)))
      << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "rows_refused"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "files_failed"), 0u);

  Expected expected = expected_from(recording_text(run.data_dir()));
  constexpr std::size_t kDepthQuantity = 8;
  EXPECT_GE(most_integer_digits(expected.depth, kDepthQuantity), 12u) << "quantities past 1e11";
  const LiveTables tables = {{"depth", {&kDepthColumns, &expected.depth}},
                             {"trade", {&kTradeColumns, &expected.trade}},
                             {"aggTrade", {&kAggTradeColumns, &expected.agg_trade}}};
  for (const auto& [channel, table] : tables) ASSERT_GT(table.second->size(), 0u) << channel;
  const Dump depth = expect_live_read_back(out, tables)["depth"];
  // The symbol's own scales: 8 price digits (0.00000001 ticks), quantities at most the 2 that
  // depthsim prints ("12345678901234.00"), not the 8 that cannot hold 1e13.
  ASSERT_EQ(depth.column_types.size(), kDepthColumns.size());
  EXPECT_EQ(depth.column_types[7], "DECIMAL(18,8)");
  const std::vector<std::string> whole_or_cents = {"DECIMAL(18,0)", "DECIMAL(18,1)",
                                                   "DECIMAL(18,2)"};
  EXPECT_NE(std::find(whole_or_cents.begin(), whole_or_cents.end(), depth.column_types[8]),
            whole_or_cents.end())
      << depth.column_types[8];
}

// The receive-time period (ns since the epoch) of a 1 s live file, from its path's date= and
// part-HHMMSS names.
std::int64_t one_second_period_begin_ns(const std::string& path) {
  const std::size_t date = path.find("/date=");
  const std::size_t part = path.rfind("/part-");
  std::tm utc{};
  utc.tm_year = std::stoi(path.substr(date + 6, 4)) - 1900;
  utc.tm_mon = std::stoi(path.substr(date + 11, 2)) - 1;
  utc.tm_mday = std::stoi(path.substr(date + 14, 2));
  utc.tm_hour = std::stoi(path.substr(part + 6, 2));
  utc.tm_min = std::stoi(path.substr(part + 8, 2));
  utc.tm_sec = std::stoi(path.substr(part + 10, 2));
  return static_cast<std::int64_t>(::timegm(&utc)) * 1000000000;
}

// The recording's rows of `table` received in [begin_ns, begin_ns + 1 s), in recording order.
std::vector<Row> rows_of_second(const std::vector<Row>& table, std::int64_t begin_ns) {
  std::vector<Row> rows;
  for (const Row& row : table) {
    const std::int64_t recv_ns = std::stoll(*row[0]);
    if (recv_ns >= begin_ns && recv_ns < begin_ns + 1000000000) rows.push_back(row);
  }
  return rows;
}

TEST_F(LiveParquet, SigkillLeavesClosedFilesValidAndOpenOnesPartial) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--events", "100000",
                 "--start-on-subscribe", "--seed", "17"});
  const std::string out = dir_ + "/parquet";
  const std::vector<std::string> flags = {
      "--symbols",
      "BTCUSDT",
      "--market",
      "usdm",
      "--streams",
      "depth@100ms,trade",
      "--parquet",
      out,
      "--parquet-rotate",
      "1s",
      "--print-interval",
      "1",
      "--parquet-row-group-mb",
      "0.0625"};  // 64 KiB: depth files write row groups every second
  RecorderRun run = start_recorder(sim, flags);
  EXPECT_TRUE(
      wait_until([&] { return files_closed(run) >= 4 && !files_ending(out, ".tmp").empty(); },
                 std::chrono::seconds(60)))
      << run.process->output();
  ASSERT_TRUE(run.process->signal(SIGKILL));
  ASSERT_TRUE(run.process->wait_exit(std::chrono::seconds(20)).has_value());

  const std::vector<std::string> complete = files_ending(out, ".parquet");
  const std::vector<std::string> open = files_ending(out, ".parquet.tmp");
  ASSERT_GE(complete.size(), 4u);
  ASSERT_GE(open.size(), 1u) << "the killed run had files open";
  for (const Reader reader : kReaders) {
    const std::vector<Dump> dumps = read_parquet_files(reader, complete);
    for (std::size_t i = 0; i < complete.size(); ++i) {
      EXPECT_EQ(dumps[i].error, "") << complete[i] << " via " << name(reader);
      EXPECT_GT(dumps[i].num_rows, 0u) << complete[i];
    }
  }

  // The next run on the directory recovers each leftover with a footer checkpoint (its complete
  // row groups) as part-HHMMSS.recovered.parquet, renames the others *.parquet.partial (no
  // *.parquet glob matches them), says so, and writes on.
  RecorderRun next = start_recorder(sim, flags);
  EXPECT_TRUE(wait_until(
      [&] {
        const auto metrics = read_metrics(next.metrics_path());
        return metrics && metric_u64(*metrics, "parquet", "partials_found") +
                                  metric_u64(*metrics, "parquet", "files_recovered") ==
                              open.size();
      },
      std::chrono::seconds(30)))
      << next.process->output();
  stop_recorder(next);
  std::vector<std::string> recovered;
  for (const std::string& path : open) {
    EXPECT_FALSE(fs::exists(path)) << path;
    const std::string base = path.substr(0, path.size() - std::string(".parquet.tmp").size());
    const std::string partial = base + ".parquet.partial";
    if (fs::exists(base + ".recovered.parquet")) {
      recovered.push_back(base + ".recovered.parquet");
    } else {
      EXPECT_TRUE(fs::exists(partial)) << partial;
    }
  }
  for (const std::string& path : complete) EXPECT_TRUE(fs::exists(path)) << "kept: " << path;
  ASSERT_GE(recovered.size(), 1u) << "a depth file had written a 64 KiB row group";

  // A recovered file holds the first rows of its period as the NDJSON recording has them.
  Expected expected = expected_from(recording_text(run.data_dir()));
  const LiveTables tables = {{"depth", {&kDepthColumns, &expected.depth}},
                             {"trade", {&kTradeColumns, &expected.trade}}};
  for (const Reader reader : kReaders) {
    const std::vector<Dump> dumps = read_parquet_files(reader, recovered);
    for (std::size_t i = 0; i < recovered.size(); ++i) {
      SCOPED_TRACE(recovered[i] + " via " + name(reader));
      Dump dump = dumps[i];
      ASSERT_EQ(dump.error, "");
      ASSERT_GT(dump.num_rows, 0u);
      const std::string channel = recovered[i].substr(
          recovered[i].find("channel=") + 8, recovered[i].find('/', recovered[i].find("channel=")) -
                                                 recovered[i].find("channel=") - 8);
      const auto table = tables.at(channel);
      const std::int64_t begin_ns = one_second_period_begin_ns(recovered[i]);
      std::vector<Row> rows = rows_of_second(*table.second, begin_ns);
      sort_rows(dump.rows);
      if (dump.rows.size() > rows.size()) {
        // The killed run's NDJSON is flushed once a second, so its cut may have lost rows a
        // checkpoint kept: only in the recording's last second, and only its latest rows.
        EXPECT_TRUE(rows_of_second(*table.second, begin_ns + 1000000000).empty())
            << "rows beyond the recording before its end";
        dump.rows.resize(rows.size());
      }
      rows.resize(dump.rows.size());
      sort_rows(rows);
      EXPECT_EQ(compare_rows(reader, dump, *table.first, rows, {"recv_time"}), "");
    }
  }
  std::string log;
  for (const std::string& file : files_ending(next.dir + "/logs", ".log")) log += read_file(file);
  EXPECT_NE(log.find("recovered from a file an earlier run did not finish"), std::string::npos)
      << log;
}

}  // namespace
}  // namespace itest::parquet_readers::live_parquet_test

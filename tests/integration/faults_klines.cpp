// Fault matrix, kline channels (issue 13): depthrec records depth, trade and kline_1s of two spot
// symbols from depthsim, whose candles aggregate its own trades. Every kline update depthsim sent
// is recorded; every closed candle's ten columns equal what the recorded trades of its second
// imply (recomputed here, exact decimals); `--klines closed` records only closing updates; an
// injected skipped interval (kline_skip) is one `gap` record (kline_gap) with its open time.
#include <gtest/gtest.h>

#include <map>

#include "engine_e2e_support.hpp"

namespace itest::faults_klines {
namespace {

constexpr std::uint64_t kKlineEvents = 1500;  // at 300/s: 5 s, four or five closed 1 s candles
const std::vector<std::string> kSymbols{"BTCUSDT", "ETHUSDT"};

std::vector<std::string> kline_sim_args(const std::string& seed,
                                        const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"--market",
                                "spot",
                                "--symbols",
                                "BTCUSDT,ETHUSDT",
                                "--rate",
                                "300",
                                "--events",
                                std::to_string(kKlineEvents),
                                "--start-on-subscribe",
                                "--seed",
                                seed};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string lower(std::string text) {
  return SymbolUnderTest::to_lower(std::move(text));
}

// Records until depthsim generated every event and metrics.json counts every kline frame sent.
std::optional<rapidjson::Document> record_until_every_kline_counted(const Simulator& sim,
                                                                    RecorderRun& run) {
  const bool counted = wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics) return false;
        for (const std::string& symbol : kSymbols) {
          const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
          if (!stats.IsObject() || !stats.HasMember("symbol")) return false;
          const rapidjson::Value& s = stats["symbol"];
          if (u64(s, "events_generated") < kKlineEvents) return false;
          const auto* kline = channel_stream_entry(*metrics, lower(symbol) + "@kline_1s");
          if (!kline || u64(*kline, "frames") < u64(s, "kline_events_sent")) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(counted) << run.process->output();
  stop_recorder(run);
  return read_metrics(run.metrics_path());
}

// An exact decimal as units of 1e-8 (Binance's precision); -1 when it has more decimals.
__int128 units_of(const std::string& text) {
  __int128 units = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.') {
      decimals = 0;
      continue;
    }
    units = units * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  for (int d = decimals < 0 ? 0 : decimals; d < 8; ++d) units *= 10;
  return decimals > 8 ? -1 : units;
}

struct Columns {
  __int128 open = 0, high = 0, low = 0, close = 0, base = 0, quote = 0, taker_base = 0,
           taker_quote = 0;
  std::uint64_t count = 0;
  friend bool operator==(const Columns& a, const Columns& b) {
    return a.open == b.open && a.high == b.high && a.low == b.low && a.close == b.close &&
           a.base == b.base && a.quote == b.quote && a.taker_base == b.taker_base &&
           a.taker_quote == b.taker_quote && a.count == b.count;
  }
};

std::string describe(const Columns& c) {
  auto d = [](__int128 v) { return std::to_string(static_cast<long double>(v) / 1e8); };
  return "o " + d(c.open) + " h " + d(c.high) + " l " + d(c.low) + " c " + d(c.close) + " v " +
         d(c.base) + " q " + d(c.quote) + " n " + std::to_string(c.count) + " V " +
         d(c.taker_base) + " Q " + d(c.taker_quote);
}

// The candles the recorded trades of `stream` imply, by open time (1 s buckets of their T).
std::map<std::int64_t, Columns> candles_from_trades(const std::vector<rapidjson::Document>& records,
                                                    const std::string& stream) {
  std::map<std::int64_t, Columns> candles;
  std::map<std::int64_t, __int128> raw_quote, raw_taker_quote;  // at 1e-16
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") != "trade" || str(record, "stream") != stream) continue;
    const rapidjson::Value& data = record["data"];
    const std::int64_t open = data["T"].GetInt64() / 1000 * 1000;
    const __int128 price = units_of(data["p"].GetString());
    const __int128 qty = units_of(data["q"].GetString());
    const bool buyer_is_taker = !data["m"].GetBool();
    Columns& c = candles[open];
    if (c.count == 0) c.open = c.high = c.low = price;
    c.high = std::max(c.high, price);
    c.low = std::min(c.low, price);
    c.close = price;
    c.base += qty;
    raw_quote[open] += price * qty;
    if (buyer_is_taker) {
      c.taker_base += qty;
      raw_taker_quote[open] += price * qty;
    }
    ++c.count;
  }
  for (auto& [open, c] : candles) {
    // Quote volumes summed exactly, then cut to Binance's 8 decimals (as depthsim does).
    c.quote = raw_quote[open] / 100'000'000;
    c.taker_quote = raw_taker_quote[open] / 100'000'000;
  }
  return candles;
}

Columns columns_of(const rapidjson::Document& record) {
  Columns c;
  c.open = units_of(str(record, "open"));
  c.high = units_of(str(record, "high"));
  c.low = units_of(str(record, "low"));
  c.close = units_of(str(record, "close"));
  c.base = units_of(str(record, "base_volume"));
  c.quote = units_of(str(record, "quote_volume"));
  c.taker_base = units_of(str(record, "taker_buy_base_volume"));
  c.taker_quote = units_of(str(record, "taker_buy_quote_volume"));
  c.count = u64(record, "trade_count");
  return c;
}

TEST(FaultKlines, EveryKlineSentIsRecordedAndClosedCandlesEqualTheRecordedTrades) {
  Simulator sim(kline_sim_args("61"));
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--market", "spot", "--streams",
                           "depth@100ms,trade,kline_1s", "--print-interval", "1"});
  const auto metrics = record_until_every_kline_counted(sim, run);
  ASSERT_TRUE(metrics);
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::uint64_t sent_total = 0, recorded_total = 0, compared = 0;
  for (const std::string& symbol : kSymbols) {
    const std::string stream = lower(symbol) + "@kline_1s";
    const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
    ASSERT_TRUE(stats.IsObject() && stats.HasMember("symbol"));
    const std::uint64_t sent = u64(stats["symbol"], "kline_events_sent");
    std::uint64_t recorded = 0;
    std::vector<const rapidjson::Document*> closed;
    for (const rapidjson::Document& record : records) {
      if (str(record, "stream") != stream) continue;
      EXPECT_NE(str(record, "type"), "gap") << stream << ": no interval skipped";
      if (str(record, "type") != "kline") continue;
      ++recorded;
      EXPECT_EQ(str(record, "interval"), "1s");
      EXPECT_EQ(record["data"]["k"]["t"].GetInt64(), record["open_time"].GetInt64());
      if (record["closed"].GetBool()) closed.push_back(&record);
    }
    EXPECT_EQ(recorded, sent) << stream << ": every kline update sent recorded once";
    EXPECT_EQ(closed.size(), u64(stats["symbol"], "closed_kline_events_sent")) << stream;
    ASSERT_GE(closed.size(), 3u) << stream;
    const rapidjson::Value* entry = channel_stream_entry(*metrics, stream);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64(*entry, "gaps"), 0u);
    EXPECT_EQ(u64((*entry)["parse_errors"], "total"), 0u);
    EXPECT_EQ(str(*entry, "channel"), "kline_1s");

    // Every closed candle but the first (it opened before the trades were subscribed, perhaps)
    // equals what the recorded trades of its second imply.
    const auto implied = candles_from_trades(records, lower(symbol) + "@trade");
    for (std::size_t i = 1; i < closed.size(); ++i) {
      const std::int64_t open = (*closed[i])["open_time"].GetInt64();
      const auto found = implied.find(open);
      if (found == implied.end()) {
        EXPECT_EQ(u64(*closed[i], "trade_count"), 0u) << stream << " " << open;
        continue;
      }
      const Columns columns = columns_of(*closed[i]);
      EXPECT_TRUE(columns == found->second)
          << stream << " candle " << open << ": recorded " << describe(columns) << "; trades imply "
          << describe(found->second);
      ++compared;
    }
    sent_total += sent;
    recorded_total += recorded;
  }
  EXPECT_GE(compared, 4u);
  const auto replay = run_replay({run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << "depthrec-replay reads the recording with kline streams";
  report_figure("kline_1s updates sent / recorded (2 spot symbols)",
                std::to_string(sent_total) + " / " + std::to_string(recorded_total));
  report_figure("closed candles equal to the recorded trades' aggregation",
                std::to_string(compared) + " of " + std::to_string(compared));
}

TEST(FaultKlines, ClosedOnlyRecordsClosingUpdatesAndASkippedIntervalIsOneGap) {
  Simulator sim(kline_sim_args("62", {"--fault", "kline_skip@600/ETHUSDT"}));
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--market", "spot", "--streams",
                           "depth@100ms,kline_1s", "--klines", "closed", "--print-interval", "1"});
  const auto metrics = record_until_every_kline_counted(sim, run);
  ASSERT_TRUE(metrics);
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::map<std::string, std::vector<const rapidjson::Document*>> gaps;
  std::map<std::string, std::uint64_t> closed;
  for (const rapidjson::Document& record : records) {
    const std::string type = str(record, "type");
    if (type == "kline") {
      EXPECT_TRUE(record["closed"].GetBool()) << "--klines closed: closing updates only";
      EXPECT_TRUE(record.HasMember("trade_count") && record.HasMember("quote_volume"));
      ++closed[str(record, "stream")];
    }
    if (type == "gap" && str(record, "stream").find("@kline_") != std::string::npos)
      gaps[str(record, "stream")].push_back(&record);
  }
  for (const std::string& symbol : kSymbols) {
    const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
    EXPECT_EQ(closed[lower(symbol) + "@kline_1s"], u64(stats["symbol"], "closed_kline_events_sent"))
        << symbol << ": every closing update sent recorded";
  }
  ASSERT_EQ(gaps.size(), 1u) << "only ETHUSDT's kline stream";
  ASSERT_EQ(gaps["ethusdt@kline_1s"].size(), 1u);
  const rapidjson::Document& gap = *gaps["ethusdt@kline_1s"].front();
  EXPECT_EQ(str(gap, "reason"), "kline_gap");
  EXPECT_EQ(u64(gap, "missing"), 1u);
  EXPECT_EQ(gap["from_open_time"].GetInt64(), gap["to_open_time"].GetInt64());
  EXPECT_EQ(gap["from_open_time"].GetInt64(), gap["last_open_time"].GetInt64() + 1000);
  EXPECT_EQ(gap["got_open_time"].GetInt64(), gap["from_open_time"].GetInt64() + 1000);
  EXPECT_TRUE(gap["last_closed"].GetBool());
  const rapidjson::Document eth = sim_symbol_stats(sim, "ETHUSDT");
  EXPECT_EQ(u64(eth["symbol"], "kline_candles_skipped"), 1u);
  const rapidjson::Value* entry = channel_stream_entry(*metrics, "ethusdt@kline_1s");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(u64(*entry, "gaps"), 1u);
  EXPECT_EQ(u64(*entry, "missing_ids"), 1u);
  report_figure("kline_skip: gap records / candles missing (ETHUSDT kline_1s)",
                std::to_string(gaps["ethusdt@kline_1s"].size()) + " / " +
                    std::to_string(u64(gap, "missing")));
  report_figure("--klines closed: closed candles recorded (BTCUSDT, ETHUSDT)",
                std::to_string(closed["btcusdt@kline_1s"]) + ", " +
                    std::to_string(closed["ethusdt@kline_1s"]));
}

}  // namespace
}  // namespace itest::faults_klines

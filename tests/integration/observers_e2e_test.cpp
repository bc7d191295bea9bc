// Observers end to end (issue 13, item 5): an in-process Recorder of depth, trade, aggTrade,
// kline_1s and bookTicker against depthsim, with one queued observer per channel. Every event
// depthsim sent reaches its observer exactly once, in order, with the values the recording holds
// (the NDJSON lines, compared field by field as exact decimals); metrics.json counts each
// observer's deliveries and drops.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/recorder.hpp"
#include "engine_e2e_support.hpp"

namespace itest::observers_e2e_test {
namespace {

constexpr std::uint64_t kEvents = 900;  // depth events at 600/s: 1.5 s, a closed 1 s candle or two

depthrec::Decimal exact(const rapidjson::Value& value, const char* field) {
  depthrec::Decimal out;
  EXPECT_TRUE(value.HasMember(field) && value[field].IsString() &&
              depthrec::parse_decimal(value[field].GetString(), out))
      << field;
  return out;
}

std::vector<const rapidjson::Value*> payloads(const std::vector<rapidjson::Document>& records,
                                              const std::string& type, const std::string& stream) {
  std::vector<const rapidjson::Value*> out;
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") != type || str(record, "stream") != stream) continue;
    out.push_back(type == "ticker" ? &record : &record["data"]);
  }
  return out;
}

depthrec::SubscriptionKey spot_key(depthrec::Channel channel) {
  return {depthrec::Venue::binance, depthrec::Market::spot, "BTCUSDT", channel};
}

// A recorder of spot BTCUSDT's full book and bookTicker against `sim`, its files under `dir`.
depthrec::RecorderConfig spot_btcusdt_config(const Simulator& sim, const std::string& dir) {
  depthrec::RecorderConfig config;
  config.market = depthrec::Market::spot;
  config.symbol = "BTCUSDT";
  config.depth_levels = 0;
  config.record_book_ticker = true;
  config.ws_endpoint = sim.ws_endpoint();
  config.rest_endpoint = sim.rest_endpoint();
  config.ca_file = sim.ca_file();
  config.data_dir = dir + "/data";
  config.log_dir = dir + "/logs";
  config.print_summary = false;
  config.print_interval_sec = 1;
  return config;
}

struct Seen {  // each vector is written by its observer's thread only, read after stop()
  std::vector<depthrec::ObservedTrade> trades, agg_trades;
  std::vector<depthrec::ObservedKline> klines;
  std::vector<depthrec::ObservedBookTicker> tickers;
};

TEST(ObserversEndToEnd, EveryEventSentReachesItsObserverOnceInOrderAsRecorded) {
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "600", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "71"});
  depthrec::RecorderConfig config = spot_btcusdt_config(sim, make_temp_dir("observers"));
  config.subscriptions = depthrec::subscriptions_of(config, {{depthrec::Market::spot, "BTCUSDT"}});
  depthrec::Channel kline{depthrec::ChannelKind::kline, 0, {}, depthrec::KlineInterval::s1};
  for (const depthrec::Channel& channel :
       {depthrec::Channel{depthrec::ChannelKind::trade, 0, {}, {}},
        depthrec::Channel{depthrec::ChannelKind::agg_trade, 0, {}, {}}, kline})
    config.subscriptions.push_back(spot_key(channel));

  depthrec::Recorder recorder(config);
  Seen seen;
  depthrec::ObserverOptions roomy;
  roomy.capacity = 1'000'000;  // nothing may be dropped here: every event must arrive
  const auto trade =
      recorder.on_trade([&](const depthrec::ObservedTrade& t) { seen.trades.push_back(t); }, roomy);
  const auto agg = recorder.on_agg_trade(
      [&](const depthrec::ObservedTrade& t) { seen.agg_trades.push_back(t); }, roomy);
  const auto klines =
      recorder.on_kline([&](const depthrec::ObservedKline& k) { seen.klines.push_back(k); }, roomy);
  const auto tickers = recorder.on_book_ticker(
      [&](const depthrec::ObservedBookTicker& b) { seen.tickers.push_back(b); }, roomy);
  recorder.start();

  std::uint64_t trades_sent = 0, agg_sent = 0, klines_sent = 0;
  const bool counted = wait_until(
      [&] {
        const rapidjson::Document stats = sim_symbol_stats(sim, "BTCUSDT");
        if (!stats.IsObject() || !stats.HasMember("symbol")) return false;
        const rapidjson::Value& s = stats["symbol"];
        if (u64(s, "events_generated") < kEvents) return false;
        trades_sent = u64(s, "trade_events_sent");
        agg_sent = u64(s, "agg_trade_events_sent");
        klines_sent = u64(s, "kline_events_sent");
        std::map<std::string, std::uint64_t> frames;
        for (const depthrec::ChannelFigures& f : recorder.channel_figures())
          frames[f.stream] = f.frames;
        return frames["btcusdt@trade"] >= trades_sent && frames["btcusdt@aggTrade"] >= agg_sent &&
               frames["btcusdt@kline_1s"] >= klines_sent;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(counted) << recorder.last_error();
  recorder.stop();  // each observer is given what was queued before stop() returns
  ASSERT_TRUE(recorder.last_error().empty()) << recorder.last_error();

  const std::vector<rapidjson::Document> records = read_records(config.data_dir);
  // trade: every event sent, recorded once, observed once in the recorded order.
  const auto trade_lines = payloads(records, "trade", "btcusdt@trade");
  ASSERT_GT(trades_sent, 0u);
  EXPECT_EQ(trade_lines.size(), trades_sent);
  ASSERT_EQ(seen.trades.size(), trade_lines.size());
  for (std::size_t i = 0; i < trade_lines.size(); ++i) {
    const rapidjson::Value& d = *trade_lines[i];
    const depthrec::ObservedTrade& t = seen.trades[i];
    ASSERT_EQ(t.id, u64(d, "t")) << i;
    EXPECT_EQ(t.price, exact(d, "p"));
    EXPECT_EQ(t.quantity, exact(d, "q"));
    EXPECT_EQ(t.trade_time_ms, d["T"].GetInt64());
    EXPECT_EQ(t.event_time_ms, d["E"].GetInt64());
    EXPECT_EQ(t.buyer_is_maker, d["m"].GetBool());
    EXPECT_EQ(t.kind, depthrec::TradeKind::trade);
    EXPECT_EQ(t.key->stream, "btcusdt@trade");
  }
  // aggTrade
  const auto agg_lines = payloads(records, "aggTrade", "btcusdt@aggTrade");
  ASSERT_GT(agg_sent, 0u);
  EXPECT_EQ(agg_lines.size(), agg_sent);
  ASSERT_EQ(seen.agg_trades.size(), agg_lines.size());
  for (std::size_t i = 0; i < agg_lines.size(); ++i) {
    const rapidjson::Value& d = *agg_lines[i];
    const depthrec::ObservedTrade& t = seen.agg_trades[i];
    ASSERT_EQ(t.id, u64(d, "a")) << i;
    EXPECT_EQ(t.first_trade_id, u64(d, "f"));
    EXPECT_EQ(t.last_trade_id, u64(d, "l"));
    EXPECT_EQ(t.price, exact(d, "p"));
    EXPECT_EQ(t.quantity, exact(d, "q"));
    EXPECT_EQ(t.trade_time_ms, d["T"].GetInt64());
    EXPECT_EQ(t.buyer_is_maker, d["m"].GetBool());
    EXPECT_EQ(t.kind, depthrec::TradeKind::agg_trade);
  }
  // kline: every update (open and closing ones), its candle's values.
  const auto kline_lines = payloads(records, "kline", "btcusdt@kline_1s");
  ASSERT_GT(klines_sent, 0u);
  EXPECT_EQ(kline_lines.size(), klines_sent);
  ASSERT_EQ(seen.klines.size(), kline_lines.size());
  std::size_t closed = 0;
  for (std::size_t i = 0; i < kline_lines.size(); ++i) {
    const rapidjson::Value& k = (*kline_lines[i])["k"];
    const depthrec::ObservedKline& o = seen.klines[i];
    ASSERT_EQ(o.open_time_ms, k["t"].GetInt64()) << i;
    EXPECT_EQ(o.close_time_ms, k["T"].GetInt64());
    EXPECT_EQ(o.open, exact(k, "o"));
    EXPECT_EQ(o.high, exact(k, "h"));
    EXPECT_EQ(o.low, exact(k, "l"));
    EXPECT_EQ(o.close, exact(k, "c"));
    EXPECT_EQ(o.base_volume, exact(k, "v"));
    EXPECT_EQ(o.quote_volume, exact(k, "q"));
    EXPECT_EQ(o.taker_buy_base_volume, exact(k, "V"));
    EXPECT_EQ(o.taker_buy_quote_volume, exact(k, "Q"));
    EXPECT_EQ(o.trade_count, u64(k, "n"));
    EXPECT_EQ(o.closed, k["x"].GetBool());
    EXPECT_EQ(o.interval, depthrec::KlineInterval::s1);
    closed += o.closed ? 1 : 0;
  }
  EXPECT_GT(closed, 0u);
  // bookTicker: every ticker line recorded.
  const auto ticker_lines = payloads(records, "ticker", "btcusdt@bookTicker");
  ASSERT_FALSE(ticker_lines.empty());
  ASSERT_EQ(seen.tickers.size(), ticker_lines.size());
  for (std::size_t i = 0; i < ticker_lines.size(); ++i) {
    const rapidjson::Value& r = *ticker_lines[i];
    const depthrec::ObservedBookTicker& b = seen.tickers[i];
    ASSERT_EQ(b.update_id, u64(r, "u")) << i;
    EXPECT_EQ(b.bid_price, exact(r, "b"));
    EXPECT_EQ(b.bid_qty, exact(r, "B"));
    EXPECT_EQ(b.ask_price, exact(r, "a"));
    EXPECT_EQ(b.ask_qty, exact(r, "A"));
    EXPECT_EQ(b.key->stream, "btcusdt@bookTicker");
  }

  // The handles and metrics.json say the same: all delivered, none dropped, no error.
  const auto metrics = read_metrics(config.data_dir + "/metrics.json");
  ASSERT_TRUE(metrics && metrics->HasMember("observers"));
  const rapidjson::Value& observers = (*metrics)["observers"];
  ASSERT_EQ(observers.Size(), 4u);
  const std::vector<std::pair<std::shared_ptr<depthrec::Observer>, std::size_t>> expected{
      {trade, seen.trades.size()},
      {agg, seen.agg_trades.size()},
      {klines, seen.klines.size()},
      {tickers, seen.tickers.size()}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [handle, count] = expected[i];
    EXPECT_EQ(handle->delivered(), count) << handle->name();
    EXPECT_EQ(handle->dropped(), 0u) << handle->name();
    EXPECT_EQ(handle->errors(), 0u) << handle->name();
    EXPECT_EQ(str(observers[static_cast<rapidjson::SizeType>(i)], "name"), handle->name());
    EXPECT_EQ(u64(observers[static_cast<rapidjson::SizeType>(i)], "delivered"), count);
    EXPECT_EQ(u64(observers[static_cast<rapidjson::SizeType>(i)], "dropped"), 0u);
  }
  report_figure(
      "observed trade / aggTrade / kline / bookTicker events",
      std::to_string(seen.trades.size()) + " / " + std::to_string(seen.agg_trades.size()) + " / " +
          std::to_string(seen.klines.size()) + " / " + std::to_string(seen.tickers.size()));
}

// One symbol without subscription keys (the single-symbol config, as `depthrec --symbol X`): its
// event_channels are recorded by the engine, and their observers get every event, with the
// book's observers beside them.
TEST(ObserversEndToEnd, OneSymbolsEventChannelsReachTheirObserversWithoutKeys) {
  constexpr std::uint64_t kOneSymbolEvents = 300;
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "600", "--events",
                 std::to_string(kOneSymbolEvents), "--start-on-subscribe", "--seed", "72"});
  depthrec::RecorderConfig config = spot_btcusdt_config(sim, make_temp_dir("observers-one-symbol"));
  config.event_channels = {depthrec::Channel{depthrec::ChannelKind::trade, 0, {}, {}}};

  depthrec::Recorder recorder(config);
  std::vector<depthrec::ObservedTrade> trades;  // written by the observer's thread until stop()
  std::uint64_t books = 0;
  depthrec::ObserverOptions roomy;
  roomy.capacity = 1'000'000;
  const auto trade =
      recorder.on_trade([&](const depthrec::ObservedTrade& t) { trades.push_back(t); }, roomy);
  const auto book = recorder.on_book([&](const depthrec::TopOfBook&) { ++books; }, roomy);
  recorder.start();
  std::uint64_t trades_sent = 0;
  const bool counted = wait_until(
      [&] {
        const rapidjson::Document stats = sim_symbol_stats(sim, "BTCUSDT");
        if (!stats.IsObject() || !stats.HasMember("symbol") ||
            u64(stats["symbol"], "events_generated") < kOneSymbolEvents)
          return false;
        trades_sent = u64(stats["symbol"], "trade_events_sent");
        for (const depthrec::ChannelFigures& f : recorder.channel_figures()) {
          if (f.stream == "btcusdt@trade") return f.events >= trades_sent;
        }
        return false;
      },
      std::chrono::seconds(30));
  ASSERT_TRUE(counted) << recorder.last_error();
  recorder.stop();
  ASSERT_TRUE(recorder.last_error().empty()) << recorder.last_error();
  ASSERT_GT(trades_sent, 0u);
  ASSERT_EQ(trades.size(), trades_sent);
  for (std::size_t i = 1; i < trades.size(); ++i)
    EXPECT_EQ(trades[i].id, trades[i - 1].id + 1) << "in order, each once";
  EXPECT_EQ(trades.front().key->stream, "btcusdt@trade");
  EXPECT_GT(books, 0u) << "the book's observers beside the event channel's";
  EXPECT_EQ(trade->delivered(), trades_sent);
  EXPECT_EQ(book->dropped(), 0u);
}

}  // namespace
}  // namespace itest::observers_e2e_test

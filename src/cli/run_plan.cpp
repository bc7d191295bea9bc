#include "cli/run_plan.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "exposition/listen_address.hpp"
#include "plan/connection_planner.hpp"
#include "plan/paired_stream_rules.hpp"
#include "session/market_endpoints.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "transport/rest_weight_scheduler.hpp"
#include "venues/binance/binance_limits.hpp"
#include "venues/venue_rules.hpp"

namespace depthrec::cli {
namespace {

// The keys the run subscribes: the many-stream engine's, or the single stream's.
std::vector<SubscriptionKey> keys_of(const RecorderConfig& config) {
  if (!config.subscriptions.empty()) return config.subscriptions;
  return subscriptions_of(config, {{config.market, config.symbol}});
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

}  // namespace

PlanReport describe_plan(const ParsedCommandLine& parsed) {
  const RecorderConfig& config = parsed.config;
  PlanReport report;
  std::ostringstream out;
  if (parsed.file)
    out << "config: " << parsed.file->file << " (mode " << parsed.file->mode << ")\n";
  if (!config.metrics_listen.empty()) {  // checked as a run checks it; bound only by a run
    std::string error;
    if (exposition::parse_listen_address(config.metrics_listen, config.metrics_allow_remote,
                                         error)) {
      out << "metrics: /metrics and /healthz on " << config.metrics_listen << "\n";
    } else {
      out << "refused: " << error << "\n";
      report.ok = false;
    }
  }
  if (config.symbol_selection.has_all()) {
    out << "symbols: ";
    for (const SelectionItem& item : config.symbol_selection.items) out << to_string(item) << " ";
    out << "\nplan: ALL is resolved against exchangeInfo at start; connections are planned then\n";
    report.text = out.str();
    return report;
  }
  venues::VenueOptions options;
  options.futures_streams_per_connection = config.futures_streams_per_connection;
  options.spot_streams_per_connection = config.spot_streams_per_connection;
  for (Market market : {Market::spot, Market::usdm, Market::coinm})
    options.ws_endpoint(market) = session::ws_endpoint_of(config, market);
  plan::ConnectionPlanner planner(std::make_shared<const plan::PairedStreamRules>(options));
  std::vector<SubscriptionKey> keys = keys_of(config);
  const plan::PlanChange change = planner.add(keys);
  for (const plan::KeyError& error : change.errors) {
    out << "refused: " << error.message << "\n";
    report.ok = false;
  }
  std::size_t depth_streams = 0;
  std::size_t event_streams = 0;                       // trade, aggTrade
  std::size_t rpi_streams = 0;                         // USD-M RPI books
  std::map<std::string, int> snapshot_weight_by_pool;  // diff depth books sync from a snapshot
  std::map<std::string, int> snapshots_by_pool;
  for (const SubscriptionKey& key : keys) {
    if (is_event_channel(key.channel.kind)) ++event_streams;
    if (key.channel.kind == ChannelKind::book_ticker || is_event_channel(key.channel.kind))
      continue;
    const bool rpi = key.channel.kind == ChannelKind::rpi_depth;
    ++(rpi ? rpi_streams : depth_streams);
    if (key.channel.kind != ChannelKind::diff_depth && !rpi) continue;
    const std::string pool(session::rest_budget_name(key.market));
    snapshot_weight_by_pool[pool] += rpi ? venues::binance::kRpiSnapshotWeight
                                         : snapshot_weight(key.market, config.snapshot_limit);
    ++snapshots_by_pool[pool];
  }
  out << "streams: " << keys.size() << " (" << depth_streams << " depth, "
      << keys.size() - depth_streams - event_streams - rpi_streams << " bookTicker";
  if (rpi_streams > 0) out << ", " << rpi_streams << " rpiDepth";
  if (event_streams > 0) out << ", " << event_streams << " trade/aggTrade";
  out << ")\n";
  out << "connections: " << planner.connections().size() << "\n";
  for (const plan::PlannedConnection& connection : planner.connections()) {
    out << "  #" << connection.id << " " << venues::to_string(connection.group) << ": "
        << connection.streams.size() << " streams:";
    for (StreamId id : connection.streams) {
      const SubscriptionKey& key = planner.table().key(id);
      out << " " << to_lower(key.symbol) << "@" << to_string(key.channel);
    }
    out << "\n";
  }
  for (const transport::RestBudgetConfig& budget : session::recorder_rest_budgets(config)) {
    const int initial = transport::rest_weight_limit(budget, transport::RestPriority::initial);
    const double window_seconds = static_cast<double>(budget.window.count()) / 1000.0;
    out << "REST budget " << budget.name << ": " << budget.weight_per_window << " weight per "
        << seconds_text(window_seconds) << " (initial syncs use at most " << initial << ")\n";
    const auto weight = snapshot_weight_by_pool.find(budget.name);
    if (weight == snapshot_weight_by_pool.end()) continue;
    const double sync_seconds =
        initial > 0 ? static_cast<double>(weight->second) / initial * window_seconds : 0;
    out << "initial sync " << budget.name << ": " << snapshots_by_pool[budget.name]
        << " snapshots (limit " << config.snapshot_limit << "), weight " << weight->second << " / "
        << initial << " per window = " << seconds_text(sync_seconds) << " expected\n";
  }
  if (config.repair_trades) {
    const auto agg_streams = std::count_if(keys.begin(), keys.end(), [](const SubscriptionKey& k) {
      return k.channel.kind == ChannelKind::agg_trade;
    });
    out << "repair-trades: " << agg_streams
        << " aggTrade streams; a gap is fetched in requests of up to 1000 ids, weight "
        << venues::binance::agg_trades_weight(Market::spot) << " spot / "
        << venues::binance::agg_trades_weight(Market::usdm)
        << " futures each, at low priority (after every snapshot)\n";
  }
  report.text = out.str();
  return report;
}

std::string describe_symbols(const ParsedCommandLine& parsed) {
  std::ostringstream out;
  if (parsed.file) {
    for (const config::ConfigSymbol& symbol : parsed.file->symbols) {
      out << to_string(symbol.market.value_or(parsed.config.market)) << ":" << symbol.symbol;
      for (const config::ConfigStream& stream : symbol.streams) {
        out << " " << stream.name;
        if (stream.parsed.kind != config::StreamNameKind::recorded) out << "(not recorded yet)";
      }
      if (!symbol.enabled) out << " [disabled]";
      out << "\n";
    }
    return out.str();
  }
  for (const SelectionItem& item : parsed.selection.items) out << to_string(item) << "\n";
  return out.str();
}

}  // namespace depthrec::cli

// Engine::resolve_symbols(): `--symbols ALL` at start. Each market the selection needs has its
// exchangeInfo fetched through the shared RestScheduler (retried with backoff), the selection is
// resolved by the venue (TRADING, --quote, --max-symbols, named symbols checked), and every
// resolved symbol becomes the run's subscriptions. A market whose list cannot be had is left out
// with an error (its symbols are problems), the others go on.
#include <stdexcept>
#include <utility>

#include "session/engine.hpp"
#include "session/exchange_info_fetch.hpp"
#include "session/market_endpoints.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "transport/backoff.hpp"

namespace depthrec::session {
namespace {

// Attempts per market at start: with the default backoff (250 ms doubling) about 4 s of retries,
// enough for a blip; a market down for longer is left out rather than holding the start.
constexpr int kStartAttempts = 5;

}  // namespace

bool Engine::wait_unless_stopped(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(error_mutex_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stop_requested_.load(); });
}

std::optional<binance::ExchangeInfo> Engine::fetch_exchange_info_at_start(Market market) {
  const std::string name(to_string(market));
  ExchangeInfoRequest request;
  request.market = market;
  request.rest_endpoint = rest_endpoint_of(config_, market);
  request.budget = rest_scheduler_->find_budget(rest_budget_name(market)).value();
  transport::Backoff backoff({config_.backoff_initial, config_.backoff_max}, config_.jitter_seed);
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    binance::ExchangeInfo info;
    const std::string error = fetch_exchange_info(*rest_scheduler_, request, info);
    if (error.empty()) {
      std::size_t trading = 0;
      for (const binance::SymbolInfo& symbol : info.symbols) trading += symbol.is_trading();
      log_->log(LogLevel::info, "exchangeInfo of " + name + ": " +
                                    std::to_string(info.symbols.size()) + " symbols listed, " +
                                    std::to_string(trading) + " TRADING");
      return info;
    }
    ++exchange_info_failures_;
    if (attempt == kStartAttempts || stop_requested_) {
      std::string message = "exchangeInfo of " + name + " failed " + std::to_string(attempt);
      message += " times, last: ";
      message += error;
      message += "; its symbols are not recorded";
      log_->log(LogLevel::error, message);
      return std::nullopt;
    }
    const std::chrono::milliseconds delay = backoff.next();
    std::string message = "exchangeInfo of " + name + " failed: ";
    message += error;
    message += "; retrying in " + std::to_string(delay.count()) + " ms (attempt " +
               std::to_string(attempt) + " of " + std::to_string(kStartAttempts) + ")";
    log_->log(LogLevel::error, message);
    if (!wait_unless_stopped(delay)) return std::nullopt;
  }
  return std::nullopt;
}

void Engine::resolve_symbols() {
  const SymbolSelection& selection = config_.symbol_selection;
  std::vector<binance::ExchangeInfo> infos;
  for (Market market : selection.markets()) {
    if (std::optional<binance::ExchangeInfo> info = fetch_exchange_info_at_start(market))
      infos.push_back(std::move(*info));
  }
  if (stop_requested_) throw std::runtime_error("stopped while fetching exchangeInfo");
  resolution_ = binance::resolve_selection(selection, infos);
  // One clear line per symbol left out; the others go on.
  for (const binance::SymbolProblem& problem : resolution_.problems) {
    log_->log(LogLevel::error, std::string(to_string(problem.market)) + ":" + problem.symbol +
                                   " is not recorded: " + problem.reason);
  }
  std::size_t named = 0;
  std::vector<std::pair<Market, std::string>> symbols;
  for (const binance::ResolvedSymbol& symbol : resolution_.symbols) {
    named += symbol.named;
    symbols.emplace_back(symbol.market, symbol.symbol);
  }
  log_->log(LogLevel::info,
            "--symbols resolved to " + std::to_string(symbols.size()) + " symbols (" +
                std::to_string(named) + " named, " + std::to_string(symbols.size() - named) +
                " from ALL); left out: " + std::to_string(resolution_.problems.size()) +
                " not recordable, " + std::to_string(resolution_.capped) + " by --max-symbols, " +
                std::to_string(resolution_.unsupported) + " with names unfit for files");
  if (symbols.empty()) {
    throw std::runtime_error(
        "--symbols resolved to no symbol to record" +
        (resolution_.problems.empty()
             ? std::string(" (no TRADING symbol matches)")
             : " (" +
                   to_string(SelectionItem{resolution_.problems.front().market,
                                           resolution_.problems.front().symbol}) +
                   ": " + resolution_.problems.front().reason + ")"));
  }
  config_.subscriptions = subscriptions_of(config_, symbols);
}

}  // namespace depthrec::session

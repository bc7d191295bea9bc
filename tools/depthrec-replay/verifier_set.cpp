#include "verifier_set.hpp"

#include <utility>

namespace depthrec::replay {

VerifierSet::VerifierSet(VerifierOptions options, ReplayVerifier::BookHook hook)
    : options_(std::move(options)), hook_(std::move(hook)) {
  options_.symbol = to_upper(options_.symbol);
  if (!options_.symbol.empty()) {
    hooked_ = verifier_for(options_.symbol, options_.symbol);
  }
}

namespace {

// A book is a (market, symbol): a recording of several markets has BTCUSDT on spot and on USD-M,
// two books under one stream name. Items that do not say their market (raw captures) are keyed
// by symbol alone, as before. USD-M's RPI book (<sym>@rpiDepth@500ms) is a book of its own
// beside the symbol's normal one: its stream marks its key.
std::string book_key(const ReplayItem& item) {
  std::string key(item.symbol);
  if (item.stream.find("@rpiDepth") != std::string_view::npos) key += "@rpiDepth";
  return item.market ? std::string(to_string(*item.market)) + ":" + key : key;
}

}  // namespace

ReplayVerifier* VerifierSet::verifier_for(const std::string& key, const std::string& symbol) {
  const auto found = verifiers_.find(key);
  if (found != verifiers_.end()) return found->second.get();
  // With --symbol, only that one is verified; other symbols go to it to be counted as such.
  if (!options_.symbol.empty() && !verifiers_.empty()) return verifiers_.begin()->second.get();
  VerifierOptions options = options_;
  options.symbol = symbol;
  auto verifier = std::make_unique<ReplayVerifier>(options);
  const ReplayVerifier* self = verifier.get();
  verifier->set_book_hook([this, self](std::int64_t recv_ns, const OrderBook& book) {
    if (self == hooked_ && hook_) hook_(recv_ns, book);
    if (stream_hooks_.book) stream_hooks_.book(self->report(), recv_ns, book);
  });
  verifier->set_invalid_hook([this, self](std::int64_t recv_ns) {
    if (stream_hooks_.invalid) stream_hooks_.invalid(self->report(), recv_ns);
  });
  order_.push_back(key);
  return verifiers_.emplace(key, std::move(verifier)).first->second.get();
}

void VerifierSet::feed(const ReplayItem& item) {
  if (item.type == ReplayItemType::snapshot && item.symbol.empty()) {
    feed_unnamed_snapshot(item);
    return;
  }
  if (item.symbol.empty()) {
    if (item.recv_ns <= 0) return;  // a capture's header (cryptofeed `configuration:`): no time
    // Trades, replies, connects of a raw capture: they only widen the time span of each stream.
    for (auto& [symbol, verifier] : verifiers_) verifier->feed(item);
    return;
  }
  const std::string symbol = book_key(item);
  if (item.type == ReplayItemType::snapshot) ++snapshots_by_symbol_[symbol];
  const bool first_symbol = symbols_seen_.empty();
  symbols_seen_.insert(symbol);
  ReplayVerifier* verifier = verifier_for(symbol, std::string(item.symbol));
  if (hooked_ == nullptr && item.type == ReplayItemType::depth) {
    hooked_ = verifier;  // the primary stream's: the first with depth events
  }
  if (first_symbol && !waiting_snapshots_.empty()) give_waiting_snapshots(*verifier, symbol);
  verifier->feed(item);
}

void VerifierSet::feed_unnamed_snapshot(const ReplayItem& item) {
  if (symbols_seen_.size() > 1) {
    ++unattributed_snapshots_;
    return;
  }
  if (symbols_seen_.empty()) {
    waiting_snapshots_.push_back(item.snapshot);
    waiting_snapshots_.back().bids_json = {};
    waiting_snapshots_.back().asks_json = {};
    waiting_recv_ns_.push_back(item.recv_ns);
    return;
  }
  const std::string& symbol = *symbols_seen_.begin();
  if (!options_.symbol.empty() && symbol != options_.symbol) {
    ++unattributed_snapshots_;  // the input's one symbol is not the one asked for
    return;
  }
  ++guessed_by_symbol_[symbol];
  verifier_for(symbol, symbol)->feed(item);
}

void VerifierSet::give_waiting_snapshots(ReplayVerifier& verifier, const std::string& symbol) {
  const bool mine = options_.symbol.empty() || symbol == options_.symbol;
  for (std::size_t i = 0; i < waiting_snapshots_.size(); ++i) {
    if (!mine) {
      ++unattributed_snapshots_;
      continue;
    }
    ReplayItem held;
    held.type = ReplayItemType::snapshot;
    held.recv_ns = waiting_recv_ns_[i];
    held.snapshot = std::move(waiting_snapshots_[i]);
    ++guessed_by_symbol_[symbol];
    verifier.feed(held);
  }
  waiting_snapshots_.clear();
  waiting_recv_ns_.clear();
}

void VerifierSet::finish() {
  unattributed_snapshots_ += waiting_snapshots_.size();  // no symbol ever came
  waiting_snapshots_.clear();
  std::uint64_t named_snapshots = 0;
  for (const auto& [symbol, count] : snapshots_by_symbol_) named_snapshots += count;
  for (auto& [symbol, verifier] : verifiers_) {
    const auto own = snapshots_by_symbol_.find(symbol);
    const auto guessed = guessed_by_symbol_.find(symbol);
    CaptureFacts facts;
    facts.snapshots_other_symbols =
        named_snapshots - (own == snapshots_by_symbol_.end() ? 0 : own->second);
    facts.snapshots_unattributed = unattributed_snapshots_;
    facts.snapshots_guessed = guessed == guessed_by_symbol_.end() ? 0 : guessed->second;
    facts.several_symbols = symbols_seen_.size() > 1;
    verifier->finish(facts);
  }
}

const ReplayReport& VerifierSet::primary() const {
  const std::vector<const ReplayReport*> streams = reports();
  if (!streams.empty()) return *streams.front();
  return order_.empty() ? empty_ : verifiers_.at(order_.front())->report();
}

std::vector<const ReplayReport*> VerifierSet::reports() const {
  std::vector<const ReplayReport*> reports;
  for (const std::string& symbol : order_) {
    const ReplayReport& report = verifiers_.at(symbol)->report();
    // A symbol with only a snapshot or tickers in the input has no stream to verify; the one
    // asked for with --symbol is reported even then (it fails: nothing to verify).
    if (report.depth_events > 0 || report.symbol == options_.symbol) reports.push_back(&report);
  }
  return reports;
}

}  // namespace depthrec::replay

#include "per_second_stats.hpp"

#include <limits>
#include <sstream>

namespace observers_example {
namespace {

std::int64_t second_of(std::int64_t ms) {
  return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

std::string head_of(const depthrec::StreamKey& key, std::int64_t second, const char* stat) {
  std::ostringstream line;
  line << "{\"market\":\"" << depthrec::to_string(key.market) << "\",\"symbol\":\"" << key.symbol
       << "\",\"second\":" << second << ",\"stat\":\"" << stat << "\"";
  return line.str();
}

}  // namespace

void LinePrinter::print(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << '\n' << std::flush;  // a reader (a test, a pipe) sees each second as it ends
}

std::string signed_decimal_text(depthrec::DecimalUnits units) {
  depthrec::Decimal magnitude;
  magnitude.units = units < 0 ? -units : units;
  return (units < 0 ? "-" : "") + depthrec::to_string(magnitude);
}

void SignedVolumePerSecond::on_agg_trade(const depthrec::ObservedTrade& trade) {
  const std::int64_t second = second_of(trade.trade_time_ms);
  auto [it, fresh] = open_.try_emplace(*trade.key);
  Second& s = it->second;
  if (!fresh && second != s.second) {
    print(it->first, s);
    s = Second{};
  }
  s.second = second;
  (trade.buyer_is_maker ? s.sold : s.bought) += trade.quantity.units;
  ++s.trades;
}

void SignedVolumePerSecond::flush() {
  for (const auto& [key, s] : open_) print(key, s);
  open_.clear();
}

void SignedVolumePerSecond::print(const depthrec::StreamKey& key, const Second& s) {
  depthrec::Decimal bought, sold;
  bought.units = s.bought;
  sold.units = s.sold;
  printer_.print(head_of(key, s.second, "signed_agg_volume") + ",\"signed_volume\":\"" +
                 signed_decimal_text(s.bought - s.sold) + "\",\"buy_volume\":\"" +
                 depthrec::to_string(bought) + "\",\"sell_volume\":\"" + depthrec::to_string(sold) +
                 "\",\"agg_trades\":" + std::to_string(s.trades) + "}");
}

void LevelOneOfiPerSecond::on_book(const depthrec::TopOfBook& state) {
  Chain& c = chains_[*state.key];
  if (!state.synced) {  // a break: the next synced state starts a new chain
    c.has_previous = false;
    ++c.breaks;
    return;
  }
  const std::int64_t second = second_of(state.event_time_ms);
  if (c.open && second != c.second) {
    print(*state.key, c);
    c.ofi = 0;
    c.states = c.transitions = c.breaks = 0;
  }
  c.open = true;
  c.second = second;
  ++c.states;
  // An empty side compares below (bids) or above (asks) every price, with no quantity.
  Level bid{std::numeric_limits<std::int64_t>::min(), 0};
  Level ask{std::numeric_limits<std::int64_t>::max(), 0};
  if (!state.bids.empty())
    bid = {state.bids.front().price.units, depthrec::to_double(state.bids.front().qty)};
  if (!state.asks.empty())
    ask = {state.asks.front().price.units, depthrec::to_double(state.asks.front().qty)};
  if (c.has_previous) {
    double e = 0;
    if (bid.price >= c.bid.price) e += bid.qty;
    if (bid.price <= c.bid.price) e -= c.bid.qty;
    if (ask.price <= c.ask.price) e -= ask.qty;
    if (ask.price >= c.ask.price) e += c.ask.qty;
    c.ofi += e;
    ++c.transitions;
  }
  c.bid = bid;
  c.ask = ask;
  c.has_previous = true;
}

void LevelOneOfiPerSecond::flush() {
  for (const auto& [key, c] : chains_)
    if (c.open) print(key, c);
  chains_.clear();
}

void LevelOneOfiPerSecond::print(const depthrec::StreamKey& key, const Chain& c) {
  std::ostringstream line;
  line.precision(17);  // a double read back is the double written
  line << head_of(key, c.second, "ofi_l1") << ",\"ofi\":" << c.ofi << ",\"states\":" << c.states
       << ",\"transitions\":" << c.transitions << ",\"breaks\":" << c.breaks << "}";
  printer_.print(line.str());
}

}  // namespace observers_example

#include "ofi_reference.hpp"

#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>

namespace itest {
namespace {

using Bids = std::map<std::int64_t, double, std::greater<std::int64_t>>;  // best (highest) first
using Asks = std::map<std::int64_t, double>;                              // best (lowest) first

struct Level {
  std::int64_t price = 0;
  double qty = 0.0;
};

struct Book {
  Bids bids;
  Asks asks;
};

void set_levels(const rapidjson::Value& array, Bids* bids, Asks* asks) {
  for (const auto& level : array.GetArray()) {
    const std::int64_t price = price_units(level[0].GetString());
    const double qty = std::strtod(level[1].GetString(), nullptr);
    if (bids) {
      if (qty == 0.0)
        bids->erase(price);
      else
        (*bids)[price] = qty;
    } else {
      if (qty == 0.0)
        asks->erase(price);
      else
        (*asks)[price] = qty;
    }
  }
}

void apply(Book& book, const rapidjson::Value& depth) {
  set_levels(depth["b"], &book.bids, nullptr);
  set_levels(depth["a"], nullptr, &book.asks);
}

// The top `n` levels; absent ones at -inf / +inf (as INT64_MIN / INT64_MAX) with no quantity.
template <typename Side>
std::vector<Level> top(const Side& side, std::size_t n, std::int64_t absent) {
  std::vector<Level> out(n, Level{absent, 0.0});
  std::size_t i = 0;
  for (auto it = side.begin(); it != side.end() && i < n; ++it, ++i)
    out[i] = {it->first, it->second};
  return out;
}

struct State {
  std::vector<Level> bids;
  std::vector<Level> asks;
  std::uint64_t first_id = 0;
  std::uint64_t final_id = 0;
  std::int64_t event_ms = 0;
  bool restart = false;  // first state after a resync
};

// Futures join rule: the first event applied on a snapshot has U <= lastUpdateId <= u, or
// pu == lastUpdateId. This reference does not model a snapshot the recorder refused.
void check_join(const rapidjson::Value& event, std::uint64_t snapshot_id, bool& joined) {
  if (joined) return;
  if (event["U"].GetUint64() > snapshot_id && event["pu"].GetUint64() != snapshot_id)
    throw std::runtime_error("no event joins snapshot " + std::to_string(snapshot_id));
  joined = true;
}

}  // namespace

std::int64_t price_units(const std::string& text) {
  const auto dot = text.find('.');
  std::int64_t units = std::stoll(text.substr(0, dot)) * 100'000'000;
  if (dot != std::string::npos) {
    std::string fraction = text.substr(dot + 1);
    if (fraction.size() > 8) throw std::runtime_error("more than 8 decimals: " + text);
    fraction.append(8 - fraction.size(), '0');
    units += std::stoll(fraction);
  }
  return units;
}

std::vector<ReferenceWindow> reference_ofi(const std::vector<rapidjson::Document>& records,
                                           const ReferenceOptions& options) {
  // 1. The published book states.
  std::vector<State> states;
  Book book;
  std::vector<const rapidjson::Document*> buffered;
  bool have_snapshot = false;
  bool synced_once = false;
  bool restart_next = false;
  std::uint64_t snapshot_id = 0;
  bool joined = false;
  for (const auto& record : records) {
    const std::string type = record["type"].GetString();
    if (type == "gap" && std::strcmp(record["reason"].GetString(), "writer_drop") != 0) {
      have_snapshot = false;
      buffered.clear();
    } else if (type == "snapshot") {
      book = Book{};
      set_levels(record["bids"], &book.bids, nullptr);
      set_levels(record["asks"], nullptr, &book.asks);
      snapshot_id = record["lastUpdateId"].GetUint64();
      joined = false;
      for (const auto* event : buffered) {  // applied with the snapshot, not handed out
        if ((*event)["u"].GetUint64() < snapshot_id) continue;
        check_join(*event, snapshot_id, joined);
        apply(book, *event);
      }
      buffered.clear();
      have_snapshot = true;
      restart_next = synced_once;
      synced_once = true;
    } else if (type == "depth") {
      if (!have_snapshot) {
        buffered.push_back(&record);
        continue;
      }
      if (record["u"].GetUint64() < snapshot_id) continue;  // older than the snapshot
      check_join(record, snapshot_id, joined);
      apply(book, record);
      State state;
      state.bids = top(book.bids, options.levels, INT64_MIN);
      state.asks = top(book.asks, options.levels, INT64_MAX);
      state.first_id = record["U"].GetUint64();
      state.final_id = record["u"].GetUint64();
      state.event_ms = record["E"].GetInt64();
      state.restart = restart_next;
      restart_next = false;
      states.push_back(std::move(state));
    }
  }

  // 2. Windows and the OFI of each transition, by the formula of Cont, Kukanov & Stoikov.
  std::vector<ReferenceWindow> windows;
  bool open = false;
  for (std::size_t n = 0; n < states.size(); ++n) {
    const State& s = states[n];
    const bool new_window =
        !open || (options.window_ms > 0 ? s.event_ms >= windows.back().end_ms
                                        : windows.back().events == options.window_events);
    if (new_window) {
      ReferenceWindow w;
      if (options.window_ms > 0) {
        w.start_ms = s.event_ms - s.event_ms % options.window_ms;  // E > 0
        w.end_ms = w.start_ms + options.window_ms;
      } else {
        w.start_ms = s.event_ms;
      }
      w.first_id = s.first_id;
      w.mlofi.assign(options.levels, 0.0);
      windows.push_back(std::move(w));
      open = true;
    }
    ReferenceWindow& w = windows.back();
    ++w.events;
    w.last_id = s.final_id;
    if (options.window_events > 0) w.end_ms = s.event_ms;
    w.best_bid_units = s.bids[0].price;
    w.best_ask_units = s.asks[0].price;
    if (n == 0) continue;
    if (s.restart) {
      ++w.gaps;
      continue;
    }
    const State& p = states[n - 1];
    for (std::size_t m = 0; m < options.levels; ++m) {
      double e = 0.0;
      if (s.bids[m].price >= p.bids[m].price) e += s.bids[m].qty;
      if (s.bids[m].price <= p.bids[m].price) e -= p.bids[m].qty;
      if (s.asks[m].price <= p.asks[m].price) e -= s.asks[m].qty;
      if (s.asks[m].price >= p.asks[m].price) e += p.asks[m].qty;
      w.mlofi[m] += e;
    }
    ++w.transitions;
  }
  // The last window is still open when depthrec-ofi stops, unless a count window just filled.
  if (!windows.empty())
    windows.back().complete =
        options.window_events > 0 && windows.back().events == options.window_events;
  return windows;
}

}  // namespace itest

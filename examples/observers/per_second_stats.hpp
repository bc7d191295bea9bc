// The example's two statistics, each fed by one observer on its own thread and each printing one
// NDJSON line per symbol and second once that second is over (docs/observers.md, "Example"):
//   SignedVolumePerSecond: aggTrade quantity, + when the taker bought (m false), - when it sold,
//     summed exactly per trade time T second.
//   LevelOneOfiPerSecond: the best-level order-flow imbalance (Cont, Kukanov, Stoikov 2014) of
//     consecutive synced book states, summed per event time E second; a break of the book (an
//     unsynced state) restarts the chain.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/decimal.hpp"
#include "depthrec/observer_events.hpp"

namespace observers_example {

// Whole lines from several observer threads, never interleaved.
class LinePrinter {
 public:
  explicit LinePrinter(std::ostream& out) : out_(out) {}
  void print(const std::string& line);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

class SignedVolumePerSecond {
 public:
  explicit SignedVolumePerSecond(LinePrinter& printer) : printer_(printer) {}
  void on_agg_trade(const depthrec::ObservedTrade& trade);  // the observer's thread
  void flush();  // prints the seconds still open; after Recorder::stop()

 private:
  struct Second {
    std::int64_t second = 0;
    depthrec::DecimalUnits bought = 0, sold = 0;  // exact, 10^-8 units
    std::uint64_t trades = 0;
  };
  void print(const depthrec::StreamKey& key, const Second& s);

  LinePrinter& printer_;
  std::map<depthrec::StreamKey, Second> open_;
};

class LevelOneOfiPerSecond {
 public:
  explicit LevelOneOfiPerSecond(LinePrinter& printer) : printer_(printer) {}
  void on_book(const depthrec::TopOfBook& state);  // the observer's thread
  void flush();

 private:
  struct Level {
    depthrec::DecimalUnits price = 0;  // exact, so "price unchanged" is exact
    double qty = 0;
  };
  struct Chain {
    std::int64_t second = 0;
    double ofi = 0;
    std::uint64_t states = 0, transitions = 0, breaks = 0;
    bool open = false;          // a second has begun
    bool has_previous = false;  // a synced state to difference against
    Level bid, ask;
  };
  void print(const depthrec::StreamKey& key, const Chain& c);

  LinePrinter& printer_;
  std::map<depthrec::StreamKey, Chain> chains_;
};

// "-1.25000000" for -1.25: the exact signed figure as text.
std::string signed_decimal_text(depthrec::DecimalUnits units);

}  // namespace observers_example

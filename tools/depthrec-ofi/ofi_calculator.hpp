// Order-flow imbalance (OFI) of a synced order book, window by window.
//
// Best level (Cont, Kukanov & Stoikov 2014), for consecutive book states n-1 -> n:
//   e_n = 1{Pb_n >= Pb_n-1} qb_n - 1{Pb_n <= Pb_n-1} qb_n-1 - 1{Pa_n <= Pa_n-1} qa_n
//         + 1{Pa_n >= Pa_n-1} qa_n-1
// and OFI over a window = the sum of e_n of the states in it. Multi-level (Xu, Gould & Howison
// 2019): the same formula on the m-th best level of each side gives OFI_m, m = 1..M (OFI_1 is
// the best-level OFI). Optionally each OFI_m is divided by the window's average depth
// Q = 1/M sum_m 1/(2N) sum_n (qb_m,n + qa_m,n) over its N states (Cont, Cucuringu & Zhang).
//
// Prices are compared as exact decimals: a price "unchanged" must be exactly unchanged, never
// within a float epsilon. Quantities enter the sums as doubles: OFI is an analytic figure that
// is summed over long windows and divided by a depth, quantities span 1e-8 to 1e10, and a
// fixed-point sum of them can overflow int64; a double keeps ~16 significant digits, far finer
// than a quantity step for any realistic window.
//
// An absent m-th level (a side with fewer than m levels) is a level at price -inf (bids) or
// +inf (asks) with quantity 0, so the formula stays defined: a level that appears contributes
// its quantity, one that vanishes removes its previous quantity.
//
// No OFI spans a gap: a state the recorder marks unsynced is skipped, and a state whose update
// ids do not continue the previous state's (futures: pu == previous u; spot diff: U == previous
// u + 1; a dropped queue entry shows up the same way) starts a new chain without a transition.
// Either flags the window it falls in (OfiWindow::gap).
//
// Not thread-safe: one thread feeds a calculator (the recorder's callback thread, or the
// consumer of a BookUpdateQueue); the window sink runs on that thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/recorder.hpp"

namespace depthrec::ofi {

enum class WindowClock : std::uint8_t {
  event_time,    // the exchange's event time E (deterministic: the recording carries it)
  receive_time,  // the local receive time of the frame
};

struct OfiConfig {
  std::size_t levels = 5;  // M: OFI_1 .. OFI_M
  WindowClock clock = WindowClock::event_time;
  // Exactly one of the two is > 0. Time windows are [k*window_ms, (k+1)*window_ms) on the clock;
  // count windows close after window_events book states.
  std::int64_t window_ms = 1000;
  std::uint64_t window_events = 0;
  bool normalize = false;  // also report OFI_m / average depth
};
inline constexpr std::size_t kMaxLevels = 100;
// Empty when usable, else a message naming the bad field.
std::string validate(const OfiConfig& config);

// One closed window. Time windows: [start_ms, end_ms) on the window clock. Count windows: the
// clock times of the first and last synced state in it.
struct OfiWindow {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  bool complete = true;           // false: the window still open when the calculator finished
  std::uint64_t events = 0;       // synced book states in the window
  std::uint64_t transitions = 0;  // e_n terms summed (states whose previous state was known)
  std::uint64_t skipped = 0;      // unsynced states skipped
  std::uint64_t gaps = 0;         // states that restart the chain after a break (no transition)
  bool gap = false;               // gaps or skipped > 0: the OFI misses changes in this window
  std::uint64_t first_id = 0;     // U of the first state in the window (0: none)
  std::uint64_t last_id = 0;      // u of the last state
  double ofi = 0.0;               // best level: mlofi[0]
  std::vector<double> mlofi;      // OFI_1 .. OFI_M
  double avg_depth = 0.0;         // Q above (0 when no state)
  std::vector<double> mlofi_normalized;  // OFI_m / Q when configured and Q > 0, else empty
  std::optional<Decimal> best_bid;       // at the window's last state
  std::optional<Decimal> best_ask;
  std::optional<double> mid;  // (best bid + best ask) / 2 when both sides exist
};

struct OfiCounters {
  std::uint64_t states = 0;       // synced states used
  std::uint64_t transitions = 0;  // e_n computed
  std::uint64_t skipped = 0;      // unsynced states
  std::uint64_t breaks = 0;       // chain restarts: ids not continuing, or after unsynced states
  std::uint64_t windows = 0;      // windows emitted
};

class OfiCalculator {
 public:
  using WindowSink = std::function<void(const OfiWindow&)>;

  // Throws std::invalid_argument when validate(config) fails.
  OfiCalculator(OfiConfig config, WindowSink sink);

  // A Recorder::on_update callback: reads the top M levels of the book in place.
  void on_book(const BookUpdate& update);
  // A state from a BookUpdateQueue (levels best first, as many as the queue keeps).
  void on_top(const TopOfBook& top);
  // Emits the open window (complete = false) if it saw anything. Feeding may continue after it.
  void finish();

  const OfiConfig& config() const { return config_; }
  const OfiCounters& counters() const { return counters_; }

 private:
  struct Quote {
    Decimal price;
    double qty = 0.0;
  };
  // The top M levels of one state; absent levels hold the +-inf sentinels.
  struct State {
    std::vector<Quote> bids;
    std::vector<Quote> asks;
    std::uint64_t final_id = 0;
  };
  struct StateInfo {
    std::uint64_t first_id = 0;
    std::uint64_t final_id = 0;
    std::uint64_t prev_final_id = 0;
    bool has_prev_final_id = false;
    DepthKind kind = DepthKind::diff;
    std::int64_t clock_ms = 0;
    bool has_clock = false;
    bool synced = true;
  };

  // Rolls the window and handles an unsynced state; returns false when the state is skipped.
  bool begin_state(const StateInfo& info);
  void end_state(const StateInfo& info);
  bool continues(const StateInfo& info) const;
  void roll_window(const StateInfo& info);
  void open_window(std::int64_t start_ms);
  void emit(bool complete);
  void clear_level_sentinels();

  OfiConfig config_;
  WindowSink sink_;
  State previous_;
  State current_;
  bool has_previous_ = false;
  bool chain_broken_ = false;  // unsynced states came after the last synced one
  OfiCounters counters_;

  bool window_open_ = false;
  OfiWindow window_;
  double depth_sum_ = 0.0;  // sum over states of their mean depth per level and side
};

}  // namespace depthrec::ofi

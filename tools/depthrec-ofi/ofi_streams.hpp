// One OFI calculator per (market, symbol) of a run of several symbols: each book update goes to
// the calculator of its key (BookUpdate::key), so no OFI ever mixes two books, and a break of one
// symbol's book flags that symbol's window only. Windows leave through one sink, with the index
// of the stream they belong to.
//
// Not thread-safe, as OfiCalculator: one thread feeds it (the recorder's callback thread), the
// sink runs on that thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "depthrec/market.hpp"
#include "ofi_calculator.hpp"

namespace depthrec::ofi {

struct OfiStream {
  Market market = Market::usdm;
  std::string symbol;  // upper case, as in the recorder's keys
};
// "usdm:BTCUSDT": how several streams' windows and figures are named.
std::string to_string(const OfiStream& stream);

class OfiStreams {
 public:
  using StreamWindowSink = std::function<void(std::size_t stream, const OfiWindow&)>;

  // One calculator per stream, in the order given (no two alike). Throws std::invalid_argument
  // when validate(config) fails or no stream is given.
  OfiStreams(const OfiConfig& config, std::vector<OfiStream> streams, const StreamWindowSink& sink);
  OfiStreams(const OfiStreams&) = delete;
  OfiStreams& operator=(const OfiStreams&) = delete;

  // A Recorder::on_update callback: the update goes to its key's calculator. An update of a key
  // not given at construction is counted (unknown_updates) and ignored.
  void on_book(const BookUpdate& update);
  // Emits every stream's open window (complete = false), streams in order.
  void finish();

  std::size_t size() const { return streams_.size(); }
  const OfiStream& stream(std::size_t index) const { return streams_[index]; }
  OfiCalculator& calculator(std::size_t index) { return calculators_[index]; }
  const OfiCalculator& calculator(std::size_t index) const { return calculators_[index]; }
  OfiCounters total_counters() const;  // the sum over the streams
  std::uint64_t unknown_updates() const { return unknown_updates_; }

 private:
  static constexpr std::size_t kNoStream = static_cast<std::size_t>(-1);
  std::size_t index_of(const StreamKey& key) const;

  std::vector<OfiStream> streams_;
  std::vector<OfiCalculator> calculators_;
  // Per market, symbol -> stream index. The views point into streams_, never resized after.
  std::array<std::unordered_map<std::string_view, std::size_t>, 3> index_;
  std::uint64_t unknown_updates_ = 0;
};

}  // namespace depthrec::ofi

#include "ofi_streams.hpp"

#include <stdexcept>
#include <utility>

namespace depthrec::ofi {

std::string to_string(const OfiStream& stream) {
  return std::string(depthrec::to_string(stream.market)) + ":" + stream.symbol;
}

OfiStreams::OfiStreams(const OfiConfig& config, std::vector<OfiStream> streams,
                       const StreamWindowSink& sink)
    : streams_(std::move(streams)) {
  if (streams_.empty()) throw std::invalid_argument("no stream to compute OFI for");
  calculators_.reserve(streams_.size());
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    calculators_.emplace_back(config, [sink, i](const OfiWindow& window) { sink(i, window); });
    const OfiStream& s = streams_[i];
    if (!index_[static_cast<std::size_t>(s.market)].emplace(s.symbol, i).second)
      throw std::invalid_argument(to_string(s) + " is given twice");
  }
}

std::size_t OfiStreams::index_of(const StreamKey& key) const {
  const auto& by_symbol = index_[static_cast<std::size_t>(key.market)];
  const auto it = by_symbol.find(key.symbol);
  return it == by_symbol.end() ? kNoStream : it->second;
}

void OfiStreams::on_book(const BookUpdate& update) {
  // One stream: the recorder has no other key, and the hot path stays a direct call.
  const std::size_t index = streams_.size() == 1 ? 0 : index_of(update.key);
  if (index == kNoStream) {
    ++unknown_updates_;
    return;
  }
  calculators_[index].on_book(update);
}

void OfiStreams::finish() {
  for (OfiCalculator& calculator : calculators_) calculator.finish();
}

OfiCounters OfiStreams::total_counters() const {
  OfiCounters total;
  for (const OfiCalculator& calculator : calculators_) {
    const OfiCounters& c = calculator.counters();
    total.states += c.states;
    total.transitions += c.transitions;
    total.skipped += c.skipped;
    total.breaks += c.breaks;
    total.windows += c.windows;
  }
  return total;
}

}  // namespace depthrec::ofi

#include "book_states.hpp"

#include <utility>

namespace depthrec::export_parquet {
namespace {

replay::VerifierOptions verifier_options(const BookStateOptions& options) {
  replay::VerifierOptions verifier;
  verifier.market = options.market;
  verifier.market_for_unmarked_only = true;  // a record's own market is its book's
  return verifier;
}

// The first multiple of `every` at or after `ns` (receive times are positive).
std::int64_t grid_at_or_after(std::int64_t ns, std::int64_t every) {
  return (ns + every - 1) / every * every;
}

}  // namespace

BookStates::BookStates(BookStateOptions options, Sink sink)
    : options_(options), sink_(std::move(sink)), verifiers_(verifier_options(options_), {}) {
  replay::VerifierSet::StreamHooks hooks;
  hooks.book = [this](const replay::ReplayReport& report, std::int64_t recv_ns,
                      const OrderBook& book) { on_book(report, recv_ns, book); };
  hooks.invalid = [this](const replay::ReplayReport& report, std::int64_t recv_ns) {
    on_invalid(report, recv_ns);
  };
  verifiers_.set_stream_hooks(std::move(hooks));
}

void BookStates::feed(const ReplayItem& item) {
  if (!trades_.take(item) && !klines_.take(item)) verifiers_.feed(item);
}

BookStates::Stream& BookStates::stream_of(const replay::ReplayReport& report) {
  Stream& stream = streams_[&report];
  if (stream.last.symbol.empty()) {
    stream.last.symbol = report.symbol;
    stream.last.market = std::string(to_string(report.market));
  }
  return stream;
}

void BookStates::emit_grid(Stream& stream, std::int64_t end_ns, bool end_inclusive) {
  while (stream.next_grid_ns < end_ns || (end_inclusive && stream.next_grid_ns == end_ns)) {
    stream.last.sample_ns = stream.next_grid_ns;
    sink_(stream.last);
    stream.next_grid_ns += options_.every_ns;
  }
}

void BookStates::on_book(const replay::ReplayReport& report, std::int64_t recv_ns,
                         const OrderBook& book) {
  Stream& stream = stream_of(report);
  if (options_.every_ns > 0) {
    if (stream.valid) {
      emit_grid(stream, recv_ns, false);  // the state before this item, at the points before it
    } else {
      stream.next_grid_ns = grid_at_or_after(recv_ns, options_.every_ns);
    }
  }
  stream.valid = true;
  BookState& state = stream.last;
  state.book_recv_ns = recv_ns;
  state.update_id = book.last_update_id();
  book.top(options_.levels, state.bids, state.asks);
  if (options_.every_ns == 0) {
    state.sample_ns = recv_ns;
    sink_(state);
  }
}

void BookStates::on_invalid(const replay::ReplayReport& report, std::int64_t recv_ns) {
  Stream& stream = stream_of(report);
  if (stream.valid && options_.every_ns > 0) emit_grid(stream, recv_ns, false);
  stream.valid = false;
}

void BookStates::finish() {
  verifiers_.finish();
  for (const replay::ReplayReport* report : verifiers_.reports()) {
    const auto found = streams_.find(report);
    if (found != streams_.end() && found->second.valid && options_.every_ns > 0 &&
        report->last_recv_ns) {
      emit_grid(found->second, *report->last_recv_ns, true);
    }
    for (const replay::TimeRange& range : report->invalid_ranges) {
      unsynced_.push_back(
          {std::string(to_string(report->market)), report->symbol, range.begin_ns, range.end_ns});
    }
  }
}

}  // namespace depthrec::export_parquet

// parse_snapshot on arbitrary bytes, then the snapshot into an OrderBook. Checks:
//  - deterministic (a second parse into a used DepthSnapshot gives the same result);
//  - bids_json/asks_json are JSON arrays inside the body; every Decimal round-trips;
//  - the snapshot record is one line (no CR/LF inside, even for a pretty-printed body) whose
//    level arrays parse back to the same levels;
//  - OrderBook::load gives a well-shaped book (sides strictly sorted best first, no zero quantity,
//    best/crossed/top consistent) holding exactly what a naive std::map book holds;
//  - loading equals applying the same levels as a diff to an empty book (two code paths);
//  - applying the snapshot's levels again as a diff leaves the book unchanged (idempotent).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "book_reference.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/snapshot.hpp"
#include "fuzz_check.hpp"
#include "record_line_check.hpp"

namespace {

using namespace depthrec;

bool inside(std::string_view view, std::string_view text) {
  const auto begin = reinterpret_cast<std::uintptr_t>(text.data());
  const auto first = reinterpret_cast<std::uintptr_t>(view.data());
  return first >= begin && first + view.size() <= begin + text.size();
}

void check_levels(const std::vector<PriceLevel>& levels) {
  for (const PriceLevel& level : levels) {
    FUZZ_CHECK(fits_book_price(level.price));  // a book's 64-bit ranks hold every price accepted
    for (Decimal value : {level.price, level.qty}) {
      FUZZ_CHECK(value.units >= 0);
      Decimal again{-1};
      FUZZ_CHECK(parse_decimal(to_string(value), again) && again == value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  DepthSnapshot snapshot;
  const ParseError error = parse_snapshot(body, snapshot);
  DepthSnapshot again;
  again.bids.push_back(PriceLevel{Decimal{1}, Decimal{1}});  // stale content must not leak in
  again.last_update_id = 99;
  FUZZ_CHECK(parse_snapshot(body, again) == error);
  if (error != ParseError::none) return 0;

  FUZZ_CHECK(again.last_update_id == snapshot.last_update_id);
  FUZZ_CHECK(again.event_time_ms == snapshot.event_time_ms);
  FUZZ_CHECK(again.transaction_time_ms == snapshot.transaction_time_ms);
  FUZZ_CHECK(again.bids == snapshot.bids && again.asks == snapshot.asks);
  FUZZ_CHECK(again.bids_json.data() == snapshot.bids_json.data());
  FUZZ_CHECK(again.asks_json.size() == snapshot.asks_json.size());
  for (std::string_view raw : {snapshot.bids_json, snapshot.asks_json}) {
    FUZZ_CHECK(inside(raw, body));
    FUZZ_CHECK(raw.size() >= 2 && raw.front() == '[' && raw.back() == ']');
  }
  FUZZ_CHECK(snapshot.event_time_ms >= 0 && snapshot.transaction_time_ms >= 0);
  check_levels(snapshot.bids);
  check_levels(snapshot.asks);
  fuzz::check_snapshot_record(snapshot);

  OrderBook book;
  book.set_level(Side::bid, Decimal{5}, Decimal{5});  // load must replace, not merge
  book.load(snapshot);
  FUZZ_CHECK(book.last_update_id() == snapshot.last_update_id);
  fuzz::check_book_shape(book);
  fuzz::ReferenceBook reference;
  reference.load(snapshot.bids, snapshot.asks);
  FUZZ_CHECK(reference.equals(book));

  OrderBook diffed;
  DepthUpdate diff;
  diff.bids = snapshot.bids;
  diff.asks = snapshot.asks;
  diff.final_id = snapshot.last_update_id;
  diffed.apply(diff);
  fuzz::check_book_shape(diffed);
  FUZZ_CHECK(reference.equals(diffed));

  book.apply(diff);  // the same absolute quantities again: nothing changes
  fuzz::check_book_shape(book);
  FUZZ_CHECK(reference.equals(book));
  return 0;
}

// One pass over the text with the scanners' cursor; each check is the simplest that keeps the
// answer equal to the generic walk's (FrameParser's classify and read_book_ticker).
#include "protocol/book_ticker_scanner.hpp"

#include <cstdint>

#include "protocol/json_scan_cursor.hpp"

namespace depthrec::json {
namespace {

// The bookTicker's own fields, one bit each (after the shared e, E, T, s).
constexpr unsigned kUpdateId = kFirstOwnField << 0;
constexpr unsigned kBidPrice = kFirstOwnField << 1;
constexpr unsigned kBidQty = kFirstOwnField << 2;
constexpr unsigned kAskPrice = kFirstOwnField << 3;
constexpr unsigned kAskQty = kFirstOwnField << 4;
constexpr unsigned kRequired = kSymbolField | kUpdateId | kBidPrice | kBidQty | kAskPrice | kAskQty;

// Reads one "key":value of the payload; the field it was, or 0 to decline.
unsigned read_ticker_member(ScanCursor& in, BookTicker& ticker, SharedFields& shared) {
  std::string_view key;
  if (!in.string(key) || !in.eat(':') || key.size() != 1) return 0;
  const unsigned field = read_shared_field(in, key[0], shared);
  if (field != kFirstOwnField) return field;
  switch (key[0]) {
    case 'u':
      return in.integer(ticker.update_id) ? kUpdateId : 0U;
    case 'b':
      return in.decimal(ticker.bid_price, ticker.bid_price_text) ? kBidPrice : 0U;
    case 'B':
      return in.decimal(ticker.bid_qty, ticker.bid_qty_text) ? kBidQty : 0U;
    case 'a':
      return in.decimal(ticker.ask_price, ticker.ask_price_text) ? kAskPrice : 0U;
    case 'A':
      return in.decimal(ticker.ask_qty, ticker.ask_qty_text) ? kAskQty : 0U;
    default:
      return 0;
  }
}

}  // namespace

bool scan_book_ticker(std::string_view text, Frame& out) {
  ScanCursor in(text);
  bool wrapped = false;
  if (!in.open_payload(out.stream, wrapped)) return false;
  SharedFields shared{"bookTicker", out.event_type, out.ticker.symbol};
  unsigned seen = 0;
  const auto read = [&](ScanCursor& cursor) {
    return read_ticker_member(cursor, out.ticker, shared);
  };
  if (!scan_members(in, read, seen)) return false;
  if (!in.close_payload(wrapped) || (seen & kRequired) != kRequired) return false;
  if (!fits_time(shared.event_time) || !fits_time(shared.transaction_time)) return false;

  out.type = FrameType::book_ticker;
  // Absent times stay as the caller's reset left them (0), as read_optional_time leaves them.
  if ((seen & kEventTimeField) != 0)
    out.ticker.event_time_ms = static_cast<std::int64_t>(shared.event_time);
  if ((seen & kTransactionTimeField) != 0)
    out.ticker.transaction_time_ms = static_cast<std::int64_t>(shared.transaction_time);
  return true;
}

}  // namespace depthrec::json

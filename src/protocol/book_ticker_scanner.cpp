// One pass over the text with the scanners' cursor; each check is the simplest that keeps the
// answer equal to the generic walk's (FrameParser's classify and read_book_ticker).
#include "protocol/book_ticker_scanner.hpp"

#include <cstdint>

#include "protocol/json_scan_cursor.hpp"

namespace depthrec::json {
namespace {

// The payload fields, one bit each.
constexpr unsigned kEventType = 1U << 0;
constexpr unsigned kEventTime = 1U << 1;
constexpr unsigned kTransactionTime = 1U << 2;
constexpr unsigned kSymbol = 1U << 3;
constexpr unsigned kUpdateId = 1U << 4;
constexpr unsigned kBidPrice = 1U << 5;
constexpr unsigned kBidQty = 1U << 6;
constexpr unsigned kAskPrice = 1U << 7;
constexpr unsigned kAskQty = 1U << 8;
constexpr unsigned kRequired = kSymbol | kUpdateId | kBidPrice | kBidQty | kAskPrice | kAskQty;

// Reads one "key":value of the payload; the field it was, or 0 to decline.
unsigned read_ticker_member(ScanCursor& in, Frame& out, std::uint64_t& event_time,
                            std::uint64_t& transaction_time) {
  std::string_view key;
  if (!in.string(key) || !in.eat(':') || key.size() != 1) return 0;
  BookTicker& ticker = out.ticker;
  switch (key[0]) {
    case 'e':
      return in.string(out.event_type) && out.event_type == "bookTicker" ? kEventType : 0U;
    case 'E':
      return in.integer(event_time) ? kEventTime : 0U;
    case 'T':
      return in.integer(transaction_time) ? kTransactionTime : 0U;
    case 's':  // an empty symbol is refused by the generic walk
      return in.string(ticker.symbol) && !ticker.symbol.empty() ? kSymbol : 0U;
    case 'u':
      return in.integer(ticker.update_id) ? kUpdateId : 0U;
    case 'b':
      return in.decimal(ticker.bid_price) ? kBidPrice : 0U;
    case 'B':
      return in.decimal(ticker.bid_qty) ? kBidQty : 0U;
    case 'a':
      return in.decimal(ticker.ask_price) ? kAskPrice : 0U;
    case 'A':
      return in.decimal(ticker.ask_qty) ? kAskQty : 0U;
    default:
      return 0;
  }
}

}  // namespace

bool scan_book_ticker(std::string_view text, Frame& out) {
  ScanCursor in(text);
  bool wrapped = false;
  if (!in.open_payload(out.stream, wrapped)) return false;
  std::uint64_t event_time = 0;
  std::uint64_t transaction_time = 0;
  unsigned seen = 0;
  do {
    const unsigned field = read_ticker_member(in, out, event_time, transaction_time);
    if (field == 0 || (seen & field) != 0) return false;  // unknown, bad or repeated
    seen |= field;
  } while (in.eat(','));
  if (!in.close_payload(wrapped) || (seen & kRequired) != kRequired) return false;
  if (!fits_time(event_time) || !fits_time(transaction_time)) return false;

  out.type = FrameType::book_ticker;
  // Absent times stay as the caller's reset left them (0), as read_optional_time leaves them.
  if ((seen & kEventTime) != 0) out.ticker.event_time_ms = static_cast<std::int64_t>(event_time);
  if ((seen & kTransactionTime) != 0)
    out.ticker.transaction_time_ms = static_cast<std::int64_t>(transaction_time);
  return true;
}

}  // namespace depthrec::json

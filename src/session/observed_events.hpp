// The parsed views of the event path (frame text views) copied into the values an observer owns
// (include/depthrec/observer_events.hpp), and the top-of-book state queues and on_book observers
// are given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "depthrec/book_update_queue.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/kline_event.hpp"
#include "depthrec/market_event.hpp"
#include "depthrec/observer_events.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/trade_event.hpp"

namespace depthrec::session {

using SharedKey = std::shared_ptr<const StreamKey>;

ObservedTrade observed_trade(const TradeEvent& event, const SharedKey& key, std::int64_t recv_ns);
ObservedKline observed_kline(const KlineEvent& event, const SharedKey& key, std::int64_t recv_ns);
ObservedMarkPrice observed_mark_price(const MarketEvent& event, const SharedKey& key,
                                      std::int64_t recv_ns);
ObservedForceOrder observed_force_order(const MarketEvent& event, const SharedKey& key,
                                        std::int64_t recv_ns);
ObservedBookTicker observed_book_ticker(const BookTicker& ticker, const SharedKey& key,
                                        std::int64_t recv_ns);
ObservedDepth observed_depth(const DepthUpdate& update, const SharedKey& key, std::int64_t recv_ns);
// The top `levels` of `book` after `update`.
TopOfBook top_of_book(const DepthUpdate& update, const OrderBook& book, std::size_t levels,
                      bool synced, const SharedKey& key, std::int64_t recv_ns);

}  // namespace depthrec::session

// The registry of event-channel handlers: a channel kind -> the factory of its handler. Adding a
// channel is a line here and its handler's file.
#include <array>
#include <utility>

#include "session/channel_handler.hpp"
#include "session/kline_channel_handler.hpp"
#include "session/market_event_channel_handler.hpp"
#include "session/trade_channel_handler.hpp"

namespace depthrec::session {
namespace {

using Factory = std::unique_ptr<ChannelHandler> (*)(ChannelSetup);

const std::array<std::pair<ChannelKind, Factory>, 5> kHandlers{{
    {ChannelKind::trade,
     [](ChannelSetup setup) -> std::unique_ptr<ChannelHandler> {
       return std::make_unique<TradeChannelHandler>(std::move(setup), TradeKind::trade);
     }},
    {ChannelKind::agg_trade,
     [](ChannelSetup setup) -> std::unique_ptr<ChannelHandler> {
       return std::make_unique<TradeChannelHandler>(std::move(setup), TradeKind::agg_trade);
     }},
    {ChannelKind::kline,
     [](ChannelSetup setup) -> std::unique_ptr<ChannelHandler> {
       const bool closed_only = setup.klines_closed_only;
       return std::make_unique<KlineChannelHandler>(std::move(setup), closed_only);
     }},
    {ChannelKind::mark_price,
     [](ChannelSetup setup) -> std::unique_ptr<ChannelHandler> {
       return std::make_unique<MarketEventChannelHandler>(std::move(setup),
                                                          MarketEventKind::mark_price);
     }},
    {ChannelKind::force_order,
     [](ChannelSetup setup) -> std::unique_ptr<ChannelHandler> {
       return std::make_unique<MarketEventChannelHandler>(std::move(setup),
                                                          MarketEventKind::force_order);
     }},
}};

}  // namespace

std::unique_ptr<ChannelHandler> make_channel_handler(ChannelSetup setup) {
  for (const auto& [kind, factory] : kHandlers) {
    if (kind == setup.key.channel.kind) return factory(std::move(setup));
  }
  return nullptr;
}

}  // namespace depthrec::session

// Listings and delistings at run time: /sim/list and /sim/delist change what exchangeInfo shows
// at once, as Binance's does. A delisted symbol stops generating (its streams fall silent and
// subscriptions stay, as on Binance) and shows status BREAK, or is gone with &remove=1.
#include "exchange.hpp"

#include "payload_format.hpp"

namespace depthsim {

namespace {

HttpReply listing_error(const std::string& message) {
  std::string body = "{\"code\":-1121,\"msg\":";
  append_json_string(body, message);
  body += "}";
  return HttpReply{400, body, {}};
}

HttpReply listing_ok(const std::string& symbol, SymbolFeed::Status status) {
  return HttpReply{
      200,
      "{\"symbol\":\"" + symbol + "\",\"status\":\"" + SymbolFeed::status_name(status) + "\"}",
      {}};
}

}  // namespace

std::vector<std::string> Exchange::listed_symbols(std::vector<std::string>& halted) const {
  std::vector<std::string> listed;
  halted.clear();
  for (const auto& feed : feeds_) {
    if (feed->status() == SymbolFeed::Status::removed) continue;
    listed.push_back(feed->symbol());
    if (feed->status() == SymbolFeed::Status::halted) halted.push_back(feed->symbol());
  }
  return listed;
}

void Exchange::schedule_listings() {
  for (const ScheduledListing& listing : options_.scheduled_listings) {
    auto timer = std::make_unique<asio::steady_timer>(io_);
    timer->expires_at(started_at_ + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(listing.after_sec)));
    timer->async_wait([this, listing](const asio::error_code& error) {
      if (error || shutting_down_) return;
      // The same path as the control endpoints, so a planned change is counted the same way.
      const RequestTarget target =
          parse_request_target(std::string(listing.list ? "/sim/list" : "/sim/delist") +
                               "?symbol=" + listing.symbol + (listing.remove ? "&remove=1" : ""));
      if (listing.list) {
        list_reply(target);
      } else {
        delist_reply(target);
      }
    });
    listing_timers_.push_back(std::move(timer));
  }
}

HttpReply Exchange::list_reply(const RequestTarget& target) {
  if (replay_) return listing_error("A replay lists the capture's symbols only.");
  const std::optional<std::string> param = target.param("symbol");
  const std::string symbol = param ? to_upper_ascii(*param) : "";
  if (!is_valid_symbol_name(symbol)) return listing_error("symbol must be [A-Z0-9_], 1-32.");
  if (std::optional<std::string> market = target.param("market")) {
    if (*market != market_name(options_.market))
      return listing_error("This listener serves " + std::string(market_name(options_.market)));
  }
  SymbolFeed* feed = feed_for(symbol);
  if (feed == nullptr) {
    double rate = options_.rate;
    if (std::optional<std::string> text = target.param("rate")) {
      const std::optional<long> parsed = parse_long_in(*text, 0, 1'000'000);
      if (!parsed) return listing_error("rate must be a whole number of events/s.");
      rate = static_cast<double>(*parsed);
    }
    feed = &add_feed(symbol, rate);
    // Subscribers that asked for it before the listing start receiving now.
    for (auto& [id, session] : sessions_) {
      if (session.subscribed_to(symbol)) index_subscriptions(session);
    }
  }
  if (!feed->trading()) {
    feed->set_status(SymbolFeed::Status::trading);
    feed->rebase(Clock::now());  // what was not generated while delisted is not owed
  }
  ++listings_;
  if (!options_.start_on_subscribe || !subscribers_of(*feed).empty()) feed->start(Clock::now());
  schedule_generation(Clock::now());
  return listing_ok(symbol, feed->status());
}

HttpReply Exchange::delist_reply(const RequestTarget& target) {
  if (replay_) return listing_error("A replay lists the capture's symbols only.");
  const std::optional<std::string> param = target.param("symbol");
  SymbolFeed* feed = param ? feed_for(to_upper_ascii(*param)) : nullptr;
  if (feed == nullptr) return listing_error("Invalid symbol.");
  if (std::optional<std::string> market = target.param("market")) {
    if (*market != market_name(options_.market))
      return listing_error("This listener serves " + std::string(market_name(options_.market)));
  }
  const bool remove = target.param("remove").value_or("0") == "1";
  feed->set_status(remove ? SymbolFeed::Status::removed : SymbolFeed::Status::halted);
  ++delistings_;
  return listing_ok(feed->symbol(), feed->status());
}

}  // namespace depthsim

#include "session/observer_registry.hpp"

#include <stdexcept>

namespace depthrec::session {
namespace {

template <typename Bindings>
void check(const Bindings& bindings, const char* method,
           const std::vector<SubscriptionKey>& subscribed) {
  for (const auto& binding : bindings) {
    const std::string name = binding.filter.unmatched(subscribed);
    if (!name.empty())
      throw std::runtime_error(std::string(method) + " filter names " + name +
                               ", which is not subscribed");
  }
}

}  // namespace

void ObserverRegistry::check_filters(const std::vector<SubscriptionKey>& subscribed) const {
  check(depth_, "on_depth", subscribed);
  check(book_, "on_book", subscribed);
  check(trade_, "on_trade", subscribed);
  check(agg_trade_, "on_agg_trade", subscribed);
  check(kline_, "on_kline", subscribed);
  check(book_ticker_, "on_book_ticker", subscribed);
  check(mark_price_, "on_mark_price", subscribed);
  check(force_order_, "on_force_order", subscribed);
}

BookObservers ObserverRegistry::for_book(const SubscriptionKey& key,
                                         const StreamKey& stream) const {
  BookObservers observers;
  take(depth_, key, observers.depth);
  take(book_, key, observers.book);
  take(book_ticker_, key, observers.book_ticker);
  if (!observers.depth.empty() || !observers.book.empty() || !observers.book_ticker.empty())
    observers.key = std::make_shared<const StreamKey>(stream);
  return observers;
}

ChannelObservers ObserverRegistry::for_channel(const SubscriptionKey& key,
                                               const StreamKey& stream) const {
  ChannelObservers observers;
  switch (key.channel.kind) {
    case ChannelKind::trade:
      take(trade_, key, observers.trade);
      break;
    case ChannelKind::agg_trade:
      take(agg_trade_, key, observers.trade);
      break;
    case ChannelKind::kline:
      take(kline_, key, observers.kline);
      break;
    case ChannelKind::mark_price:
      take(mark_price_, key, observers.mark_price);
      break;
    case ChannelKind::force_order:
      take(force_order_, key, observers.force_order);
      break;
    case ChannelKind::diff_depth:
    case ChannelKind::partial_depth:
    case ChannelKind::rpi_depth:
    case ChannelKind::book_ticker:
      break;
  }
  if (!observers.trade.empty() || !observers.kline.empty() || !observers.mark_price.empty() ||
      !observers.force_order.empty())
    observers.key = std::make_shared<const StreamKey>(stream);
  return observers;
}

void ObserverRegistry::start() {
  for (const Lifecycle& observer : lifecycle_) observer.start();
}

void ObserverRegistry::close() {
  for (const Lifecycle& observer : lifecycle_) observer.close();
}

void ObserverRegistry::finish() {
  std::lock_guard<std::mutex> lock(finish_mutex_);
  for (const Lifecycle& observer : lifecycle_) observer.finish();
}

std::vector<ObserverFigures> ObserverRegistry::figures() const {
  std::vector<ObserverFigures> figures;
  figures.reserve(handles_.size());
  for (std::size_t i = 0; i < handles_.size(); ++i) {
    figures.push_back(handles_[i]->figures());
    figures.back().queued_now = queued_now_[i]();
  }
  return figures;
}

}  // namespace depthrec::session

// Recorder::on_<channel>: observers bound before the run (observer.hpp, observer_registry.hpp).
#include "session/recorder_impl.hpp"

namespace depthrec {

std::shared_ptr<Observer> Recorder::on_depth(ObserverCallback<ObservedDepth> callback,
                                             ObserverOptions options) {
  return impl_->observers->on_depth(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_book(ObserverCallback<TopOfBook> callback,
                                            ObserverOptions options) {
  return impl_->observers->on_book(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_trade(ObserverCallback<ObservedTrade> callback,
                                             ObserverOptions options) {
  return impl_->observers->on_trade(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_agg_trade(ObserverCallback<ObservedTrade> callback,
                                                 ObserverOptions options) {
  return impl_->observers->on_agg_trade(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_kline(ObserverCallback<ObservedKline> callback,
                                             ObserverOptions options) {
  return impl_->observers->on_kline(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_book_ticker(ObserverCallback<ObservedBookTicker> callback,
                                                   ObserverOptions options) {
  return impl_->observers->on_book_ticker(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_mark_price(ObserverCallback<ObservedMarkPrice> callback,
                                                  ObserverOptions options) {
  return impl_->observers->on_mark_price(std::move(callback), std::move(options));
}

std::shared_ptr<Observer> Recorder::on_force_order(ObserverCallback<ObservedForceOrder> callback,
                                                   ObserverOptions options) {
  return impl_->observers->on_force_order(std::move(callback), std::move(options));
}

}  // namespace depthrec

#include "session/exchange_info_fetch.hpp"

#include <future>
#include <memory>
#include <utility>

#include "depthrec/peer_text.hpp"
#include "venues/binance/binance_endpoints.hpp"
#include "venues/binance/binance_limits.hpp"

namespace depthrec::session {

void request_exchange_info(
    transport::RestScheduler& scheduler, const ExchangeInfoRequest& request,
    std::function<void(std::string error, binance::ExchangeInfo info)> done) {
  namespace venue = venues::binance;
  const Market market = request.market;
  transport::RestRequest rest{
      request.budget, request.priority,
      venue::rest_url(request.rest_endpoint, market, venue::RestEndpoint::exchange_info),
      venue::exchange_info_weight(market)};
  scheduler.request(std::move(rest), [market, done = std::move(done)](
                                         const transport::HttpResponse& response) {
    binance::ExchangeInfo info;
    info.market = market;
    if (!response.error.empty()) return done(response.error, std::move(info));
    if (response.status < 200 || response.status > 299) {
      return done("HTTP " + std::to_string(response.status) + ": " + peer_text(response.body, 200),
                  std::move(info));
    }
    std::string error = binance::parse_exchange_info(response.body, market, info);
    if (!error.empty()) error = "malformed answer: " + error;
    done(std::move(error), std::move(info));
  });
}

std::string fetch_exchange_info(transport::RestScheduler& scheduler,
                                const ExchangeInfoRequest& request, binance::ExchangeInfo& out) {
  auto answer = std::make_shared<std::promise<std::pair<std::string, binance::ExchangeInfo>>>();
  std::future<std::pair<std::string, binance::ExchangeInfo>> result = answer->get_future();
  request_exchange_info(scheduler, request,
                        [answer](std::string error, binance::ExchangeInfo info) {
                          answer->set_value({std::move(error), std::move(info)});
                        });
  auto [error, info] = result.get();
  out = std::move(info);
  return error;
}

}  // namespace depthrec::session

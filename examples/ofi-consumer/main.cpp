// ofi-consumer: the seed's main embedding, as a user would write it against the installed
// package: a depthrec::Recorder keeps a synced book on its background thread (no files written),
// and this program computes the best-level order-flow imbalance (Cont, Kukanov, Stoikov 2014) of
// every synced update from its callback:
//   e_n = q^b_n 1{P^b_n >= P^b_n-1} - q^b_n-1 1{P^b_n <= P^b_n-1}
//       - q^a_n 1{P^a_n <= P^a_n-1} + q^a_n-1 1{P^a_n >= P^a_n-1}
// It stops after --updates synced updates and prints their count and the summed OFI.
//   ofi-consumer --symbol BTCUSDT [--market usdm] [--updates 200] [--endpoint wss://HOST:PORT
//                --rest-endpoint https://HOST:PORT --ca-file CA.pem]   (default: Binance itself)
#include <depthrec/recorder.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>

namespace {

struct Options {
  std::string symbol = "BTCUSDT";
  depthrec::Market market = depthrec::Market::usdm;
  long updates = 200;
  std::string endpoint, rest_endpoint, ca_file;
};

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--symbol") {
      options.symbol = value;
    } else if (flag == "--market") {
      if (value == "spot")
        options.market = depthrec::Market::spot;
      else if (value == "usdm")
        options.market = depthrec::Market::usdm;
      else if (value == "coinm")
        options.market = depthrec::Market::coinm;
      else
        return false;
    } else if (flag == "--updates") {
      options.updates = std::strtol(value.c_str(), nullptr, 10);
    } else if (flag == "--endpoint") {
      options.endpoint = value;
    } else if (flag == "--rest-endpoint") {
      options.rest_endpoint = value;
    } else if (flag == "--ca-file") {
      options.ca_file = value;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && options.updates > 0;
}

// Best-level OFI, updated on the recorder's network thread.
class BestLevelOfi {
 public:
  void on_book(const depthrec::OrderBook& book) {
    const auto bid = book.best_bid();
    const auto ask = book.best_ask();
    if (!bid || !ask) return;
    const double pb = depthrec::to_double(bid->price), qb = depthrec::to_double(bid->qty);
    const double pa = depthrec::to_double(ask->price), qa = depthrec::to_double(ask->qty);
    if (previous_) {
      const Top& p = *previous_;
      sum_ += (pb >= p.pb ? qb : 0) - (pb <= p.pb ? p.qb : 0) - (pa <= p.pa ? qa : 0) +
              (pa >= p.pa ? p.qa : 0);
    }
    previous_ = Top{pb, qb, pa, qa};
  }
  double sum() const { return sum_; }

 private:
  struct Top {
    double pb, qb, pa, qa;
  };
  std::optional<Top> previous_;
  double sum_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::cerr << "usage: ofi-consumer [--symbol S] [--market spot|usdm|coinm] [--updates N] "
                 "[--endpoint URL --rest-endpoint URL --ca-file FILE]\n";
    return 2;
  }
  depthrec::RecorderConfig config;
  config.symbol = options.symbol;
  config.market = options.market;
  config.depth_levels = 0;  // the diff stream and a full local book
  config.write_files = false;
  config.print_summary = false;
  config.ws_endpoint = options.endpoint;
  config.rest_endpoint = options.rest_endpoint;
  config.ca_file = options.ca_file;

  BestLevelOfi ofi;
  std::mutex mutex;
  std::condition_variable done;
  long updates = 0;
  depthrec::Recorder recorder(config);
  recorder.on_update([&](const depthrec::BookUpdate& update) {
    if (!update.book_synced) return;  // a break: no OFI across it
    std::lock_guard<std::mutex> lock(mutex);
    if (updates >= options.updates) return;
    ofi.on_book(update.book);
    if (++updates == options.updates) done.notify_one();
  });
  recorder.start();
  {
    std::unique_lock<std::mutex> lock(mutex);
    if (!done.wait_for(lock, std::chrono::seconds(60),
                       [&] { return updates >= options.updates; })) {
      std::cerr << "ofi-consumer: only " << updates << " synced updates in 60 s ("
                << recorder.last_error() << ")\n";
      return 1;
    }
  }
  recorder.stop();
  const depthrec::MetricsSnapshot metrics = recorder.metrics();
  std::cout << "symbol=" << options.symbol << " updates=" << updates << " ofi=" << ofi.sum()
            << " breaks=" << metrics.run.counters.breaks << "\n";
  return 0;
}

#include "session/metrics_print.hpp"

#include <pthread.h>

#include <utility>

namespace depthrec::session {

MetricsPrintThread::MetricsPrintThread(std::function<void()> print) : print_(std::move(print)) {
  thread_ = std::thread([this] { loop(); });
  // Named, so that per-thread CPU figures (top -H, bench/market_profile.py) show it apart.
  pthread_setname_np(thread_.native_handle(), "depthrec-print");
}

MetricsPrintThread::~MetricsPrintThread() {
  finish();
}

bool MetricsPrintThread::idle() {
  // The lock also orders what the last print did before whatever the caller does next.
  std::lock_guard<std::mutex> lock(mutex_);
  return !busy_;
}

void MetricsPrintThread::start() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (busy_ || finishing_) return;
    busy_ = true;
  }
  wake_.notify_one();
}

void MetricsPrintThread::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MetricsPrintThread::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return busy_ || finishing_; });
    if (busy_) {
      lock.unlock();
      print_();
      lock.lock();
      busy_ = false;
      continue;  // a finish() asked for meanwhile ends the loop at the next wait
    }
    return;
  }
}

}  // namespace depthrec::session

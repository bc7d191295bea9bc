// The HTTP side of the Prometheus exposition (civetweb, as prometheus-cpp's own Exposer uses):
// GET /metrics (text format 0.0.4) and GET /healthz (200 "ok" or 503 with the reasons).
// Bound at construction, before the recorder connects, so that a busy port or a refused address
// stops the run at once; a recorder is attached once it exists and detached before it goes, and a
// scrape in between (starting, stopping) is answered from the process figures alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "depthrec/channel_metrics.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/stream_report.hpp"
#include "exposition/listen_address.hpp"

class CivetServer;

namespace depthrec::exposition {

// What a scrape reads from the running recorder (any thread).
struct ExpositionSource {
  std::function<std::vector<StreamReport>()> streams;     // Recorder::stream_reports
  std::function<std::vector<ChannelFigures>()> channels;  // Recorder::channel_figures; optional
  std::int64_t stale_after_ns = 30'000'000'000;           // /healthz: the stall timeout
};

struct ListenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// prometheus::Collectable over the attached source: the families are built at each Collect().
class RecorderCollectable : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
  void attach(ExpositionSource source);
  void detach();  // returns once no scrape reads the source any more
  // /healthz's answer: HTTP status and body.
  std::pair<int, std::string> health() const;

 private:
  mutable std::mutex mutex_;  // held while a scrape reads the source
  ExpositionSource source_;
  bool attached_ = false;
};

class MetricsServer {
 public:
  // Binds `address` (port 0: the OS picks); throws ListenError saying why it cannot.
  explicit MetricsServer(const ListenAddress& address);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  const ListenAddress& address() const { return address_; }  // with the port bound
  RecorderCollectable& collectable() { return *collectable_; }

 private:
  struct Handlers;
  ListenAddress address_;
  std::shared_ptr<RecorderCollectable> collectable_;
  std::unique_ptr<Handlers> handlers_;   // outlive the server's threads
  std::unique_ptr<CivetServer> server_;  // destroyed first: joins its threads
};

// Attaches a source for its lifetime: declared after the recorder it reads, destroyed before it.
class AttachedSource {
 public:
  AttachedSource(RecorderCollectable& collectable, ExpositionSource source)
      : collectable_(collectable) {
    collectable_.attach(std::move(source));
  }
  ~AttachedSource() { collectable_.detach(); }
  AttachedSource(const AttachedSource&) = delete;
  AttachedSource& operator=(const AttachedSource&) = delete;

 private:
  RecorderCollectable& collectable_;
};

}  // namespace depthrec::exposition

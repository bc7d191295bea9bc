#include "exposition/metrics_server.hpp"

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include "exposition/health_check.hpp"
#include "exposition/metric_families.hpp"
#include "exposition/process_figures.hpp"

namespace depthrec::exposition {
namespace {

void respond(mg_connection* connection, int status, const char* content_type,
             const std::string& body) {
  mg_printf(connection,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: "
            "close\r\n\r\n",
            status, status == 200 ? "OK" : "Service Unavailable", content_type, body.size());
  mg_write(connection, body.data(), body.size());
}

}  // namespace

std::vector<prometheus::MetricFamily> RecorderCollectable::Collect() const {
  std::vector<StreamReport> streams;
  std::vector<ChannelFigures> channels;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (attached_) streams = source_.streams();
    if (attached_ && source_.channels) channels = source_.channels();
  }
  // The process-wide figures (writer, text log, REST budget) ride in the first recorded stream's
  // metrics, where the recorder reports them for metrics.json: no second pass over the streams.
  const StreamReport* first = streams.empty() ? nullptr : &streams.front();
  for (const StreamReport& report : streams) {
    if (!report.removed) {
      first = &report;
      break;
    }
  }
  return metric_families(first ? first->snapshot : MetricsSnapshot{}, streams,
                         read_process_figures(), channels);
}

std::pair<int, std::string> RecorderCollectable::health() const {
  std::vector<StreamReport> streams;
  std::int64_t stale_after_ns = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (attached_) streams = source_.streams();
    stale_after_ns = source_.stale_after_ns;
  }
  const HealthVerdict verdict = judge_health(streams, stale_after_ns);
  return {verdict.healthy ? 200 : 503, health_body(verdict)};
}

void RecorderCollectable::attach(ExpositionSource source) {
  std::lock_guard<std::mutex> lock(mutex_);
  source_ = std::move(source);
  attached_ = true;
}

void RecorderCollectable::detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  attached_ = false;
  source_ = ExpositionSource{};
}

struct MetricsServer::Handlers {
  struct Metrics : CivetHandler {
    explicit Metrics(const prometheus::Collectable& c) : collectable(c) {}
    bool handleGet(CivetServer*, mg_connection* connection) override {
      const std::string body = prometheus::TextSerializer().Serialize(collectable.Collect());
      respond(connection, 200, "text/plain; version=0.0.4; charset=utf-8", body);
      return true;
    }
    const prometheus::Collectable& collectable;
  };
  struct Health : CivetHandler {
    explicit Health(const RecorderCollectable& c) : collectable(c) {}
    bool handleGet(CivetServer*, mg_connection* connection) override {
      const auto [status, body] = collectable.health();
      respond(connection, status, "text/plain; charset=utf-8", body);
      return true;
    }
    const RecorderCollectable& collectable;
  };
  explicit Handlers(const RecorderCollectable& c) : metrics(c), health(c) {}
  Metrics metrics;
  Health health;
};

MetricsServer::MetricsServer(const ListenAddress& address)
    : address_(address),
      collectable_(std::make_shared<RecorderCollectable>()),
      handlers_(std::make_unique<Handlers>(*collectable_)) {
  // Debian's civetweb is built without IPv6 (mg_check_feature(8) == 0): say so, not "cannot
  // listen".
  if (address.ipv6 && mg_check_feature(8) == 0)
    throw ListenError("--metrics-listen " + address.text() +
                      ": this build's civetweb has no IPv6 support (Debian's is built without "
                      "it); use an IPv4 address such as 127.0.0.1:PORT");
  // Two threads: a scrape and a health probe at once; a scrape builds its text in one go.
  const std::vector<std::string> options{"listening_ports",    address.text(), "num_threads", "2",
                                         "request_timeout_ms", "10000"};
  try {
    server_ = std::make_unique<CivetServer>(options);
  } catch (const CivetException&) {
    throw ListenError("--metrics-listen " + address.text() +
                      ": cannot listen there (the port is in use, or needs privileges, or the "
                      "address is not this machine's)");
  }
  const std::vector<int> ports = server_->getListeningPorts();
  if (ports.empty()) throw ListenError("--metrics-listen " + address.text() + ": no port bound");
  address_.port = ports.front();
  server_->addHandler("/metrics", handlers_->metrics);
  server_->addHandler("/healthz", handlers_->health);
}

MetricsServer::~MetricsServer() {
  if (server_) server_->close();  // stops accepting and joins the worker threads
}

}  // namespace depthrec::exposition

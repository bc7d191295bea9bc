#include "cli/metrics_listen.hpp"

namespace depthrec::cli {

std::unique_ptr<exposition::MetricsServer> start_metrics_server(RecorderConfig& config,
                                                                std::string& error) {
  if (config.metrics_listen.empty()) return nullptr;
  const std::optional<exposition::ListenAddress> address =
      exposition::parse_listen_address(config.metrics_listen, config.metrics_allow_remote, error);
  if (!address) return nullptr;
  try {
    auto server = std::make_unique<exposition::MetricsServer>(*address);
    config.metrics_listen = server->address().text();
    return server;
  } catch (const exposition::ListenError& failure) {
    error = failure.what();
    return nullptr;
  }
}

exposition::ExpositionSource exposition_source(const Recorder& recorder) {
  exposition::ExpositionSource source;
  source.streams = [&recorder] { return recorder.stream_reports(); };
  source.channels = [&recorder] { return recorder.channel_figures(); };
  source.stale_after_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(recorder.config().stall_timeout).count();
  return source;
}

}  // namespace depthrec::cli

// --metrics-listen: binds the Prometheus exposition before the recorder connects (a refused
// address or a busy port ends the run with exit 2 before anything is recorded) and connects it
// to the recorder once it exists.
#pragma once

#include <memory>
#include <string>

#include "depthrec/recorder.hpp"
#include "exposition/metrics_server.hpp"

namespace depthrec::cli {

// nullptr when --metrics-listen is not given, or (with `error` set) when it cannot be served.
// On success config.metrics_listen becomes the bound address (the port the OS picked for 0).
std::unique_ptr<exposition::MetricsServer> start_metrics_server(RecorderConfig& config,
                                                                std::string& error);

// What a scrape reads from `recorder`.
exposition::ExpositionSource exposition_source(const Recorder& recorder);

}  // namespace depthrec::cli

// depthrec: the command-line recorder. Parses flags (and --config FILE), runs a Recorder on this
// thread, and stops it cleanly on SIGINT/SIGTERM or at --run-minutes; SIGHUP reopens the text log.
// Under systemd (NOTIFY_SOCKET) it says READY once a book is synced and pings the watchdog.
// --check-config and
// --list-symbols answer without connecting, --status from a running recorder's metrics.json.
#include <iostream>
#include <optional>

#include "cli/cli_options.hpp"
#include "cli/metrics_listen.hpp"
#include "cli/recorder_status.hpp"
#include "cli/run_plan.hpp"
#include "cli/service_notifier.hpp"
#include "cli/signal_stopper.hpp"
#include "depthrec/recorder.hpp"

int main(int argc, char** argv) {
  auto parsed = depthrec::cli::parse_command_line(argc, argv);
  if (parsed.exit_code >= 0) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    return parsed.exit_code;
  }
  // What the config file asks and depthrec cannot honour is said, never silently ignored.
  for (const std::string& warning : parsed.warnings)
    std::cerr << "depthrec: warning: " << warning << "\n";
  if (parsed.command == depthrec::cli::Command::check_config) {
    const depthrec::cli::PlanReport plan = depthrec::cli::describe_plan(parsed);
    std::cout << plan.text;
    return plan.ok ? 0 : 2;
  }
  if (parsed.command == depthrec::cli::Command::list_symbols) {
    std::cout << depthrec::cli::describe_symbols(parsed);
    return 0;
  }
  if (parsed.command == depthrec::cli::Command::status) {
    const depthrec::cli::StatusReport status = depthrec::cli::describe_status(parsed.config);
    std::cout << status.text;
    return status.found ? 0 : 2;
  }
  // Blocked before any thread starts (the exposition's too): every thread inherits the mask, so
  // SIGINT/SIGTERM reach the stopper, not a server thread's default action (exit 143, no drain).
  depthrec::cli::block_termination_signals();
  // Bound before anything connects: a busy port or a refused address records nothing.
  std::string listen_error;
  const auto metrics_server = depthrec::cli::start_metrics_server(parsed.config, listen_error);
  if (!listen_error.empty()) {
    std::cerr << "depthrec: " << listen_error << "\n";
    return 2;
  }
  if (metrics_server)
    std::cerr << "depthrec: serving /metrics and /healthz on http://"
              << parsed.config.metrics_listen << "\n";
  // Declared before the recorder: its hooks point here.
  const depthrec::cli::ServiceNotifier notifier;
  try {
    depthrec::Recorder recorder(parsed.config);
    recorder.set_lifecycle_hooks(notifier.lifecycle_hooks());
    notifier.status("connecting; READY once the first book is synced");
    // Detached before the recorder goes: a scrape while stopping reads nothing destroyed.
    std::optional<depthrec::exposition::AttachedSource> exposed;
    if (metrics_server)
      exposed.emplace(metrics_server->collectable(), depthrec::cli::exposition_source(recorder));
    {
      depthrec::cli::SignalStopper stopper(recorder, "depthrec", [&notifier](const char* signal) {
        notifier.stopping(std::string(signal) + " received: draining the writer");
      });
      recorder.run();
    }
    notifier.stopping("stopped");
    const std::string error = recorder.last_error();
    if (!error.empty()) {
      std::cerr << "depthrec: " << error << "\n";
      return 1;
    }
  } catch (const std::exception& error) {
    std::cerr << "depthrec: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

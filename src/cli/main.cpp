// depthrec: the command-line recorder. Parses flags, runs a Recorder on this thread, and stops it
// cleanly on SIGINT/SIGTERM or at --run-minutes.
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/cli_options.hpp"
#include "depthrec/recorder.hpp"

namespace {

// Signals are blocked in every thread and taken synchronously by one waiter thread, which calls
// Recorder::stop() like any other thread may: no work in a signal handler, no global flag.
sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // used only to wake the waiter when the recorder stops on its own
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = depthrec::cli::parse_command_line(argc, argv);
  if (parsed.exit_code >= 0) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    return parsed.exit_code;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started below

  try {
    depthrec::Recorder recorder(parsed.config);
    std::thread signal_waiter([&] {
      int signal_number = 0;
      sigwait(&signals, &signal_number);
      if (signal_number != SIGUSR1) {
        std::cerr << "depthrec: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
                  << " received, stopping\n";
      }
      recorder.stop();
    });
    recorder.run();
    pthread_kill(signal_waiter.native_handle(), SIGUSR1);
    signal_waiter.join();
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

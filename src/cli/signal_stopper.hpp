// Stopping a Recorder on SIGINT/SIGTERM without doing work in a signal handler: the signals are
// blocked in every thread and taken synchronously by one waiter thread, which calls
// Recorder::stop() like any other thread may. No global flag is needed.
//
//   int main() {
//     depthrec::cli::block_termination_signals();   // before any thread starts: inherited
//     depthrec::Recorder recorder(config);
//     depthrec::cli::SignalStopper stopper(recorder, "depthrec");
//     recorder.run();                                // returns on a signal or --run-minutes
//   }                                                // ~SignalStopper wakes and joins the waiter
#pragma once

#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "depthrec/recorder.hpp"

namespace depthrec::cli {

// SIGINT and SIGTERM stop the recorder; SIGUSR1 only wakes the waiter when it stopped on its own.
inline sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

// Call in main() before starting any thread; also ignores SIGPIPE (a closed socket is an error
// return, not a reason to die).
inline void block_termination_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

class SignalStopper {
 public:
  SignalStopper(Recorder& recorder, std::string program)
      : thread_([&recorder, program = std::move(program)] {
          const sigset_t signals = termination_signals();
          int signal_number = 0;
          sigwait(&signals, &signal_number);
          if (signal_number != SIGUSR1) {
            std::cerr << program << ": " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
                      << " received, stopping\n";
          }
          recorder.stop();
        }) {}
  ~SignalStopper() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  SignalStopper(const SignalStopper&) = delete;
  SignalStopper& operator=(const SignalStopper&) = delete;

 private:
  std::thread thread_;
};

}  // namespace depthrec::cli

// Stopping a Recorder on SIGINT/SIGTERM without doing work in a signal handler: the signals are
// blocked in every thread and taken synchronously by one waiter thread, which calls
// Recorder::stop() like any other thread may. No global flag is needed. SIGHUP does not stop: it
// reopens the text log (logrotate's postrotate `systemctl kill -s HUP`), and the waiter goes on.
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
#include <functional>
#include <iostream>
#include <string>
#include <thread>

#include "depthrec/recorder.hpp"

namespace depthrec::cli {

// SIGINT and SIGTERM stop the recorder; SIGHUP reopens its text log; SIGUSR1 only wakes the waiter
// when it stopped on its own.
inline sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
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
  // `before_stop`, if set, is called with the signal's name ("SIGTERM", "SIGINT") before the
  // recorder is stopped (systemd's STOPPING=1).
  SignalStopper(Recorder& recorder, std::string program,
                std::function<void(const char* signal_name)> before_stop = {})
      : thread_([&recorder, program = std::move(program), before_stop = std::move(before_stop)] {
          const sigset_t signals = termination_signals();
          int signal_number = 0;
          while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
            recorder.reopen_log();
            std::cerr << program << ": SIGHUP received, text log reopened\n";
          }
          if (signal_number != SIGUSR1) {
            const char* name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
            std::cerr << program << ": " << name << " received, stopping\n";
            if (before_stop) before_stop(name);
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

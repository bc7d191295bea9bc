// ServiceNotifier: depthrec's side of systemd's notify protocol (sd_notify(3)) for a unit of
// Type=notify with WatchdogSec= (deploy/systemd/depthrec@.service):
//   READY=1     once the first book is synced (LifecycleHooks::first_synced), not at start-up:
//               `systemctl start` returns when the recorder records a synced book;
//   STATUS=...  what it is doing, shown by `systemctl status`;
//   WATCHDOG=1  from the recorder's network thread every half of WATCHDOG_USEC (systemd's advice),
//               so a network thread that freezes stops the pings and systemd restarts the unit;
//   STOPPING=1  when a signal stops it.
// Every call does nothing when NOTIFY_SOCKET is unset (not started by systemd), or when depthrec
// was built without libsystemd (configure says so). libsystemd stays inside service_notifier.cpp.
#pragma once

#include <chrono>
#include <string>

#include "depthrec/lifecycle_hooks.hpp"

namespace depthrec::cli {

class ServiceNotifier {
 public:
  ServiceNotifier();  // reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once

  bool active() const { return active_; }
  // Half of WATCHDOG_USEC; zero when the watchdog is off (or not for this process).
  std::chrono::milliseconds watchdog_ping_period() const { return ping_period_; }

  void status(const std::string& text) const;
  void ready(const std::string& status) const;
  void watchdog() const;
  void stopping(const std::string& status) const;

  // READY on the first synced book and WATCHDOG pings as the recorder's hooks; empty hooks when
  // inactive. The notifier must outlive the recorder that holds them.
  LifecycleHooks lifecycle_hooks() const;

 private:
  bool active_ = false;
  std::chrono::milliseconds ping_period_{0};
};

// Whether this build can talk to systemd at all (libsystemd found at configure time).
bool built_with_systemd();

}  // namespace depthrec::cli

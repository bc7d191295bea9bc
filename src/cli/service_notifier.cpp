#include "cli/service_notifier.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#ifdef DEPTHREC_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace depthrec::cli {
namespace {

void notify(bool active, const std::string& message) {
#ifdef DEPTHREC_HAVE_SYSTEMD
  // sd_notify() returns 0 without a socket and a negative errno when sending fails: a supervisor
  // that went away must not stop the recording, so neither is treated as an error.
  if (active) sd_notify(0, message.c_str());
#else
  (void)active;
  (void)message;
#endif
}

// One line per STATUS: systemd shows the last one; a line break would cut the message.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

bool built_with_systemd() {
#ifdef DEPTHREC_HAVE_SYSTEMD
  return true;
#else
  return false;
#endif
}

ServiceNotifier::ServiceNotifier() {
#ifdef DEPTHREC_HAVE_SYSTEMD
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && *socket != '\0';
  std::uint64_t watchdog_usec = 0;
  // > 0: WATCHDOG_USEC is set and WATCHDOG_PID, if set, names this process.
  if (active_ && sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0) {
    ping_period_ = std::max(std::chrono::milliseconds(1),
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::microseconds(watchdog_usec / 2)));
  }
#endif
}

void ServiceNotifier::status(const std::string& text) const {
  notify(active_, "STATUS=" + one_line(text));
}

void ServiceNotifier::ready(const std::string& status) const {
  notify(active_, "READY=1\nSTATUS=" + one_line(status));
}

void ServiceNotifier::watchdog() const {
  notify(active_, "WATCHDOG=1");
}

void ServiceNotifier::stopping(const std::string& status) const {
  notify(active_, "STOPPING=1\nSTATUS=" + one_line(status));
}

LifecycleHooks ServiceNotifier::lifecycle_hooks() const {
  LifecycleHooks hooks;
  if (!active_) return hooks;
  hooks.first_synced = [this] { ready("recording: the first book is synced"); };
  if (ping_period_.count() > 0) {
    hooks.heartbeat_period = ping_period_;
    hooks.heartbeat = [this] { watchdog(); };
  }
  return hooks;
}

}  // namespace depthrec::cli

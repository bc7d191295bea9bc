// LifecycleHooks: what a service manager (systemd's sd_notify, a supervisor) needs to hear from a
// running Recorder. Both hooks run on the recorder's network thread, so they tell more than "the
// process exists": a heartbeat that stops means the loop that reads the exchange is stuck.
//
//   depthrec::LifecycleHooks hooks;
//   hooks.first_synced = [&] { notifier.ready(); };
//   hooks.heartbeat_period = std::chrono::milliseconds(5000);
//   hooks.heartbeat = [&] { notifier.watchdog(); };
//   recorder.set_lifecycle_hooks(std::move(hooks));   // before start()/run()
#pragma once

#include <chrono>
#include <functional>

namespace depthrec {

struct LifecycleHooks {
  // Once per run, when the first book is synced (a full book joined its REST snapshot; a
  // partial-depth book took its first event). Must be fast: it runs between two frames.
  std::function<void()> first_synced;
  // Every heartbeat_period (> 0) while the network loop runs, from the loop's own timer.
  std::chrono::milliseconds heartbeat_period{0};
  std::function<void()> heartbeat;
};

}  // namespace depthrec

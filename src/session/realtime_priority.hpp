// --realtime-priority N: the threads an entry's latency passes through, the network thread (frame
// receipt to record) and the Redis sink's (record to XADD), run under SCHED_FIFO at priority N, so
// that on a busy machine they take a core as soon as their data arrives instead of waiting out
// other processes' time slices (bench/README.md, "Redis lag": the tail is those waits). The
// file writer, the REST workers and the metrics print keep the normal policy: a gzip member
// compressed at FIFO priority would hold its core from the network thread for milliseconds.
//
// Needs CAP_SYS_NICE (root) or an RLIMIT_RTPRIO of at least N (systemd: LimitRTPRIO=N).
#pragma once

#include <string>

#include "depthrec/text_log.hpp"

namespace depthrec::session {

constexpr int kMaxRealtimePriority = 99;  // SCHED_FIFO's range on Linux: 1-99

// Why this process cannot run a thread under SCHED_FIFO at `priority` (tried on a thread of its
// own, so no thread of the caller changes policy), or "" when it can.
std::string realtime_priority_refusal(int priority);

// For a run (not each stream's config: a probe is a thread): throws std::runtime_error
// "--realtime-priority: <why>" when `priority` > 0 and this process may not use it.
void require_realtime_priority_allowed(int priority);

// Puts the calling thread under SCHED_FIFO at `priority`; "" on success, else why not.
std::string make_current_thread_realtime(int priority);

// The network thread's part, called on it once every other thread of the run exists (a thread
// inherits its creator's policy, and those stay at the normal one): nothing for 0, else
// make_current_thread_realtime, logged (an error if refused; the run goes on at the normal policy).
// Inline: the flag parsers (and their fuzz targets) use this header without the text log.
inline void make_network_thread_realtime(int priority, TextLog& log) {
  if (priority <= 0) return;
  const std::string refusal = make_current_thread_realtime(priority);
  if (refusal.empty()) {
    log.log(LogLevel::info, "network thread at SCHED_FIFO priority " + std::to_string(priority));
  } else {
    log.log(LogLevel::error, "--realtime-priority: " + refusal);
  }
}

}  // namespace depthrec::session

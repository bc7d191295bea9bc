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

// Puts the calling thread under SCHED_FIFO at `priority`; "" on success, else why not.
std::string make_current_thread_realtime(int priority);

// The network thread's part, called on it once every other thread of the run exists (a thread
// inherits its creator's policy, and those stay at the normal one): nothing for 0, else
// make_current_thread_realtime, logged (an error if refused; the run goes on at the normal policy).
void make_network_thread_realtime(int priority, TextLog& log);

}  // namespace depthrec::session

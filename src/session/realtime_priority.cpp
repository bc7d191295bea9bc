#include "session/realtime_priority.hpp"

#include <pthread.h>
#include <sched.h>

#include <cstring>
#include <thread>

namespace depthrec::session {

std::string make_current_thread_realtime(int priority) {
  sched_param param{};
  param.sched_priority = priority;
  const int error = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
  if (error == 0) return {};
  return "SCHED_FIFO priority " + std::to_string(priority) + " refused: " + std::strerror(error) +
         " (needs root, CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + std::to_string(priority) +
         "; systemd: LimitRTPRIO=" + std::to_string(priority) + ")";
}

void make_network_thread_realtime(int priority, TextLog& log) {
  if (priority <= 0) return;
  const std::string refusal = make_current_thread_realtime(priority);
  if (refusal.empty()) {
    log.log(LogLevel::info, "network thread at SCHED_FIFO priority " + std::to_string(priority));
  } else {
    log.log(LogLevel::error, "--realtime-priority: " + refusal);
  }
}

std::string realtime_priority_refusal(int priority) {
  if (priority < 1 || priority > kMaxRealtimePriority)
    return "SCHED_FIFO priorities are 1 to " + std::to_string(kMaxRealtimePriority);
  std::string refusal;
  std::thread probe([&] { refusal = make_current_thread_realtime(priority); });
  probe.join();
  return refusal;
}

}  // namespace depthrec::session

#include "session/realtime_priority.hpp"

#include <pthread.h>
#include <sched.h>

#include <cstring>
#include <stdexcept>
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

void require_realtime_priority_allowed(int priority) {
  if (priority <= 0) return;
  if (std::string refusal = realtime_priority_refusal(priority); !refusal.empty())
    throw std::runtime_error("--realtime-priority: " + refusal);
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

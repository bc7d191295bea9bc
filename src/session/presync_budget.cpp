#include "session/presync_budget.hpp"

namespace depthrec::session {

void PresyncBudget::update(std::size_t before, std::size_t after) noexcept {
  // One writer (the network thread): load and store suffice.
  const std::size_t used = used_.load(std::memory_order_relaxed) - before + after;
  used_.store(used, std::memory_order_relaxed);
  if (used > peak_.load(std::memory_order_relaxed)) peak_.store(used, std::memory_order_relaxed);
}

bool PresyncBudget::count_dropped(std::uint64_t events, std::int64_t now_ns) noexcept {
  dropped_.fetch_add(events, std::memory_order_relaxed);
  const std::int64_t every = std::chrono::nanoseconds(kLogEvery).count();
  if (logged_ && now_ns - last_log_ns_ < every) return false;
  logged_ = true;
  last_log_ns_ = now_ns;
  return true;
}

}  // namespace depthrec::session

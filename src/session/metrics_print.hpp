// The engine's periodic metrics print off the network thread (issue 12). At each print the
// network thread takes only what must be consistent, or is its own to read: every stream's window
// closed (FeedMetrics::close_window, a swap), its book's and pre-sync buffer's figures, its
// status. One print thread then does the rest: each stream's roll finished (the summaries), the
// aggregate, metrics.json and the SUMMARY line. One thread for the whole run rather than the
// writer's (its 1 s flush bound must not wait for a print of thousands of streams) or one per
// stream; it sleeps between prints.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/stream_metrics.hpp"

namespace depthrec::session {

// What a print reads besides the streams' metrics: filled on the network thread while no print
// runs, read by the print it starts (the hand-off orders the two). Resized, not rebuilt, at each
// print: its strings are reused.
struct PrintInput {
  std::vector<FeedMetrics*> metrics;   // every stream's, its window closed: finish_roll() is ours
  std::vector<StreamStatus> statuses;  // recording, or removed and why
  std::vector<PresyncState> presync;   // its pre-sync buffer's figures
  std::optional<SelectionFigures> selection;
  bool final = false;
};

// The thread that runs `print` each time try_start() asks, one print at a time.
class MetricsPrintThread {
 public:
  explicit MetricsPrintThread(std::function<void()> print);
  ~MetricsPrintThread();
  MetricsPrintThread(const MetricsPrintThread&) = delete;
  MetricsPrintThread& operator=(const MetricsPrintThread&) = delete;

  // True when no print runs: the caller may fill the next print's input, then start() it.
  // Only the thread that starts prints may rely on it (no one else starts one meanwhile).
  bool idle();
  void start();
  // Waits for the print under way, if any, and ends the thread. Idempotent.
  void finish();

 private:
  void loop();

  std::function<void()> print_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool busy_ = false;  // a print asked for and not finished
  bool finishing_ = false;
  std::thread thread_;
};

}  // namespace depthrec::session

// The engine's print thread (issue 12): one print at a time, a start while one runs refused
// (the network thread skips that print), finish() waiting for the print under way.
#include "session/metrics_print.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace depthrec::session {
namespace {

// A print that waits, inside, until the test lets it go.
struct HeldPrint {
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  int finished = 0;
  bool released = false;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    ++started;
    changed.notify_all();
    changed.wait(lock, [this] { return released; });
    ++finished;
  }
  void wait_started(int count) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return started >= count; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
    changed.notify_all();
  }
};

TEST(MetricsPrintThread, OnePrintAtATimeAndFinishWaitsForTheOneUnderWay) {
  HeldPrint print;
  MetricsPrintThread thread([&] { print.run(); });
  EXPECT_TRUE(thread.idle());
  thread.start();
  EXPECT_FALSE(thread.idle()) << "busy from start(), before the thread took it";
  print.wait_started(1);
  EXPECT_FALSE(thread.idle());
  thread.start();  // refused: the print runs
  print.release();
  thread.finish();
  EXPECT_EQ(print.started, 1);
  EXPECT_EQ(print.finished, 1);
  EXPECT_TRUE(thread.idle());
  thread.start();  // after finish(): nothing runs
  thread.finish();
  EXPECT_EQ(print.started, 1);
}

TEST(MetricsPrintThread, APrintAskedForJustBeforeTheEndStillRuns) {
  int prints = 0;
  {
    MetricsPrintThread thread([&] { ++prints; });
    thread.start();
  }  // the destructor finishes: it waits for the print asked for, which runs
  EXPECT_EQ(prints, 1);
}

}  // namespace
}  // namespace depthrec::session

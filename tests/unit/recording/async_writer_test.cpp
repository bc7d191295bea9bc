// AsyncWriter: drains on stop, never blocks the producer on a slow sink, holds its bound, counts
// drops and records them as a writer_drop gap, recovers; survives failing and throwing sinks.
#include "depthrec/async_writer.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace depthrec {
namespace {

using namespace std::chrono_literals;
constexpr auto kTimeout = 10s;  // only reached when a test is broken

// An in-memory sink whose writes can be held at a gate (permits), for a slow or stuck disk.
class TestSink final : public RecordSink {
 public:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> lines;
    std::size_t writes_started = 0;
    std::size_t flushes = 0;
    std::size_t closes = 0;
    bool gated = false;
    std::size_t permits = 0;
    std::size_t refuse_next = 0;  // answer `dropped` to this many writes
    std::string throw_on;         // throw when a line contains this text

    template <typename Predicate>
    bool wait_for(Predicate predicate) {
      std::unique_lock<std::mutex> lock(mutex);
      return changed.wait_for(lock, kTimeout, predicate);
    }
    void allow(std::size_t n) {
      std::lock_guard<std::mutex> lock(mutex);
      permits += n;
      changed.notify_all();
    }
    void open_gate() {
      std::lock_guard<std::mutex> lock(mutex);
      gated = false;
      changed.notify_all();
    }
  };

  explicit TestSink(std::shared_ptr<State> state) : state_(std::move(state)) {}

  SinkStatus write(std::string_view text) override {
    std::unique_lock<std::mutex> lock(state_->mutex);
    ++state_->writes_started;
    state_->changed.notify_all();
    state_->changed.wait(lock, [&] { return !state_->gated || state_->permits > 0; });
    if (state_->gated) --state_->permits;
    if (!state_->throw_on.empty() && text.find(state_->throw_on) != std::string_view::npos) {
      throw std::runtime_error("disk on fire");
    }
    SinkStatus status;
    if (state_->refuse_next > 0) {
      --state_->refuse_next;
      status.code = SinkStatus::Code::dropped;
      status.message = "full";
    } else {
      state_->lines.emplace_back(text);
    }
    state_->changed.notify_all();
    return status;
  }
  SinkStatus flush() override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->flushes;
    state_->changed.notify_all();
    return {};
  }
  SinkStatus close() override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->closes;
    state_->changed.notify_all();
    return {};
  }

 private:
  std::shared_ptr<State> state_;
};

const RecordContext kContext{Market::usdm, "BTCUSDT", "btcusdt@depth@0ms", 3};

std::string numbered(int i) {
  return "line " + std::to_string(i) + "\n";
}

AsyncWriter::PushResult push(AsyncWriter& writer, int i) {
  std::string line = numbered(i);
  return writer.try_push(line, kContext);
}

void expect_drop_marker(const std::string& line, std::uint64_t dropped) {
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size() - 1);
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_STREQ(doc["type"].GetString(), "gap");
  EXPECT_STREQ(doc["reason"].GetString(), "writer_drop");
  EXPECT_EQ(doc["dropped"].GetUint64(), dropped);
  EXPECT_STREQ(doc["symbol"].GetString(), "BTCUSDT");
  EXPECT_EQ(doc["conn_id"].GetUint64(), 3u);
}

// The writer's counters have no wait of their own: spin (yielding) until `done` or the timeout.
template <typename Predicate>
void spin_until(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
}

struct Fixture {
  std::shared_ptr<TestSink::State> state = std::make_shared<TestSink::State>();
  std::unique_ptr<TestSink> sink() { return std::make_unique<TestSink>(state); }
};

TEST(AsyncWriter, StopDrainsEverythingInOrderAndClosesTheSink) {
  Fixture f;
  AsyncWriterConfig config;
  config.queue_capacity = 20'000;
  AsyncWriter writer(f.sink(), config);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(push(writer, i), AsyncWriter::PushResult::accepted);
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), 10'000u);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(f.state->lines[i], numbered(i));
  EXPECT_EQ(f.state->closes, 1u);
  EXPECT_GE(f.state->flushes, 1u);
  const auto stats = writer.stats();
  EXPECT_EQ(stats.enqueued, 10'000u);
  EXPECT_EQ(stats.written, 10'000u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.queue_depth, 0u);

  writer.stop();  // idempotent
  EXPECT_EQ(f.state->closes, 1u);
  EXPECT_EQ(push(writer, 1), AsyncWriter::PushResult::stopped);
  EXPECT_EQ(writer.stats().dropped, 1u);
}

TEST(AsyncWriter, MarkersUseAReserveBeyondTheBoundSoAFloodCannotDropThem) {
  Fixture f;
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = 16;
  config.wake_batch = 8;
  AsyncWriter writer(f.sink(), config);
  for (int i = 0; i < 16; ++i) ASSERT_EQ(push(writer, i), AsyncWriter::PushResult::accepted);
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started >= 1; }));
  EXPECT_EQ(push(writer, 16), AsyncWriter::PushResult::dropped) << "data lines keep the bound";
  // A marker record (snapshot, gap, resync, ...) still fits, with the writer_drop marker before it.
  std::string marker = "{\"type\":\"resync\"}\n";
  EXPECT_EQ(writer.try_push(marker, kContext, AsyncWriter::Priority::marker),
            AsyncWriter::PushResult::accepted);
  int accepted = 1;
  for (int i = 0; i < 100; ++i) {
    std::string more = "{\"type\":\"gap\"}\n";
    accepted += writer.try_push(more, kContext, AsyncWriter::Priority::marker) ==
                AsyncWriter::PushResult::accepted;
  }
  // 64 reserved slots: the writer_drop marker and 63 marker records; then even markers drop.
  EXPECT_EQ(accepted, static_cast<int>(AsyncWriter::kMarkerReserve) - 1);
  EXPECT_EQ(writer.queue_depth(), 16u + AsyncWriter::kMarkerReserve)
      << "the reserve is bounded too";
  EXPECT_EQ(push(writer, 17), AsyncWriter::PushResult::dropped);
  f.state->open_gate();
  writer.stop();
  const auto& lines = f.state->lines;
  // The records the full reserve dropped (38 gaps, then line 17) have no record after them:
  // stop marks them last.
  ASSERT_EQ(lines.size(), 16u + AsyncWriter::kMarkerReserve + 1);
  expect_drop_marker(lines[16], 1);
  EXPECT_EQ(lines[17], "{\"type\":\"resync\"}\n");
  expect_drop_marker(lines.back(), 101 - (AsyncWriter::kMarkerReserve - 1) + 1);
}

TEST(AsyncWriter, StuckSinkNeverBlocksTheProducerAndDropsAreMarkedAfterRecovery) {
  Fixture f;
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = 16;
  config.wake_batch = 8;
  AsyncWriter writer(f.sink(), config);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(push(writer, i), AsyncWriter::PushResult::accepted);
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started >= 1; }));
  // The worker is stuck in the sink with lines 0..7; the queue takes 8 more, then drops.
  int accepted = 0;
  int dropped = 0;
  auto slowest = std::chrono::steady_clock::duration::zero();
  for (int i = 8; i < 108; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto result = push(writer, i);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
    (result == AsyncWriter::PushResult::accepted ? accepted : dropped)++;
  }
  EXPECT_EQ(accepted, 8);
  EXPECT_EQ(dropped, 92);
  EXPECT_LT(slowest, 100ms) << "try_push waited on the sink";
  auto stats = writer.stats();
  EXPECT_EQ(stats.queue_depth, 16u);
  EXPECT_EQ(writer.queue_depth(), 16u);
  EXPECT_EQ(stats.queue_depth_max, 16u) << "the bound held";
  EXPECT_EQ(stats.dropped, 92u);

  f.state->open_gate();  // the disk speeds up again
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->lines.size() == 16; }));
  EXPECT_EQ(push(writer, 1000), AsyncWriter::PushResult::accepted);
  writer.stop();

  const auto& lines = f.state->lines;
  ASSERT_EQ(lines.size(), 18u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(lines[i], numbered(i));
  expect_drop_marker(lines[16], 92);
  EXPECT_EQ(lines[17], numbered(1000));
  stats = writer.stats();
  EXPECT_EQ(stats.markers_written, 1u);
  EXPECT_EQ(stats.written, 18u);
  EXPECT_EQ(stats.enqueued, 17u);
}

// Issue 18 (8): the queue was bounded by count only (100,000 records of up to 1 MiB each). The
// byte bound drops data lines the same way: counted (byte_drops too) and marked.
TEST(AsyncWriter, ByteBoundDropsLargeLinesLikeAFullQueueAndMarksThem) {
  Fixture f;
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = 1000;
  config.wake_batch = 1;
  config.max_queue_bytes = 10 * 1024;
  AsyncWriter writer(f.sink(), config);
  const std::string big(1023, 'x');
  const auto push_big = [&] {
    std::string line = big + "\n";
    return writer.try_push(line, kContext);
  };
  ASSERT_EQ(push_big(), AsyncWriter::PushResult::accepted);
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started >= 1; }));
  int accepted = 1;
  int dropped = 0;
  for (int i = 0; i < 50; ++i)
    (push_big() == AsyncWriter::PushResult::accepted ? accepted : dropped)++;
  EXPECT_EQ(accepted, 10) << "10 KiB of 1 KiB lines";
  EXPECT_EQ(dropped, 41);
  auto stats = writer.stats();
  EXPECT_EQ(stats.byte_drops, 41u);
  EXPECT_EQ(stats.dropped, 41u);
  EXPECT_LE(stats.queue_bytes_max, config.max_queue_bytes);
  EXPECT_EQ(stats.queue_bytes, 10u * 1024);

  f.state->open_gate();
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->lines.size() == 10; }));
  ASSERT_EQ(push(writer, 1), AsyncWriter::PushResult::accepted);
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), 12u);
  expect_drop_marker(f.state->lines[10], 41);
  EXPECT_EQ(f.state->lines[11], numbered(1));
  EXPECT_EQ(writer.stats().queue_bytes, 0u);
}

// Lines dropped after the last accepted one (a flood's tail at the end of a run): stop writes
// their marker last, so the recording counts them too (before, nothing marked them).
TEST(AsyncWriter, DropsWithNoLineAfterThemAreMarkedAtStop) {
  Fixture f;
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = 1000;
  config.wake_batch = 1;
  config.max_queue_bytes = 4 * 1024;
  AsyncWriter writer(f.sink(), config);
  const auto push_big = [&] {
    std::string line = std::string(1023, 'x') + "\n";
    return writer.try_push(line, kContext);
  };
  ASSERT_EQ(push_big(), AsyncWriter::PushResult::accepted);
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started >= 1; }));
  int dropped = 0;
  for (int i = 0; i < 20; ++i) dropped += push_big() == AsyncWriter::PushResult::dropped;
  EXPECT_EQ(dropped, 17) << "4 KiB of 1 KiB lines";
  f.state->open_gate();
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), 5u);
  expect_drop_marker(f.state->lines[4], 17);
  EXPECT_EQ(writer.stats().markers_written, 1u);
  EXPECT_EQ(writer.stats().written, 5u);
}

TEST(AsyncWriter, MarkerWaitsForRoomForItselfAndTheLine) {
  Fixture f;
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = 3;
  config.wake_batch = 1;
  AsyncWriter writer(f.sink(), config);
  ASSERT_EQ(push(writer, 0), AsyncWriter::PushResult::accepted);
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started == 1; }));
  ASSERT_EQ(push(writer, 1), AsyncWriter::PushResult::accepted);
  ASSERT_EQ(push(writer, 2), AsyncWriter::PushResult::accepted);
  EXPECT_EQ(push(writer, 3), AsyncWriter::PushResult::dropped);  // full
  f.state->allow(1);  // line 0 done; the worker takes lines 1 and 2 and is stuck again
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->writes_started == 2; }));
  ASSERT_EQ(writer.queue_depth(), 2u);
  EXPECT_EQ(push(writer, 4), AsyncWriter::PushResult::dropped) << "1 slot: no room for marker";
  f.state->open_gate();
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->lines.size() == 3; }));
  // The worker frees the slots of lines 1 and 2 only after the sink calls: wait for that, or
  // the marker may still find no room (seen under ASan, about 1 run in 6).
  spin_until([&] { return writer.queue_depth() == 0; });
  ASSERT_EQ(writer.queue_depth(), 0u);
  ASSERT_EQ(push(writer, 5), AsyncWriter::PushResult::accepted);
  writer.stop();
  const auto& lines = f.state->lines;
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[2], numbered(2));
  expect_drop_marker(lines[3], 2);
  EXPECT_EQ(lines[4], numbered(5));
}

TEST(AsyncWriter, LinesTheSinkRefusesAreCountedAndMarked) {
  Fixture f;
  f.state->refuse_next = 3;
  AsyncWriterConfig config;
  config.flush_interval = 5ms;
  AsyncWriter writer(f.sink(), config);
  for (int i = 0; i < 3; ++i) push(writer, i);
  ASSERT_TRUE(
      f.state->wait_for([&] { return f.state->flushes >= 1 && f.state->refuse_next == 0; }));
  // The worker accounts for the batch right after the sink calls; wait for that counter.
  spin_until([&] { return writer.stats().dropped >= 3; });
  const auto stats = writer.stats();
  EXPECT_EQ(stats.dropped, 3u);
  EXPECT_EQ(stats.sink_errors, 3u);
  EXPECT_EQ(stats.last_sink_error, "full");
  push(writer, 3);
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), 2u);
  expect_drop_marker(f.state->lines[0], 3);
  EXPECT_EQ(f.state->lines[1], numbered(3));
}

// Issue 12 (5): with many streams on one writer, the line accepted after a drop is usually
// another stream's. Each stream's lost lines get a marker naming that stream (before, the marker
// took the identity of whichever line came next: B's marker would have counted A's lines).
const RecordContext kStreamA{Market::usdm, "BTCUSDT", "btcusdt@depth@0ms", 3, 0};
const RecordContext kStreamB{Market::spot, "ETHUSDT", "ethusdt@depth@100ms", 4, 1};

void expect_marker_of(const std::string& line, const RecordContext& stream, std::uint64_t dropped) {
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size() - 1);
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_STREQ(doc["reason"].GetString(), "writer_drop") << line;
  EXPECT_EQ(doc["symbol"].GetString(), stream.symbol) << line;
  EXPECT_EQ(doc["stream"].GetString(), stream.stream) << line;
  EXPECT_EQ(doc["conn_id"].GetUint64(), stream.conn_id) << line;
  EXPECT_EQ(doc["dropped"].GetUint64(), dropped) << line;
}

AsyncWriter::PushResult push_on(AsyncWriter& writer, const RecordContext& stream, int i) {
  std::string line = stream.symbol + " " + numbered(i);
  return writer.try_push(line, stream);
}

// A writer of `capacity` lines whose sink is stuck writing stream A's line 0.
std::unique_ptr<AsyncWriter> stuck_writer(Fixture& f, std::size_t capacity) {
  f.state->gated = true;
  AsyncWriterConfig config;
  config.queue_capacity = capacity;
  config.wake_batch = 1;
  auto writer = std::make_unique<AsyncWriter>(f.sink(), config);
  EXPECT_EQ(push_on(*writer, kStreamA, 0), AsyncWriter::PushResult::accepted);
  EXPECT_TRUE(f.state->wait_for([&] { return f.state->writes_started >= 1; }));
  return writer;
}

TEST(AsyncWriter, QueueDropsAreMarkedOnTheStreamThatLostThem) {
  Fixture f;
  const auto stuck = stuck_writer(f, 4);
  AsyncWriter& writer = *stuck;
  for (int i = 1; i < 4; ++i)
    ASSERT_EQ(push_on(writer, kStreamA, i), AsyncWriter::PushResult::accepted);
  for (int i = 4; i < 9; ++i)
    EXPECT_EQ(push_on(writer, kStreamA, i), AsyncWriter::PushResult::dropped);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(push_on(writer, kStreamB, i), AsyncWriter::PushResult::dropped);
  f.state->open_gate();
  spin_until([&] { return writer.queue_depth() == 0; });
  ASSERT_EQ(push_on(writer, kStreamB, 2), AsyncWriter::PushResult::accepted);
  ASSERT_EQ(push_on(writer, kStreamA, 9), AsyncWriter::PushResult::accepted);
  writer.stop();
  const auto& lines = f.state->lines;
  ASSERT_EQ(lines.size(), 8u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(lines[i], "BTCUSDT " + numbered(i));
  expect_marker_of(lines[4], kStreamB, 2);  // the accepted line's own stream first
  expect_marker_of(lines[5], kStreamA, 5);  // then every other stream with lost lines
  EXPECT_EQ(lines[6], "ETHUSDT " + numbered(2));
  EXPECT_EQ(lines[7], "BTCUSDT " + numbered(9));
  EXPECT_EQ(writer.stats().markers_written, 2u);
  EXPECT_EQ(writer.stats().dropped, 7u);
}

TEST(AsyncWriter, SinkRefusalsAreMarkedPerStream) {
  Fixture f;
  f.state->refuse_next = 3;
  AsyncWriterConfig config;
  config.flush_interval = 5ms;
  AsyncWriter writer(f.sink(), config);
  push_on(writer, kStreamA, 0);
  push_on(writer, kStreamB, 0);
  push_on(writer, kStreamA, 1);
  spin_until([&] { return writer.stats().dropped >= 3; });
  ASSERT_EQ(writer.stats().dropped, 3u);
  push_on(writer, kStreamB, 1);
  writer.stop();
  const auto& lines = f.state->lines;
  ASSERT_EQ(lines.size(), 3u);
  expect_marker_of(lines[0], kStreamA, 2);  // oldest loss first
  expect_marker_of(lines[1], kStreamB, 1);
  EXPECT_EQ(lines[2], "ETHUSDT " + numbered(1));
}

// Lines lost at the end of a run, on two streams: each stream's marker ends the recording.
TEST(AsyncWriter, DropsOfSeveralStreamsWithNoLineAfterThemAreEachMarkedAtStop) {
  Fixture f;
  const auto stuck = stuck_writer(f, 2);
  AsyncWriter& writer = *stuck;
  ASSERT_EQ(push_on(writer, kStreamA, 1), AsyncWriter::PushResult::accepted);
  EXPECT_EQ(push_on(writer, kStreamB, 0), AsyncWriter::PushResult::dropped);
  EXPECT_EQ(push_on(writer, kStreamA, 2), AsyncWriter::PushResult::dropped);
  EXPECT_EQ(push_on(writer, kStreamB, 1), AsyncWriter::PushResult::dropped);
  f.state->open_gate();
  writer.stop();
  const auto& lines = f.state->lines;
  ASSERT_EQ(lines.size(), 4u);
  expect_marker_of(lines[2], kStreamB, 2);
  expect_marker_of(lines[3], kStreamA, 1);
}

TEST(AsyncWriter, FlushesOnItsIntervalWithoutStop) {
  Fixture f;
  AsyncWriterConfig config;
  config.flush_interval = 20ms;
  AsyncWriter writer(f.sink(), config);
  push(writer, 0);  // far below wake_batch: only the flush deadline wakes the worker
  ASSERT_TRUE(
      f.state->wait_for([&] { return f.state->lines.size() == 1 && f.state->flushes >= 1; }));
  EXPECT_EQ(f.state->closes, 0u);
}

TEST(AsyncWriter, ThrowingSinkIsReportedAndTheWorkerCarriesOn) {
  Fixture f;
  f.state->throw_on = "line 1\n";
  AsyncWriterConfig config;
  AsyncWriter writer(f.sink(), config);
  for (int i = 0; i < 3; ++i) push(writer, i);
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), 2u);
  EXPECT_EQ(f.state->lines[1], numbered(2));
  const auto stats = writer.stats();
  EXPECT_EQ(stats.sink_errors, 1u);
  EXPECT_NE(stats.last_sink_error.find("disk on fire"), std::string::npos);
}

TEST(AsyncWriter, HandsBackReusableBuffers) {
  Fixture f;
  AsyncWriterConfig config;
  config.wake_batch = 4;
  AsyncWriter writer(f.sink(), config);
  std::string line;
  for (int i = 0; i < 4; ++i) {
    line.assign(200, 'x');
    line.push_back('\n');
    writer.try_push(line, kContext);
    EXPECT_TRUE(line.empty());
  }
  ASSERT_TRUE(f.state->wait_for([&] { return f.state->lines.size() == 4; }));
  spin_until([&] { return writer.stats().written >= 4; });
  line = "y\n";
  writer.try_push(line, kContext);
  EXPECT_TRUE(line.empty());
  EXPECT_GE(line.capacity(), 201u) << "a written line's buffer came back for reuse";
}

TEST(AsyncWriter, SeveralProducersKeepTheirOwnOrder) {
  Fixture f;
  AsyncWriterConfig config;
  config.queue_capacity = 50'000;
  AsyncWriter writer(f.sink(), config);
  constexpr int kThreads = 4;
  constexpr int kEach = 5'000;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      std::string line;
      for (int i = 0; i < kEach; ++i) {
        line = std::to_string(t) + " " + std::to_string(i) + "\n";
        writer.try_push(line, kContext);
      }
    });
  }
  for (auto& p : producers) p.join();
  writer.stop();
  ASSERT_EQ(f.state->lines.size(), static_cast<std::size_t>(kThreads * kEach));
  std::vector<int> next(kThreads, 0);
  for (const auto& l : f.state->lines) {
    std::istringstream in(l);
    int t = 0;
    int i = 0;
    in >> t >> i;
    ASSERT_EQ(i, next[t]) << "producer " << t;
    ++next[t];
  }
}

TEST(AsyncWriter, RefusesBadSetup) {
  EXPECT_THROW(AsyncWriter(nullptr, AsyncWriterConfig{}), std::invalid_argument);
  Fixture f;
  AsyncWriterConfig config;
  config.queue_capacity = 1;
  EXPECT_THROW(AsyncWriter(f.sink(), config), std::invalid_argument);
}

}  // namespace
}  // namespace depthrec

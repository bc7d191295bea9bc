// GzipRotatingSink: names, crash safety (read while open), rotation by size and by a fake clock,
// seq continuation across restarts, and storage errors with recovery.
#include "depthrec/gzip_rotating_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "recording/gzip_member_encoder.hpp"
#include "unit/recording/recording_test_support.hpp"

namespace depthrec {
namespace {

using testing::gunzip_file;
using testing::read_bytes;
using testing::ScratchDir;
using testing::sorted_files;
using Clock = std::chrono::system_clock;

// 2026-11-21T23:59:00.123Z
const Clock::time_point kStart = Clock::time_point(std::chrono::milliseconds(1795305540123));

struct FakeClock {
  std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(kStart);
  WallClock function() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::seconds s) const { *now += s; }
};

GzipRotatingSinkConfig config_for(const ScratchDir& dir, const FakeClock& clock) {
  GzipRotatingSinkConfig config;
  config.directory = dir.str();
  config.symbol = "BTCUSDT";
  config.clock = clock.function();
  return config;
}

std::string line(int i) {
  return "{\"type\":\"depth\",\"i\":" + std::to_string(i) + "}\n";
}

std::string lines(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i) text += line(i);
  return text;
}

std::string all_segments_text(const std::filesystem::path& dir) {
  std::string text;
  for (const auto& file : sorted_files(dir)) text += gunzip_file(file).text;
  return text;
}

TEST(GzipRotatingSink, SegmentFileNames) {
  EXPECT_EQ(GzipRotatingSink::segment_file_name("btcusdt_depth", kStart, 1),
            "btcusdt_depth.20261121-235900Z.000001.ndjson.gz");
  EXPECT_EQ(GzipRotatingSink::segment_file_name("x", kStart, 1234567),
            "x.20261121-235900Z.1234567.ndjson.gz");
}

TEST(GzipRotatingSink, FlushedLinesAreReadableWhileTheSegmentIsOpen) {
  ScratchDir dir;
  FakeClock clock;
  GzipRotatingSink sink(config_for(dir, clock));
  EXPECT_TRUE(sink.flush().ok());
  EXPECT_TRUE(sorted_files(dir.path()).empty()) << "no empty segment before data";

  ASSERT_TRUE(sink.write(lines(0, 3)).ok());
  ASSERT_TRUE(sink.flush().ok());
  const auto expected_path = dir.path() / "btcusdt_depth.20261121-235900Z.000001.ndjson.gz";
  EXPECT_EQ(sink.stats().current_path, expected_path.string());
  auto content = gunzip_file(expected_path);  // the sink is still open: a crash here loses nothing
  EXPECT_EQ(content.text, lines(0, 3));
  EXPECT_EQ(content.members, 1);

  ASSERT_TRUE(sink.write(lines(3, 5)).ok());
  ASSERT_TRUE(sink.flush().ok());
  content = gunzip_file(expected_path);
  EXPECT_EQ(content.text, lines(0, 5));
  EXPECT_EQ(content.members, 2) << "one gzip member per flush";

  const auto stats = sink.stats();
  EXPECT_EQ(stats.segments_opened, 1u);
  EXPECT_EQ(stats.bytes_in, lines(0, 5).size());
  EXPECT_EQ(stats.bytes_out, read_bytes(expected_path).size());
  EXPECT_EQ(stats.write_errors, 0u);

  EXPECT_TRUE(sink.close().ok());
  EXPECT_TRUE(sink.close().ok()) << "idempotent";
  EXPECT_TRUE(sink.stats().current_path.empty());
  EXPECT_EQ(gunzip_file(expected_path).text, lines(0, 5));
}

TEST(GzipRotatingSink, LargeWritesFlushByThemselves) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  config.flush_threshold_bytes = 100;
  GzipRotatingSink sink(config);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(sink.write(line(i)).ok());
  // No explicit flush: everything past the threshold is already in the file.
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  const auto content = gunzip_file(files[0]);
  EXPECT_GE(content.members, 3);
  EXPECT_EQ(content.text, lines(0, 20).substr(0, content.text.size()));
  EXPECT_GE(content.text.size() + 100, lines(0, 20).size());
}

TEST(GzipRotatingSink, RotatesBySizeAtLineBoundaries) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  config.rotate = RotateMode::size;
  config.max_bytes = 3 * line(0).size();  // each line(0..9) has the same length
  GzipRotatingSink sink(config);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(sink.write(line(i)).ok());
    ASSERT_TRUE(sink.flush().ok());
  }
  ASSERT_TRUE(sink.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 4u);  // 3 + 3 + 3 + 1 lines
  for (std::size_t k = 0; k < files.size(); ++k) {
    EXPECT_EQ(files[k].filename().string(),
              GzipRotatingSink::segment_file_name("btcusdt_depth", kStart, k + 1));
    EXPECT_LE(gunzip_file(files[k]).text.size(), config.max_bytes);
  }
  EXPECT_EQ(gunzip_file(files[1]).text, lines(3, 6));
  EXPECT_EQ(all_segments_text(dir.path()), lines(0, 10));
  EXPECT_EQ(sink.stats().segments_opened, 4u);
}

TEST(GzipRotatingSink, RotatesByIntervalOnTheInjectedClock) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  config.rotate_interval = std::chrono::seconds(60);
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write(line(0)).ok());
  ASSERT_TRUE(sink.flush().ok());
  clock.advance(std::chrono::seconds(59));
  ASSERT_TRUE(sink.write(line(1)).ok());
  ASSERT_TRUE(sink.flush().ok());
  EXPECT_EQ(sorted_files(dir.path()).size(), 1u) << "59 s: same segment";

  clock.advance(std::chrono::seconds(1));
  ASSERT_TRUE(sink.write(line(2)).ok());  // due: the old segment is closed first
  ASSERT_TRUE(sink.flush().ok());
  auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].filename().string(), "btcusdt_depth.20261122-000000Z.000002.ndjson.gz");
  EXPECT_EQ(gunzip_file(files[0]).text, lines(0, 2));
  EXPECT_EQ(gunzip_file(files[1]).text, line(2));

  // An idle segment is closed by a flush once due; the next data opens a new one.
  clock.advance(std::chrono::seconds(61));
  ASSERT_TRUE(sink.flush().ok());
  EXPECT_TRUE(sink.stats().current_path.empty());
  clock.advance(std::chrono::seconds(1000));
  EXPECT_EQ(sorted_files(dir.path()).size(), 2u) << "no empty segments while idle";
  ASSERT_TRUE(sink.write(line(3)).ok());
  ASSERT_TRUE(sink.flush().ok());
  EXPECT_EQ(sorted_files(dir.path()).size(), 3u);
  EXPECT_EQ(all_segments_text(dir.path()), lines(0, 4));
}

TEST(GzipRotatingSink, RestartContinuesAfterTheHighestSeqAndOverwritesNothing) {
  ScratchDir dir;
  FakeClock clock;
  {
    GzipRotatingSink first(config_for(dir, clock));
    ASSERT_TRUE(first.write(lines(0, 2)).ok());
    ASSERT_TRUE(first.close().ok());
  }
  // Another symbol's segment in the same directory counts too; other files do not.
  std::ofstream(dir.path() / "ethusdt_depth.20260101-000000Z.000041.ndjson.gz") << "x";
  std::ofstream(dir.path() / "notes.000099.ndjson.gz") << "x";
  std::ofstream(dir.path() / "metrics.json") << "{}";
  EXPECT_EQ(GzipRotatingSink::highest_segment_seq(dir.str()), 41u);

  GzipRotatingSink second(config_for(dir, clock));  // same clock second as the first run
  ASSERT_TRUE(second.write(lines(2, 4)).ok());
  ASSERT_TRUE(second.close().ok());
  EXPECT_EQ(gunzip_file(dir.path() / "btcusdt_depth.20261121-235900Z.000001.ndjson.gz").text,
            lines(0, 2));
  EXPECT_EQ(gunzip_file(dir.path() / "btcusdt_depth.20261121-235900Z.000042.ndjson.gz").text,
            lines(2, 4));
}

TEST(GzipRotatingSink, NameTakenBetweenScanAndCreateMovesToTheNextSeq) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  const SegmentFileOps posix = posix_segment_file_ops();
  bool raced = false;
  // Another process creates our chosen name just before we do: O_EXCL must refuse it.
  config.file_ops.create_exclusive = [&](const std::string& path) {
    if (!raced) {
      raced = true;
      std::ofstream(path) << "someone else's";
    }
    return posix.create_exclusive(path);
  };
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write(line(0)).ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(read_bytes(dir.path() / "btcusdt_depth.20261121-235900Z.000001.ndjson.gz"),
            "someone else's");
  EXPECT_EQ(gunzip_file(dir.path() / "btcusdt_depth.20261121-235900Z.000002.ndjson.gz").text,
            line(0));
}

// Fails writes with ENOSPC while `full` is set, after writing `partial_bytes` of the first try
// (a disk that fills up in the middle of a member).
struct FlakyDisk {
  bool full = false;
  std::size_t partial_bytes = 0;
  SegmentFileOps ops() {
    SegmentFileOps o = posix_segment_file_ops();
    o.write = [this, posix = o.write](int fd, const char* data, std::size_t size) -> long {
      if (!full) return posix(fd, data, size);
      if (partial_bytes > 0) {
        const std::size_t n = std::min(partial_bytes, size);
        partial_bytes = 0;
        return posix(fd, data, n);
      }
      return -ENOSPC;
    };
    return o;
  }
};

TEST(GzipRotatingSink, DiskFullIsCountedAndRecordingResumesInANewSegment) {
  ScratchDir dir;
  FakeClock clock;
  FlakyDisk disk;
  auto config = config_for(dir, clock);
  config.file_ops = disk.ops();
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write(lines(0, 2)).ok());
  ASSERT_TRUE(sink.flush().ok());
  const auto first = dir.path() / "btcusdt_depth.20261121-235900Z.000001.ndjson.gz";

  disk.full = true;
  disk.partial_bytes = 10;
  ASSERT_TRUE(sink.write(lines(2, 4)).ok());
  const SinkStatus failed = sink.flush();
  EXPECT_EQ(failed.code, SinkStatus::Code::failed);
  EXPECT_EQ(failed.error_number, ENOSPC);
  EXPECT_NE(failed.message.find("No space left on device"), std::string::npos) << failed.message;
  EXPECT_NE(failed.message.find(first.string()), std::string::npos) << failed.message;
  auto stats = sink.stats();
  EXPECT_EQ(stats.write_errors, 1u);
  EXPECT_EQ(stats.last_error, failed.message);
  EXPECT_TRUE(stats.current_path.empty());
  // The half-written member was cut off: the failed segment is still a clean gzip file.
  EXPECT_EQ(gunzip_file(first).text, lines(0, 2));

  EXPECT_FALSE(sink.flush().ok()) << "still full: retried, failed again";
  EXPECT_EQ(sink.stats().write_errors, 2u);

  disk.full = false;  // space returns
  ASSERT_TRUE(sink.write(lines(4, 5)).ok());
  ASSERT_TRUE(sink.flush().ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(all_segments_text(dir.path()), lines(0, 5)) << "nothing lost, order kept";
  for (const auto& file : sorted_files(dir.path()))
    EXPECT_GT(std::filesystem::file_size(file), 0u) << file << ": no empty segment left behind";
  stats = sink.stats();
  EXPECT_GE(stats.segments_opened, 2u);
  EXPECT_EQ(stats.dropped_writes, 0u);
}

// A disk with `room` bytes left: writes beyond it are cut short, then fail with ENOSPC.
struct DiskWithRoom {
  std::size_t room = 0;
  SegmentFileOps ops() {
    SegmentFileOps o = posix_segment_file_ops();
    o.write = [this, posix = o.write](int fd, const char* data, std::size_t size) -> long {
      if (room == 0) return -ENOSPC;
      const long n = posix(fd, data, std::min(room, size));
      if (n > 0) room -= static_cast<std::size_t>(n);
      return n;
    };
    return o;
  }
};

// Issue 18 (2): the backlog of a full disk was retried as one write, which failed whole while
// the disk had less room than all of it, and grew: recording never resumed. Now each flush's
// member is written on its own: what fits is kept (and counted as written), the rest waits.
TEST(GzipRotatingSink, LessRoomThanTheBacklogWritesWhatFitsAndTheRestLater) {
  ScratchDir dir;
  FakeClock clock;
  DiskWithRoom disk;
  auto config = config_for(dir, clock);
  config.file_ops = disk.ops();
  GzipRotatingSink sink(config);
  for (int flush = 0; flush < 5; ++flush) {  // five flushes while the disk is full
    ASSERT_TRUE(sink.write(lines(flush * 10, flush * 10 + 10)).ok());
    EXPECT_EQ(sink.flush().code, SinkStatus::Code::failed);
  }
  EXPECT_EQ(sink.stats().lines_written, 0u);
  EXPECT_GT(sink.stats().unwritten_bytes, 0u);
  // Room for two and a half of the five members (each ~ the same size).
  std::string probe;
  recording::GzipMemberEncoder(config.compression_level).append_member(lines(0, 10), probe);
  disk.room = probe.size() * 5 / 2;
  EXPECT_EQ(sink.flush().code, SinkStatus::Code::failed) << "the third member does not fit";
  EXPECT_EQ(sink.stats().lines_written, 20u);
  EXPECT_EQ(all_segments_text(dir.path()), lines(0, 20)) << "the members that fit are kept";

  disk.room = std::size_t{1} << 30;  // space returns
  ASSERT_TRUE(sink.write(lines(50, 52)).ok());
  ASSERT_TRUE(sink.flush().ok());
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(all_segments_text(dir.path()), lines(0, 52)) << "nothing lost, order kept";
  const auto stats = sink.stats();
  EXPECT_EQ(stats.lines_written, 52u);
  EXPECT_EQ(stats.unwritten_bytes, 0u);
  EXPECT_EQ(stats.lines_lost, 0u);
}

// A flush of many streams' members is one write(2), not one per member (issue 12: ~3,000
// members a second at a whole market); a storage that takes a few bytes per call still gets
// every member whole and in order.
TEST(GzipRotatingSink, AFlushOfManyStreamsIsOneWriteAndShortWritesLoseNothing) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  config.file_prefix = "multi_depth";
  std::size_t calls = 0;
  std::size_t most_per_call = std::size_t{1} << 30;
  SegmentFileOps ops = posix_segment_file_ops();
  ops.write = [&, posix = ops.write](int fd, const char* data, std::size_t size) -> long {
    ++calls;
    return posix(fd, data, std::min(size, most_per_call));
  };
  config.file_ops = ops;
  GzipRotatingSink sink(config);
  std::string expected;
  for (int s = 0; s < 40; ++s) {
    const std::string text = lines(s * 3, s * 3 + 3);
    ASSERT_TRUE(
        sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), "s" + std::to_string(s)})
            .ok());
    expected += text;
  }
  ASSERT_TRUE(sink.flush().ok());
  EXPECT_EQ(calls, 1u) << "40 members in one write";
  EXPECT_EQ(sink.stats().lines_written, 120u);

  most_per_call = 7;  // short writes: the loop goes on from where each stopped
  calls = 0;
  for (int s = 0; s < 5; ++s) {
    const std::string text = lines(1000 + s, 1001 + s);
    ASSERT_TRUE(sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), "s"}).ok());
    expected += text;
  }
  ASSERT_TRUE(sink.flush().ok());
  EXPECT_GT(calls, 5u);
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(all_segments_text(dir.path()), expected);
  EXPECT_EQ(sink.stats().lines_written, 125u);
  EXPECT_EQ(sink.stats().unwritten_bytes, 0u);
}

TEST(GzipRotatingSink, UnwritableDirectoryBoundsTheBacklogThenRecovers) {
  ScratchDir dir;
  FakeClock clock;
  const auto blocker = dir.path() / "not-a-dir";
  std::ofstream(blocker) << "a regular file where the data directory's parent should be";
  auto config = config_for(dir, clock);
  config.directory = (blocker / "data").string();
  config.max_unwritten_bytes = 10 * line(0).size();
  GzipRotatingSink sink(config);

  int kept = 0;
  int dropped = 0;
  for (int i = 0; i < 30; ++i) {
    const SinkStatus status = sink.write(line(i));
    if (status.code == SinkStatus::Code::dropped) {
      ++dropped;
    } else {
      ++kept;
    }
    if (i % 5 == 4) {
      const SinkStatus flushed = sink.flush();
      EXPECT_EQ(flushed.code, SinkStatus::Code::failed);
      EXPECT_EQ(flushed.error_number, ENOTDIR) << flushed.message;
    }
  }
  auto stats = sink.stats();
  EXPECT_GT(dropped, 0);
  EXPECT_GT(kept, 0);
  EXPECT_EQ(stats.dropped_writes, static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(stats.write_errors, 6u);
  EXPECT_NE(stats.last_error.find("Not a directory"), std::string::npos) << stats.last_error;

  std::filesystem::remove(blocker);  // the operator fixes the path
  ASSERT_TRUE(sink.flush().ok());
  ASSERT_TRUE(sink.close().ok());
  const auto text = all_segments_text(blocker / "data");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), kept);
  EXPECT_EQ(text.substr(0, line(0).size()), line(0));
}

TEST(GzipRotatingSink, DataStillUnwritableAtCloseIsCountedAsDropped) {
  ScratchDir dir;
  FakeClock clock;
  std::ofstream(dir.path() / "file") << "x";
  auto config = config_for(dir, clock);
  config.directory = (dir.path() / "file" / "data").string();
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write(lines(0, 2)).ok());
  EXPECT_EQ(sink.close().code, SinkStatus::Code::failed);
  const auto stats = sink.stats();
  EXPECT_EQ(stats.dropped_bytes, lines(0, 2).size());
  EXPECT_EQ(stats.dropped_writes, 1u);
  EXPECT_EQ(stats.lines_lost, 2u) << "counted as records, for the writer's drops";
  EXPECT_TRUE(sink.close().ok()) << "nothing left to lose";
}

TEST(GzipRotatingSink, RemovedDirectoryIsRecreatedAndReported) {
  ScratchDir dir;
  FakeClock clock;
  auto config = config_for(dir, clock);
  config.directory = (dir.path() / "a" / "b").string();  // created on demand, parents too
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write(line(0)).ok());
  ASSERT_TRUE(sink.flush().ok());
  std::filesystem::remove_all(dir.path() / "a");

  ASSERT_TRUE(sink.write(line(1)).ok());
  EXPECT_TRUE(sink.flush().ok()) << "written to a fresh segment";
  const auto stats = sink.stats();
  EXPECT_EQ(stats.write_errors, 1u);
  EXPECT_NE(stats.last_error.find("removed"), std::string::npos) << stats.last_error;
  EXPECT_EQ(all_segments_text(dir.path() / "a" / "b"), line(1));
}

TEST(GzipRotatingSink, RefusesBadSetup) {
  GzipRotatingSinkConfig config;
  config.symbol = "../etc";
  EXPECT_THROW(GzipRotatingSink{config}, std::invalid_argument);
  config.symbol = "BTCUSDT";
  config.compression_level = 12;
  EXPECT_THROW(GzipRotatingSink{config}, std::invalid_argument);
}

}  // namespace
}  // namespace depthrec

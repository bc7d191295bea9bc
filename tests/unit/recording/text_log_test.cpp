// TextLog: line format, levels and echo, rotation by size / interval / date, the backup bound
// (only this symbol's rotated logs), restart appends, unwritable directory, concurrent writers.
#include "depthrec/text_log.hpp"

#include <filesystem>
#include <sstream>
#include <thread>

#include "unit/recording/recording_test_support.hpp"

namespace depthrec {
namespace {

using testing::read_bytes;
using testing::ScratchDir;
using testing::sorted_files;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

const Clock::time_point kLateEvening =
    Clock::time_point(1795305540123ms);                              // 2026-11-21T23:59:00.123Z
const Clock::time_point kNoon = Clock::time_point(1795262400000ms);  // 2026-11-21T12:00:00.000Z

struct Harness {
  ScratchDir dir;
  std::shared_ptr<Clock::time_point> now;
  std::shared_ptr<std::vector<std::string>> echoed = std::make_shared<std::vector<std::string>>();

  explicit Harness(Clock::time_point start) : now(std::make_shared<Clock::time_point>(start)) {}

  TextLogConfig config() const {
    TextLogConfig c;
    c.directory = dir.str();
    c.symbol = "BTCUSDT";
    c.clock = [now = now] { return *now; };
    c.echo = [echoed = echoed](std::string_view line) { echoed->emplace_back(line); };
    return c;
  }
  std::string file(const std::string& name) const { return read_bytes(dir.path() / name); }
  std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& p : sorted_files(dir.path())) result.push_back(p.filename().string());
    return result;
  }
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(TextLog, LineFormatLevelsAndEcho) {
  Harness h(kLateEvening);
  auto config = h.config();
  config.file_level = LogLevel::debug;
  config.echo_level = LogLevel::info;
  TextLog log(config);
  log.debug("details");
  log.info("SUMMARY | t=10s | msgs=22");
  log.warning("two\nlines\r");
  log.error("boom");
  EXPECT_EQ(h.file("btcusdt_20261121.log"),
            "2026-11-21T23:59:00.123Z DEBUG details\n"
            "2026-11-21T23:59:00.123Z INFO SUMMARY | t=10s | msgs=22\n"
            "2026-11-21T23:59:00.123Z WARNING two lines \n"
            "2026-11-21T23:59:00.123Z ERROR boom\n");
  ASSERT_EQ(h.echoed->size(), 3u) << "DEBUG is not echoed";
  EXPECT_EQ((*h.echoed)[0], "2026-11-21T23:59:00.123Z INFO SUMMARY | t=10s | msgs=22\n");
  const auto stats = log.stats();
  EXPECT_EQ(stats.lines_written, 4u);
  EXPECT_EQ(stats.current_path, (h.dir.path() / "btcusdt_20261121.log").string());
  EXPECT_EQ(to_string(LogLevel::warning), "WARNING");
}

TEST(TextLog, FileLevelAndNoEcho) {
  Harness h(kLateEvening);
  auto config = h.config();
  config.file_level = LogLevel::warning;
  config.echo_level = std::nullopt;
  TextLog log(config);
  log.info("not in the file");
  log.error("in the file");
  EXPECT_EQ(h.file("btcusdt_20261121.log"), "2026-11-21T23:59:00.123Z ERROR in the file\n");
  EXPECT_TRUE(h.echoed->empty());
}

TEST(TextLog, RotatesBySizeAndKeepsOnlyTheNewestBackups) {
  Harness h(kNoon);
  std::ofstream(h.dir.path() / "ethusdt_20261120.log.20261120-000000.000") << "other symbol";
  std::ofstream(h.dir.path() / "btcusdt_notes.txt") << "not a log";
  auto config = h.config();
  config.rotate = RotateMode::size;
  config.max_bytes = 100;
  config.backups = 3;
  TextLog log(config);
  for (int i = 0; i < 40; ++i) {
    log.info("message " + std::to_string(100 + i));  // 42 bytes a line: 2 lines a file
    *h.now += 1ms;
  }
  const auto names = h.names();
  ASSERT_EQ(names.size(), 6u);  // the active file, 3 backups and the two foreign files
  EXPECT_EQ(names[0], "btcusdt_20261121.log");
  EXPECT_EQ(names[1], "btcusdt_20261121.log.20261121-120000.034");  // rotated at ms 34, 36, 38
  EXPECT_EQ(names[4], "btcusdt_notes.txt");
  EXPECT_EQ(names[5], "ethusdt_20261120.log.20261120-000000.000");
  // The newest 8 lines survive, in order, across backups then the active file.
  std::vector<std::string> kept;
  for (int k = 1; k <= 3; ++k) {
    const std::string text = h.file(names[k]);
    EXPECT_LE(text.size(), 100u);
    for (auto& l : split_lines(text)) kept.push_back(l);
  }
  for (auto& l : split_lines(h.file(names[0]))) kept.push_back(l);
  ASSERT_EQ(kept.size(), 8u);
  for (int k = 0; k < 8; ++k) {
    EXPECT_NE(kept[k].find("message " + std::to_string(132 + k)), std::string::npos) << kept[k];
  }
  const auto stats = log.stats();
  EXPECT_EQ(stats.rotations, 19u);
  EXPECT_EQ(stats.backups_deleted, 16u);
  EXPECT_EQ(stats.write_errors, 0u);
}

TEST(TextLog, RotatesByIntervalOnTheInjectedClock) {
  Harness h(kNoon);
  auto config = h.config();
  config.rotate_interval = 60s;
  TextLog log(config);
  log.info("a");
  *h.now += 59s;
  log.info("b");
  EXPECT_EQ(h.names().size(), 1u);
  *h.now += 1s;
  log.info("c");
  const auto names = h.names();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[1], "btcusdt_20261121.log.20261121-120100.000");
  EXPECT_EQ(split_lines(h.file(names[1])).size(), 2u);
  EXPECT_EQ(h.file(names[0]), "2026-11-21T12:01:00.000Z INFO c\n");
}

TEST(TextLog, SameMillisecondRotationsDoNotOverwrite) {
  Harness h(kNoon);
  auto config = h.config();
  config.rotate = RotateMode::size;
  config.max_bytes = 1;
  TextLog log(config);
  for (int i = 0; i < 4; ++i) log.info(std::to_string(i));
  const auto names = h.names();
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names[1], "btcusdt_20261121.log.20261121-120000.000");
  EXPECT_EQ(names[2], "btcusdt_20261121.log.20261121-120000.000-1");
  EXPECT_EQ(h.file(names[3]), "2026-11-21T12:00:00.000Z INFO 2\n");
}

TEST(TextLog, NewUtcDayStartsANewFile) {
  Harness h(kLateEvening);
  auto config = h.config();
  config.rotate = RotateMode::size;
  TextLog log(config);
  log.info("before midnight");
  *h.now += 61s;
  log.info("after midnight");
  const auto names = h.names();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "btcusdt_20261121.log.20261122-000001.123");
  EXPECT_EQ(names[1], "btcusdt_20261122.log");
  EXPECT_EQ(h.file(names[1]), "2026-11-22T00:00:01.123Z INFO after midnight\n");
}

TEST(TextLog, RestartAppendsToTheDaysFile) {
  Harness h(kNoon);
  { TextLog(h.config()).info("first run"); }
  *h.now += 1s;
  { TextLog(h.config()).info("second run"); }
  EXPECT_EQ(h.file("btcusdt_20261121.log"),
            "2026-11-21T12:00:00.000Z INFO first run\n"
            "2026-11-21T12:00:01.000Z INFO second run\n");
}

// logrotate renames the file and sends SIGHUP: without reopen() the lines would follow the renamed
// inode; after it they go to a new file at the original path, and none is lost.
TEST(TextLog, ReopenAfterAnOutsideRenameWritesANewFileAtThePath) {
  Harness h(kNoon);
  TextLog log(h.config());
  log.info("before rotation");
  std::filesystem::rename(h.dir.path() / "btcusdt_20261121.log",
                          h.dir.path() / "btcusdt_20261121.log.1");
  log.info("after the rename, before the reopen");
  log.reopen();
  log.info("after the reopen");
  EXPECT_EQ(h.file("btcusdt_20261121.log.1"),
            "2026-11-21T12:00:00.000Z INFO before rotation\n"
            "2026-11-21T12:00:00.000Z INFO after the rename, before the reopen\n");
  EXPECT_EQ(h.file("btcusdt_20261121.log"), "2026-11-21T12:00:00.000Z INFO after the reopen\n");
  EXPECT_EQ(log.stats().reopens, 1u);
  EXPECT_EQ(log.stats().write_errors, 0u);
}

TEST(TextLog, UnwritableDirectoryIsCountedAndLoggingGoesOn) {
  Harness h(kNoon);
  const auto blocker = h.dir.path() / "file";
  std::ofstream(blocker) << "x";
  auto config = h.config();
  config.directory = (blocker / "logs").string();
  TextLog log(config);
  log.error("lost");
  log.error("lost too");
  auto stats = log.stats();
  EXPECT_EQ(stats.write_errors, 2u);
  EXPECT_EQ(stats.lines_written, 0u);
  EXPECT_NE(stats.last_error.find("Not a directory"), std::string::npos) << stats.last_error;
  // The echo still works, and says once (not per line) that the file is not being written.
  ASSERT_EQ(h.echoed->size(), 3u);
  EXPECT_EQ((*h.echoed)[1].rfind("2026-11-21T12:00:00.000Z WARNING text log unusable (create "
                                 "directory " +
                                     (blocker / "logs").string() + ": Not a directory)",
                                 0),
            0u)
      << (*h.echoed)[1];
  EXPECT_TRUE(stats.file_failing);
  std::filesystem::remove(blocker);
  log.error("kept");
  EXPECT_EQ(read_bytes(blocker / "logs" / "btcusdt_20261121.log"),
            "2026-11-21T12:00:00.000Z ERROR kept\n");
  ASSERT_EQ(h.echoed->size(), 5u);
  EXPECT_NE((*h.echoed)[4].find("WARNING text log writable again"), std::string::npos);
  EXPECT_FALSE(log.stats().file_failing);
  EXPECT_EQ(log.stats().failures_reported, 1u);
}

TEST(TextLog, ConcurrentWritersNeverInterleave) {
  Harness h(kNoon);
  auto config = h.config();
  config.rotate = RotateMode::size;
  config.max_bytes = 4096;
  config.backups = 1000;
  config.echo_level = std::nullopt;
  TextLog log(config);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i)
        log.info("thread " + std::to_string(t) + " line " + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  int lines = 0;
  for (const auto& name : h.names()) {
    for (const auto& l : split_lines(h.file(name))) {
      ++lines;
      EXPECT_EQ(l.rfind("2026-11-21T12:00:00.000Z INFO thread ", 0), 0u) << l;
    }
  }
  EXPECT_EQ(lines, 2000);
  EXPECT_EQ(log.stats().lines_written, 2000u);
}

TEST(TextLog, RefusesBadSetup) {
  TextLogConfig config;
  config.symbol = "a/b";
  EXPECT_THROW(TextLog{config}, std::invalid_argument);
  config.symbol = "BTCUSDT";
  config.backups = -1;
  EXPECT_THROW(TextLog{config}, std::invalid_argument);
}

}  // namespace
}  // namespace depthrec

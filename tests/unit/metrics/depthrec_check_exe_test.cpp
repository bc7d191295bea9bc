// Runs the built depthrec-check on the fixture files: output lines and exit codes 0/1/2.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>

#include "metrics_fixtures.hpp"

namespace {

const std::string kExe = std::string(DEPTHREC_BINARY_DIR) + "/depthrec-check";
const std::string kNow = " --now 1760690286.509 ";  // 5 s after the fixtures' timestamp

struct Result {
  int exit_code = -1;
  std::string output;
};

Result run(const std::string& arguments) {
  Result result;
  const std::string command = "'" + kExe + "'" + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string fixture(const std::string& name) {
  return " '" + depthrec::test::metrics_fixture(name) + "'";
}

class DepthrecCheckExe : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kExe.c_str(), X_OK) != 0) GTEST_SKIP() << kExe << " is not built";
  }
};

TEST_F(DepthrecCheckExe, SeedFileIsOkExitZero) {
  const Result r = run(kNow + fixture("metrics_seed.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("OK       rate=2.20/s (warn <0.5, crit <0.1)\n"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("STATUS OK: 0 warning, 0 critical, 12 ok (ETHUSDT)"), std::string::npos);
}

TEST_F(DepthrecCheckExe, OurOkFileExitZero) {
  const Result r = run(kNow + fixture("metrics_ok.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[corrected]"), std::string::npos) << r.output;
}

TEST_F(DepthrecCheckExe, WarningFileExitOne) {
  const Result r = run(kNow + fixture("metrics_warning.json"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("WARNING  resyncs=3 (warn >0, crit >3)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("WARNING  clock_offset=-1503.5ms"), std::string::npos) << r.output;
}

TEST_F(DepthrecCheckExe, CriticalFileExitTwo) {
  const Result r = run(kNow + fixture("metrics_critical.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("CRITICAL breaks=1 (crit >0)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CRITICAL drops=4 (crit >0)"), std::string::npos) << r.output;
}

TEST_F(DepthrecCheckExe, FlagsOverrideThresholds) {
  EXPECT_EQ(run(kNow + "--p99-warn 90 --p99-crit 95" + fixture("metrics_seed.json")).exit_code, 2);
  EXPECT_EQ(run(kNow + "--p99-warn 90 --p99-crit none" + fixture("metrics_seed.json")).exit_code,
            1);
  EXPECT_EQ(run(kNow + "--breaks-crit 5 --drops-crit none --rate-crit none --rate-warn none" +
                fixture("metrics_critical.json"))
                .exit_code,
            0);
  EXPECT_EQ(run(kNow + "--offset-warn-ms 2000 --resyncs-warn 5 --reconnects-warn 5 --p99-warn 700" +
                fixture("metrics_warning.json"))
                .exit_code,
            0);
  EXPECT_EQ(run(kNow + "--latency raw" + fixture("metrics_warning.json")).output.find("p99=650"),
            std::string::npos);
}

// Issue 17: a recorder whose snapshots kept failing for minutes (book never synced) was OK.
TEST_F(DepthrecCheckExe, UnsyncedBookAndFailingSnapshotsExitTwo) {
  const Result r = run(kNow + fixture("metrics_unsynced.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("CRITICAL unsynced=180.0s (crit >60)\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CRITICAL snapshot_failures=41 in a row (crit >5)\n"), std::string::npos)
      << r.output;
  // Each alert has its own flags.
  const std::pair<const char*, int> flags[] = {
      {"--unsynced-crit 200 --snapshot-failures-crit 41", 0},
      {"--unsynced-crit none --unsynced-warn 120 --snapshot-failures-crit none", 1},
      {"--unsynced-crit 179 --snapshot-failures-crit none", 2},
      {"--snapshot-failures-crit x", 2},  // bad usage
  };
  for (const auto& [arguments, exit_code] : flags) {
    EXPECT_EQ(run(kNow + arguments + fixture("metrics_unsynced.json")).exit_code, exit_code)
        << arguments;
  }
}

TEST_F(DepthrecCheckExe, StaleFileIsCritical) {
  const Result r = run(" --now 1760690400" + fixture("metrics_seed.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("CRITICAL age=118.5s"), std::string::npos) << r.output;
  EXPECT_EQ(run(" --now 1760690400 --stale-intervals 20" + fixture("metrics_seed.json")).exit_code,
            0);
}

TEST_F(DepthrecCheckExe, MissingInvalidAndBadUsageAreCritical) {
  Result r = run(kNow + fixture("no_such_metrics.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("No such file or directory"), std::string::npos) << r.output;
  r = run(kNow + fixture("metrics_invalid.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("invalid JSON"), std::string::npos) << r.output;
  EXPECT_EQ(run(kNow + fixture("metrics_missing_keys.json")).exit_code, 2);
  EXPECT_EQ(run(kNow + "--p99-crit abc" + fixture("metrics_seed.json")).exit_code, 2);
  EXPECT_EQ(run(kNow + "--latency sideways" + fixture("metrics_seed.json")).exit_code, 2);
  EXPECT_EQ(run("").exit_code, 2);  // no file given
  EXPECT_EQ(run(" --help").exit_code, 0);
}

// --now beyond int64 nanoseconds once aborted (uncaught std::out_of_range from std::stold).
TEST_F(DepthrecCheckExe, NowOutOfRangeIsCriticalNotACrash) {
  for (const char* now : {"1e5000", "1e400", "-1e30", "inf"}) {
    const Result r = run(std::string(" --now ") + now + fixture("metrics_seed.json"));
    EXPECT_EQ(r.exit_code, 2) << now << ": " << r.output;
    EXPECT_NE(r.output.find("is not an epoch time in seconds"), std::string::npos) << r.output;
  }
}

TEST_F(DepthrecCheckExe, JsonOutput) {
  const Result r = run(kNow + "--json" + fixture("metrics_warning.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("{\"status\":\"WARNING\",\"exit_code\":1,", 0), 0u) << r.output;
}

// Issue 12: a many-stream metrics.json; the failing stream is named, the exit code is the worst
// alert's.
TEST_F(DepthrecCheckExe, ManyStreamFileNamesTheFailingStream) {
  Result r = run(kNow + fixture("metrics_streams_one_bad.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("\nCRITICAL stream=ethusdt@depth@100ms market=usdm symbol=ETHUSDT "
                          "breaks=1 (crit >0)\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("symbol=BTCUSDT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("streams: 1 of 3 failing"), std::string::npos) << r.output;
  r = run(kNow + "--max-stream-lines 0" + fixture("metrics_streams_one_bad.json"));
  EXPECT_NE(r.output.find("CRITICAL ... and 1 more streams with breaks\n"), std::string::npos)
      << r.output;
  r = run(kNow + fixture("metrics_streams_ok.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(run(kNow + "--max-stream-lines -1" + fixture("metrics_streams_ok.json")).exit_code, 2);
}

}  // namespace

// depthrec-replay on recordings with a make-before-break rollover: a connect record with
// rollover_from continues the stream (not a break marker), and the report counts it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace depthrec {
namespace {

const std::string kBinary = std::string(DEPTHREC_BINARY_DIR) + "/depthrec-replay";

std::string common(const char* type, std::uint64_t conn_id, std::uint64_t n) {
  return std::string(R"({"type":")") + type +
         R"(","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@0ms","conn_id":)" +
         std::to_string(conn_id) + R"(,"recv_ns":)" +
         std::to_string(1721347020000000000ULL + n * 1000000ULL);
}

// Event n: U = 10n+1, u = 10n+10, pu = 10n (continuous with n-1).
std::string depth(std::uint64_t conn_id, std::uint64_t n, std::uint64_t pu_override = 0) {
  const std::uint64_t pu = pu_override ? pu_override : 10 * n;
  return common("depth", conn_id, n) + R"(,"E":1721347021510,"T":1721347021510,"U":)" +
         std::to_string(10 * n + 1) + R"(,"u":)" + std::to_string(10 * n + 10) + R"(,"pu":)" +
         std::to_string(pu) + R"(,"kind":"diff","b":[["100.0",")" + std::to_string(n) +
         R"("]],"a":[["101.0","2.000"]]})";
}

std::string connect(std::uint64_t conn_id, std::uint64_t n, std::uint64_t from = 0) {
  std::string line = common("connect", conn_id, n) + R"(,"url":"wss://127.0.0.1:1/stream")";
  if (from)
    line += R"(,"rollover_from":)" + std::to_string(from) +
            R"(,"rollover_wait_ms":1.5,"overlap_events":3)";
  return line + "}";
}

// A snapshot at `last_update_id` and the resync record that follows it, on `conn_id`.
std::vector<std::string> snapshot_and_resync(std::uint64_t conn_id, std::uint64_t n,
                                             std::uint64_t last_update_id, std::uint64_t U) {
  const std::string id = std::to_string(last_update_id);
  return {common("snapshot", conn_id, n) + R"(,"lastUpdateId":)" + id +
              R"(,"E":null,"T":null,"bids":[["99.0","3.000"]],"asks":[["102.0","4.000"]]})",
          common("resync", conn_id, n) + R"(,"reason":"initial","lastUpdateId":)" + id +
              R"(,"first_U":)" + std::to_string(U) + R"(,"first_u":)" + std::to_string(U + 9) +
              R"(,"dropped_stale":0,"duration_ms":1.0})"};
}

// A recording: conn 1 syncs on a snapshot, events 3..10, then conn 2 takes over (rollover) with
// `after_switch` lines, then conn 1's rolled_over disconnect.
std::string recording(bool rollover_connect, const std::vector<std::string>& after_switch) {
  std::string text = connect(1, 0) + "\n" + depth(1, 3) + "\n";
  for (const auto& line : snapshot_and_resync(1, 3, 35, 31)) text += line + "\n";
  for (std::uint64_t n = 4; n <= 10; ++n) text += depth(1, n) + "\n";
  text += connect(2, 10, rollover_connect ? 1 : 0) + "\n";
  for (const auto& line : after_switch) text += line + "\n";
  text += common("disconnect", 1, 20) + R"(,"reason":"rolled_over","code":1000})" + "\n";
  return text;
}

struct Report {
  int exit_code = -1;
  rapidjson::Document json;
};

Report replay(const std::string& text) {
  const std::string path = std::filesystem::temp_directory_path() /
                           ("replay_rollover_" + std::to_string(getpid()) + ".ndjson");
  std::ofstream(path) << text;
  const std::string command = "timeout 60 '" + kBinary + "' --json '" + path + "' 2>/dev/null";
  std::string out;
  std::FILE* pipe = popen(command.c_str(), "r");
  Report report;
  if (pipe == nullptr) return report;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  report.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  report.json.Parse(out.c_str());
  EXPECT_FALSE(report.json.HasParseError()) << out;
  return report;
}

class ReplayRollover : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBinary)) GTEST_FAIL() << kBinary << " is not built";
  }
};

TEST_F(ReplayRollover, RolloverConnectIsNotABreakAndIsCounted) {
  const Report r = replay(recording(true, {depth(2, 11), depth(2, 12), depth(2, 13)}));
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_TRUE(r.json.IsObject());
  EXPECT_EQ(r.json["events"].GetUint64(), 11u);
  EXPECT_EQ(r.json["breaks"].GetUint64(), 0u);
  EXPECT_EQ(r.json["unmarked_breaks"].GetUint64(), 0u);
  EXPECT_EQ(r.json["connect_records"].GetUint64(), 2u);
  EXPECT_EQ(r.json["rollover_connects"].GetUint64(), 1u);
  EXPECT_EQ(r.json["disconnect_records"].GetUint64(), 1u);
  EXPECT_TRUE(r.json["synced_at_end"].GetBool());
}

TEST_F(ReplayRollover, ABreakAfterARolloverConnectIsUnmarked) {
  // The successor's first event does not continue the book (pu 999); the book syncs again on a
  // snapshot. A rollover connect does not mark that break, where a reconnect's connect record
  // (with the snapshot and resync after it) does.
  std::vector<std::string> after{depth(2, 12, 999), depth(2, 13)};
  for (const auto& line : snapshot_and_resync(2, 14, 135, 131)) after.push_back(line);
  const Report rolled = replay(recording(true, after));
  EXPECT_NE(rolled.exit_code, 0);
  ASSERT_TRUE(rolled.json.IsObject());
  EXPECT_EQ(rolled.json["breaks"].GetUint64(), 1u);
  EXPECT_EQ(rolled.json["unmarked_breaks"].GetUint64(), 1u);
  EXPECT_EQ(rolled.json["rollover_connects"].GetUint64(), 1u);

  const Report reconnect = replay(recording(false, after));
  EXPECT_EQ(reconnect.exit_code, 0);
  ASSERT_TRUE(reconnect.json.IsObject());
  EXPECT_EQ(reconnect.json["breaks"].GetUint64(), 1u);
  EXPECT_EQ(reconnect.json["unmarked_breaks"].GetUint64(), 0u) << "a plain connect marks it";
  EXPECT_EQ(reconnect.json["rollover_connects"].GetUint64(), 0u);
}

}  // namespace
}  // namespace depthrec

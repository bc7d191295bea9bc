// USD-M's RPI book (issue 13, item 1) end to end: depthrec records BTCUSDT's normal book
// (depth@100ms) and its RPI book (rpiDepth@500ms) from depthsim, each a book of its own with its
// own snapshot (/fapi/v1/rpiDepth for the RPI one), continuity and metrics entry. An RPI event
// depthsim drops (rpi_gap) breaks and resyncs the RPI book alone; at the end each book equals
// depthsim's truth of that book, and depthrec-replay verifies each stream on its own.
#include <gtest/gtest.h>

#include "engine_e2e_support.hpp"

namespace itest::engine_rpi_e2e_test {
namespace {

constexpr std::uint64_t kEvents = 600;  // at 300 events/s: two seconds of generation
const std::string kDepthStream = "btcusdt@depth@100ms";
const std::string kRpiStream = "btcusdt@rpiDepth@500ms";

const rapidjson::Value* entry_of_stream(const rapidjson::Document& metrics,
                                        const std::string& stream) {
  if (!metrics.HasMember("streams") || !metrics["streams"].IsArray()) return nullptr;
  for (const auto& entry : metrics["streams"].GetArray()) {
    if (str(entry, "stream") == stream) return &entry;
  }
  return nullptr;
}

rapidjson::Document sim_json(const Simulator& sim, const std::string& path) {
  rapidjson::Document doc;
  if (const auto text = sim.get(path)) doc.Parse(text->c_str());
  return doc;
}

// depthrec-replay on `stream` alone at `truth`'s lastUpdateId: exit 0, `breaks` breaks, all
// marked, every one of the `sent` events verified, and the book equal to `truth`.
void expect_stream_replays_to(const RecorderRun& run, const std::string& stream,
                              const rapidjson::Document& truth, std::uint64_t sent,
                              std::uint64_t breaks) {
  ASSERT_TRUE(truth.IsObject()) << stream;
  const std::uint64_t last_id = u64(truth, "lastUpdateId");
  const auto report = run_replay({"--stream", stream, "--at", "u:" + std::to_string(last_id),
                                  "--levels", "5000", run.data_dir()});
  ASSERT_TRUE(report.json.IsObject()) << stream;
  EXPECT_EQ(report.exit_code, 0) << stream;
  EXPECT_EQ(u64(report.json, "events"), sent) << stream;
  EXPECT_EQ(u64(report.json, "breaks"), breaks) << stream;
  EXPECT_EQ(u64(report.json, "unmarked_breaks"), 0u) << stream;
  const auto& at = report.json["at"];
  EXPECT_TRUE(at["reached"].GetBool()) << stream;
  EXPECT_EQ(side(at["bids"]), side(truth["bids"])) << stream;
  EXPECT_EQ(side(at["asks"]), side(truth["asks"])) << stream;
  report_figure(stream + " events verified / breaks / bid+ask levels = truth",
                std::to_string(u64(report.json, "events")) + " / " +
                    std::to_string(u64(report.json, "breaks")) + " / " +
                    std::to_string(at["bids"].Size() + at["asks"].Size()));
}

TEST(EngineRpiE2E, RpiAndNormalBooksSyncApartAndAnRpiGapResyncsTheRpiBookOnly) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "300", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "91", "--fault",
                 "rpi_gap@300/BTCUSDT"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--market", "usdm", "--streams",
                                         "depth@100ms,rpiDepth", "--print-interval", "1"});

  // depthsim is done generating: both books' last ids are known.
  rapidjson::Document stats;
  ASSERT_TRUE(wait_until(
      [&] {
        stats = sim_json(sim, "/sim/stats?symbol=BTCUSDT");
        return stats.IsObject() && stats.HasMember("symbol") &&
               u64(stats["symbol"], "events_generated") >= kEvents;
      },
      std::chrono::seconds(60)))
      << run.process->output();
  const std::uint64_t depth_last = u64(stats["symbol"], "last_update_id");
  const std::uint64_t rpi_last = u64(stats["symbol"], "rpi_last_update_id");
  ASSERT_NE(rpi_last, 0u) << "the RPI book started at the subscription";
  ASSERT_NE(rpi_last, depth_last);
  const bool at_truth = wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics) return false;
        const rapidjson::Value* depth = entry_of_stream(*metrics, kDepthStream);
        const rapidjson::Value* rpi = entry_of_stream(*metrics, kRpiStream);
        return depth && rpi && (*depth)["book"]["synced"].GetBool() &&
               (*rpi)["book"]["synced"].GetBool() &&
               u64((*depth)["book"], "last_update_id") == depth_last &&
               u64((*rpi)["book"], "last_update_id") == rpi_last;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(at_truth) << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);

  // Two books, two metrics entries: the gap is the RPI book's alone.
  ASSERT_EQ((*metrics)["streams"].Size(), 2u);
  const rapidjson::Value* depth = entry_of_stream(*metrics, kDepthStream);
  const rapidjson::Value* rpi = entry_of_stream(*metrics, kRpiStream);
  ASSERT_TRUE(depth && rpi);
  stats = sim_json(sim, "/sim/stats?symbol=BTCUSDT");
  const std::uint64_t rpi_sent = u64(stats["symbol"], "rpi_events_sent");
  EXPECT_EQ(u64(*rpi, "total_messages"), rpi_sent);
  EXPECT_EQ(u64((*depth)["continuity"], "breaks"), 0u);
  EXPECT_EQ(u64((*depth)["continuity"], "resyncs"), 0u);
  EXPECT_EQ(u64((*rpi)["continuity"], "breaks"), 1u);
  EXPECT_EQ(u64((*rpi)["continuity"], "resyncs"), 1u);
  const rapidjson::Document faults = sim.stats();
  ASSERT_TRUE(faults.IsObject());
  EXPECT_EQ(u64(faults["faults"], "rpi_gap"), 1u);

  // Each book equals depthsim's truth of that book, every event of each stream verified.
  std::uint64_t depth_sent = 0;
  for (const auto& connection : stats["connections"].GetArray())
    depth_sent += u64(connection, "events");
  expect_stream_replays_to(run, kDepthStream, sim_json(sim, "/sim/truth?symbol=BTCUSDT"),
                           depth_sent, 0);
  expect_stream_replays_to(run, kRpiStream, sim_json(sim, "/sim/truth?symbol=BTCUSDT&book=rpi"),
                           rpi_sent, 1);
  const auto whole = run_replay({run.data_dir()});
  EXPECT_EQ(whole.exit_code, 0) << "the whole directory, stream by stream";
  report_figure("BTCUSDT depth / rpiDepth events recorded, rpi resyncs",
                std::to_string(u64(*depth, "total_messages")) + " / " +
                    std::to_string(u64(*rpi, "total_messages")) + ", " +
                    std::to_string(u64((*rpi)["continuity"], "resyncs")));
}

}  // namespace
}  // namespace itest::engine_rpi_e2e_test

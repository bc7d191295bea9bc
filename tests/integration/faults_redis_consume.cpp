// Consumers of the Redis Streams sink (issue 14, item 4) against a real redis-server the test
// starts (Unix socket in a temporary directory, stopped by its pid): depthrec-consume and the
// Python example rebuild the book from Redis alone, equal to depthsim's ground truth, starting at
// the sync's snapshot or at a `book` entry (--redis-book-every); a consumer that read a batch and
// is SIGKILLed before XACK leaves it pending, and another consumer of the group claims it
// (XAUTOCLAIM): every entry processed once, none pending; bad input (no server, no stream,
// malformed entries, a break no gap entry announced) gets a clear error or a count, never a crash.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"
#include "faults_support.hpp"
#include "redis_server.hpp"

namespace itest::faults_redis_consume {
namespace {

const std::string kKey = "depthrec:usdm:BTCUSDT:depth";
constexpr std::uint64_t kEvents = 600;
constexpr std::uint64_t kBookEvery = 100;

struct ToolRun {
  int exit_code = -1;
  std::string output;
  rapidjson::Document json;
};

ToolRun run_tool(const std::string& program, const std::vector<std::string>& args) {
  const std::string dir = make_temp_dir("consume");
  ChildProcess process(program, args, dir + "/output.txt");
  ToolRun run;
  const auto code = process.wait_exit(std::chrono::seconds(60));
  run.exit_code = code ? *code : -1;
  run.output = process.output();
  run.json.Parse(run.output.c_str());
  return run;
}

ToolRun consume(const RedisServer& redis, std::vector<std::string> args) {
  std::vector<std::string> all{"--redis", redis.url(), "--json", "--levels", "5000"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(kKey);
  return run_tool(binary("depthrec-consume"), all);
}

// depthsim's usdm BTCUSDT, kEvents events at 400/s from the first subscriber, recorded into
// Redis with a book entry every kBookEvery events; returns the truth at the end.
rapidjson::Document record_into(RedisServer& redis, const std::string& seed) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "400", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", seed});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "usdm", "--streams", "depth@100ms",
                           "--print-interval", "1", "--redis", redis.url(), "--redis-book-every",
                           std::to_string(kBookEvery)});
  // Until depthsim generated every event and its last is in Redis (<u>-0), then stop.
  rapidjson::Document truth;
  const bool published = wait_until(
      [&] {
        const auto stats = sim.get("/sim/stats?symbol=BTCUSDT");
        rapidjson::Document doc;
        if (stats) doc.Parse(stats->c_str());
        if (!doc.IsObject() || !doc.HasMember("symbol") ||
            u64(doc["symbol"], "events_generated") < kEvents)
          return false;
        truth = sim_truth(sim, "BTCUSDT");  // after the last event was generated
        if (!truth.IsObject()) return false;
        const std::string last = std::to_string(u64(truth, "lastUpdateId")) + "-0";
        const auto reply = redis.command({"XRANGE", kKey, last, last});
        return reply && !reply->elements.empty();
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(published) << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  EXPECT_TRUE(metrics);
  if (metrics) {
    EXPECT_EQ(metric_at(*metrics, {"redis", "dropped"}), 0u);
  }
  return truth;
}

void expect_book_is_truth(const rapidjson::Value& stream, const rapidjson::Document& truth,
                          const std::string& who) {
  EXPECT_TRUE(stream["synced"].GetBool()) << who;
  EXPECT_EQ(u64(stream, "last_update_id"), u64(truth, "lastUpdateId")) << who;
  EXPECT_EQ(side(stream["bids"]), side(truth["bids"])) << who;
  EXPECT_EQ(side(stream["asks"]), side(truth["asks"])) << who;
  EXPECT_EQ(u64(stream, "unmarked_breaks"), 0u) << who;
}

TEST(FaultRedisConsume, ConsumersRebuildTheBookFromRedisAloneEqualToTruth) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const rapidjson::Document truth = record_into(redis, "47");
  ASSERT_TRUE(truth.IsObject());
  const auto entries = redis.entries(kKey);
  ASSERT_GT(entries.size(), kEvents / 2);

  // Book entries: right after the event they follow (<u>-n after <u>-0), marked by type and
  // lastUpdateId fields a consumer filters on without parsing data.
  std::vector<std::size_t> books;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const auto& fields = entries[i].fields;
    if (fields.at("type") != "book") continue;
    books.push_back(i);
    const std::string u = fields.at("lastUpdateId");
    EXPECT_EQ(entries[i - 1].id, u + "-0")
        << "entry " << i << " after a " << entries[i - 1].fields.at("type") << ", before a "
        << entries[i - 2].fields.at("type");
    EXPECT_EQ(entries[i].id.rfind(u + "-", 0), 0u) << entries[i].id;
    EXPECT_NE(entries[i].id, u + "-0");
    EXPECT_NE(fields.at("data").find("\"type\":\"book\""), std::string::npos);
  }
  EXPECT_GE(books.size(), kEvents / kBookEvery - 2) << "a book entry every " << kBookEvery;
  ASSERT_GE(books.size(), 2u);

  // The whole stream, from the sync's REST snapshot on.
  const ToolRun all = consume(redis, {"--group", "books"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  ASSERT_TRUE(all.json.IsObject()) << all.output;
  const auto& stream = all.json["streams"][0];
  EXPECT_EQ(u64(stream, "entries"), entries.size());
  EXPECT_EQ(u64(stream, "malformed"), 0u);
  EXPECT_EQ(u64(stream, "breaks"), 0u);
  EXPECT_EQ(u64(stream, "start_entries"), books.size() + 1) << "the REST snapshot and the books";
  EXPECT_EQ(u64(stream, "books_synced"), 1u);
  expect_book_is_truth(stream, truth, "depthrec-consume");

  // A late consumer whose group starts just before the last book entry: its book starts there.
  const std::size_t late_start = books.back();
  const ToolRun late =
      consume(redis, {"--group", "late", "--start-id", entries[late_start - 1].id});
  ASSERT_EQ(late.exit_code, 0) << late.output;
  ASSERT_TRUE(late.json.IsObject()) << late.output;
  EXPECT_EQ(u64(late.json["streams"][0], "entries"), entries.size() - late_start);
  EXPECT_EQ(u64(late.json["streams"][0], "books_synced"), 1u);
  expect_book_is_truth(late.json["streams"][0], truth, "late depthrec-consume");

  // The Python example, its own group.
  const ToolRun py = run_tool(
      "/usr/bin/python3", {std::string(DEPTHREC_SOURCE_DIR) + "/examples/redis-consumer/consume.py",
                           redis.url(), kKey, "py-books", "py-1"});
  ASSERT_EQ(py.exit_code, 0) << py.output;
  ASSERT_TRUE(py.json.IsObject()) << py.output;
  EXPECT_EQ(u64(py.json, "entries"), entries.size());
  EXPECT_TRUE(py.json["synced"].GetBool());
  EXPECT_EQ(u64(py.json, "last_update_id"), u64(truth, "lastUpdateId"));
  EXPECT_EQ(canonical(py.json["best_bid"][0].GetString()),
            canonical(truth["bids"][0][0].GetString()));
  EXPECT_EQ(canonical(py.json["best_ask"][1].GetString()),
            canonical(truth["asks"][0][1].GetString()));
  report_figure("entries / book entries / levels rebuilt = truth",
                std::to_string(entries.size()) + " / " + std::to_string(books.size()) + " / " +
                    std::to_string(stream["bids"].Size() + stream["asks"].Size()));
}

TEST(FaultRedisConsume, EntriesADeadConsumerLeftPendingAreClaimedByAnother) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const rapidjson::Document truth = record_into(redis, "48");
  ASSERT_TRUE(truth.IsObject());
  const std::uint64_t total = redis.entries(kKey).size();
  constexpr std::uint64_t kBatch = 150;

  // A depthrec-consume reads a batch of kBatch and is SIGKILLed before its XACK: its --ndjson goes
  // to a FIFO the test opens but never reads, so it blocks writing the batch's books (after
  // XREADGROUP, before XACK) until the kill; the test waits for its pending entries, not a time.
  const std::string fifo = make_temp_dir("fifo") + "/books.ndjson";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ChildProcess dead(binary("depthrec-consume"),
                    {"--redis", redis.url(), "--group", "books", "--consumer", "dead", "--count",
                     std::to_string(kBatch), "--ndjson", fifo, "--levels", "5000", kKey},
                    make_temp_dir("dead") + "/output.txt");
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // never read: the pipe fills
  ASSERT_GE(reader, 0);
  const auto pending_of_dead = [&]() -> long long {
    const auto reply = redis.command({"XPENDING", kKey, "books"});
    if (!reply || reply->kind != depthrec::redis::RedisReply::Kind::array) return -1;
    return reply->elements.empty() ? -1 : reply->elements[0].integer;
  };
  EXPECT_TRUE(wait_until([&] { return pending_of_dead() == static_cast<long long>(kBatch); },
                         std::chrono::seconds(20)));
  EXPECT_TRUE(dead.running()) << "blocked before its XACK";
  dead.signal(SIGKILL);
  dead.wait_exit(std::chrono::seconds(10));
  ::close(reader);
  EXPECT_EQ(pending_of_dead(), static_cast<long long>(kBatch)) << "left pending by the kill";

  // A consumer that claims only entries idle for a minute leaves them, reads the rest, and its
  // book (from the next book entry on) is the truth.
  const ToolRun patient =
      consume(redis, {"--group", "books", "--consumer", "patient", "--claim-min-idle-ms", "60000"});
  ASSERT_EQ(patient.exit_code, 0) << patient.output;
  ASSERT_TRUE(patient.json.IsObject()) << patient.output;
  EXPECT_EQ(u64(patient.json["streams"][0], "claimed"), 0u);
  EXPECT_EQ(u64(patient.json["streams"][0], "entries"), total - kBatch);
  expect_book_is_truth(patient.json["streams"][0], truth, "patient");

  // Another claims the dead one's batch at once: every entry processed, none pending.
  const ToolRun rescuer =
      consume(redis, {"--group", "books", "--consumer", "rescuer", "--claim-min-idle-ms", "0"});
  ASSERT_EQ(rescuer.exit_code, 0) << rescuer.output;
  ASSERT_TRUE(rescuer.json.IsObject()) << rescuer.output;
  EXPECT_EQ(u64(rescuer.json["streams"][0], "claimed"), kBatch);
  EXPECT_EQ(u64(rescuer.json["streams"][0], "entries"), kBatch);
  EXPECT_EQ(u64(rescuer.json["streams"][0], "malformed"), 0u);
  const auto pending = redis.command({"XPENDING", kKey, "books"});
  ASSERT_TRUE(pending && pending->kind == depthrec::redis::RedisReply::Kind::array);
  EXPECT_EQ(pending->elements.at(0).integer, 0) << "nothing left pending";
  report_figure("entries: total / claimed from the dead consumer / read by the patient one",
                std::to_string(total) + " / " + std::to_string(kBatch) + " / " +
                    std::to_string(total - kBatch));
}

std::string line(const std::string& type, const std::string& rest) {
  return R"({"type":")" + type +
         R"(","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":1,)" +
         rest + "}";
}
std::string snapshot(std::uint64_t id, const std::string& bid) {
  return line("snapshot", R"("lastUpdateId":)" + std::to_string(id) + R"(,"bids":[[")" + bid +
                              R"(","1"]],"asks":[["200.0","1"]])");
}
std::string depth(std::uint64_t first, std::uint64_t last, std::uint64_t prev,
                  const std::string& bid) {
  return line("depth", R"("U":)" + std::to_string(first) + R"(,"u":)" + std::to_string(last) +
                           R"(,"pu":)" + std::to_string(prev) + R"(,"b":[[")" + bid +
                           R"(","2"]],"a":[])");
}

TEST(FaultRedisConsume, BadInputGetsAClearErrorOrACountNeverACrash) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  const std::string nowhere = make_temp_dir("no-redis") + "/redis.sock";
  const ToolRun unreachable =
      run_tool(binary("depthrec-consume"), {"--redis", "unix://" + nowhere, kKey});
  EXPECT_EQ(unreachable.exit_code, 2);
  EXPECT_NE(unreachable.output.find("cannot reach Redis"), std::string::npos) << unreachable.output;

  RedisServer redis;
  const ToolRun missing = consume(redis, {});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("no stream " + kKey), std::string::npos) << missing.output;

  const std::vector<std::vector<std::string>> adds{
      {"1-0", "type", "depth", "data", "{bad"},  // malformed data
      {"2-0", "data", depth(1, 2, 0, "100.0")},  // no type
      {"100-1", "type", "snapshot", "data", snapshot(100, "100.0")},
      {"101-0", "type", "depth", "data", depth(99, 101, 100, "101.0")},   // joins
      {"105-0", "type", "depth", "data", depth(104, 105, 103, "102.0")},  // unmarked break
      {"105-1", "type", "book", "data", snapshot(105, "103.0")},
      {"106-0", "type", "depth", "data", depth(106, 106, 105, "104.0")},
      {"106-1", "type", "gap", "reason", "redis_drop", "data", "{}"},
      {"110-0", "type", "depth", "data", depth(109, 110, 108, "105.0")},  // marked break
  };
  for (const auto& add : adds) {
    std::vector<std::string> argv{"XADD", kKey, add[0]};
    argv.insert(argv.end(), add.begin() + 1, add.end());
    const auto reply = redis.command(argv);
    ASSERT_TRUE(reply && reply->kind == depthrec::redis::RedisReply::Kind::string) << add[0];
  }
  const ToolRun bad = consume(redis, {});
  EXPECT_EQ(bad.exit_code, 1) << "an unmarked break: " << bad.output;
  const std::size_t json_at = bad.output.find("{\"streams\"");
  ASSERT_NE(json_at, std::string::npos) << bad.output;
  rapidjson::Document summary;
  summary.Parse(bad.output.c_str() + json_at);
  ASSERT_TRUE(summary.IsObject()) << bad.output;
  const auto& stream = summary["streams"][0];
  EXPECT_EQ(u64(stream, "entries"), adds.size());
  EXPECT_EQ(u64(stream, "malformed"), 2u);
  EXPECT_EQ(u64(stream, "books_synced"), 2u);
  EXPECT_EQ(u64(stream, "breaks"), 2u);
  EXPECT_EQ(u64(stream, "unmarked_breaks"), 1u);
  EXPECT_EQ(u64(stream, "redis_drops"), 1u);
  EXPECT_NE(bad.output.find("entry 1-0 malformed"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace itest::faults_redis_consume

// What the Redis sink's end-to-end tests share: waiting until depthsim generated every event of a
// symbol and its last one is in a Redis stream (<u>-0), and every recorded line of one stream.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "e2e_support.hpp"
#include "redis_server.hpp"

namespace itest {

// True once depthsim generated `events` of `symbol`, its book's last update id is in `key` and
// `also` holds (60 s at most).
inline bool wait_for_last_event_in_redis(
    const Simulator& sim, RedisServer& redis, const std::string& symbol, const std::string& key,
    std::uint64_t events, const std::function<bool()>& also = [] { return true; }) {
  return wait_until(
      [&] {
        const auto stats = sim.get("/sim/stats?symbol=" + symbol);
        rapidjson::Document doc;
        if (stats) doc.Parse(stats->c_str());
        if (!doc.IsObject() || !doc.HasMember("symbol") ||
            u64(doc["symbol"], "events_generated") < events)
          return false;
        const rapidjson::Document truth = sim_truth(sim, symbol);  // after the last event
        if (!truth.IsObject()) return false;
        const std::string last = std::to_string(u64(truth, "lastUpdateId")) + "-0";
        const auto reply = redis.command({"XRANGE", key, last, last});
        return reply && !reply->elements.empty() && also();
      },
      std::chrono::seconds(60));
}

// Every recorded line of every segment, grouped by its stream, in recording order.
inline std::map<std::string, std::vector<std::string>> recorded_lines_by_stream(
    const std::string& data_dir) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string& path : segment_files(data_dir)) {
    std::string text;
    EXPECT_TRUE(gunzip_file(path, text)) << path;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string line = text.substr(start, end - start);
      start = end == std::string::npos ? text.size() : end + 1;
      if (!line.empty()) out[stream_of_line(line)].push_back(line);
    }
  }
  return out;
}

// The recorded lines of `stream`, in recording order.
inline std::vector<std::string> recorded_stream_lines(const std::string& data_dir,
                                                      const std::string& stream) {
  auto all = recorded_lines_by_stream(data_dir);
  const auto it = all.find(stream);
  return it == all.end() ? std::vector<std::string>{} : std::move(it->second);
}

}  // namespace itest

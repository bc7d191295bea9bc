// The Redis sink's parsers, from one buffer:
//  - --redis URL: any bytes are parsed or refused, never a crash. A refusal names --redis; an
//    accepted URL is whole (a host or an absolute socket path, port and db in range) and its
//    printed form (password hidden) parses back to the same endpoint;
//  - the bytes as record lines (split at '\n'): their entry fields and ids, never a crash; an
//    entry's data is its line, a sequenced entry's id is <sequence>-0, and ids of one key never
//    go below the last sequence planned; each line's origin (stream, recv_ns: replay --to-redis)
//    is a view into the line, never a crash; the sink's XADDs written in place (EntryBatch) are
//    byte for byte those of the PlannedEntry path, with MAXLEN and with MINID by age;
//  - the bytes as a duration (--redis-max-age): refused, or positive and at most 365 days.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "redis/age_trim.hpp"
#include "redis/entry_batch.hpp"
#include "redis/entry_planner.hpp"
#include "redis/redis_url.hpp"
#include "redis/resp_command.hpp"
#include "redis/stream_entry.hpp"

namespace {

void plan_lines(std::string_view text) {
  using namespace depthrec::redis;
  KeyOptions options;
  options.hash_tags = !text.empty() && (text.front() & 1) != 0;
  EntryPlanner planner(options);
  std::vector<PlannedEntry> entries;
  // The sink's own path over the same lines, trimmed by age when the first byte says so.
  const std::int64_t max_age_ms = !text.empty() && (text.front() & 2) != 0 ? 60'000 : 0;
  const std::string maxlen = max_age_ms > 0 ? "" : "10000";
  EntryPlanner by_value(options, max_age_ms);
  EntryPlanner in_place(options, max_age_ms);
  std::vector<PlannedEntry> planned;
  EntryBatch batch(maxlen);
  const std::uint32_t slot = in_place.stream_slot("btcusdt@depth@100ms");
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const LineFields fields = parse_line_fields(line);
    const LineOrigin origin = parse_line_origin(line);
    FUZZ_CHECK(origin.stream.empty() ||
               (origin.stream.data() >= line.data() &&
                origin.stream.data() + origin.stream.size() <= line.data() + line.size()));
    if (origin.recv_ns) FUZZ_CHECK(*origin.recv_ns >= 0);
    if (fields.sequence) FUZZ_CHECK(!fields.sequence_name.empty());
    const std::size_t before = entries.size();
    planner.plan_line(line, "btcusdt@depth@100ms", entries);
    if (!line.empty() && fields.sequence) {
      FUZZ_CHECK(entries.size() > before);
      FUZZ_CHECK(entries.back().id == std::to_string(*fields.sequence) + "-0");
      FUZZ_CHECK(entries.back().fields.front().second == line);
    }
    by_value.plan_line(line, "btcusdt@depth@100ms", planned);
    in_place.plan_line(line, slot, batch);
  }
  planner.abandon_held();
  FUZZ_CHECK(batch.size() == planned.size());
  std::string expected;
  std::vector<std::string_view> argv;
  for (const PlannedEntry& entry : planned) {
    xadd_arguments(entry, maxlen, argv);
    append_resp_command(expected, argv);
  }
  FUZZ_CHECK(batch.commands() == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace depthrec::redis;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  plan_lines(text);
  if (const auto age = parse_duration_ms(text))  // --redis-max-age, --redis-book-every
    FUZZ_CHECK(*age > 0 && *age <= std::int64_t{365} * 86'400'000);
  std::string error;
  const auto url = parse_redis_url(text, error);
  if (!url) {
    FUZZ_CHECK(error.rfind("--redis: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(url->db >= 0 && url->db <= 1'000'000);
  if (url->transport == RedisUrl::Transport::unix_socket) {
    FUZZ_CHECK(!url->socket_path.empty() && url->socket_path.front() == '/');
  } else {
    FUZZ_CHECK(!url->host.empty());
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535);
  }
  std::string again_error;
  const auto again = parse_redis_url(url->text(), again_error);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->text() == url->text());
  FUZZ_CHECK(again->host == url->host && again->port == url->port && again->db == url->db);
  FUZZ_CHECK(again->socket_path == url->socket_path);
  return 0;
}

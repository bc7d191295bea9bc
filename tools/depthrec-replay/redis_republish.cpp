#include "redis_republish.hpp"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>

#include "redis/entry_planner.hpp"
#include "redis/redis_connection.hpp"
#include "redis/redis_url.hpp"
#include "redis/repair_hold.hpp"
#include "time_text.hpp"

namespace depthrec::replay {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kRedisTimeout{5};

struct GzFile {
  gzFile file = nullptr;
  explicit GzFile(const std::string& path) : file(gzopen(path.c_str(), "rb")) {}
  ~GzFile() {
    if (file) gzclose(file);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;
};

// The recording files of `input`: itself, or a directory's *.gz / *.ndjson in name order (the
// segments' names sort in recording order).
std::vector<std::string> recording_files(const std::string& input, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) return {input};
  std::vector<std::string> files;
  for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto ends = [&](const std::string& suffix) {
      return name.size() > suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (name[0] != '.' && (ends(".gz") || ends(".ndjson"))) files.push_back(it->path().string());
  }
  if (ec) error = input + ": " + ec.message();
  if (files.empty() && error.empty()) error = input + ": no recording files (*.gz, *.ndjson)";
  std::sort(files.begin(), files.end());
  return files;
}

// Calls `take` with every line of `path` (gzip, concatenated members, or plain); "" or why not.
std::string read_lines(const std::string& path, const std::function<void(std::string_view)>& take) {
  GzFile in(path);
  if (!in.file) return path + ": cannot open";
  std::string pending;
  std::vector<char> chunk(std::size_t{1} << 16);
  for (;;) {
    const int n = gzread(in.file, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int code = 0;
      return path + ": " + gzerror(in.file, &code);
    }
    if (n == 0) break;
    pending.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1)
      take(std::string_view(pending).substr(start, end - start));
    pending.erase(0, start);
  }
  if (!pending.empty()) take(pending);  // a last line without its newline (a crash's cut)
  return {};
}

// The sequences a key's replayed entries spanned, and whether Redis refused any of them.
struct KeyWindow {
  std::optional<std::uint64_t> first, last;
  bool refused = false;
};

class Republisher {
 public:
  Republisher(const RepublishOptions& options, redis::RedisConnection& connection,
              RepublishResult& result)
      : options_(options),
        connection_(connection),
        result_(result),
        planner_(options.keys),
        hold_(options.keys, redis::RepairHoldLimits{}, redis::LateLines::pass) {}

  void line(std::string_view line) {
    if (line.empty() || !connected_) return;
    ++result_.lines;
    const redis::LineOrigin origin = redis::parse_line_origin(line);
    if (origin.stream.empty() || !origin.recv_ns) {
      ++result_.unreadable;
      return;
    }
    if (!options_.symbols.empty() &&
        options_.symbols.count(std::string(redis::parse_line_fields(line).symbol)) == 0)
      return;
    const bool in_range = (!options_.from_ns || *origin.recv_ns >= *options_.from_ns) &&
                          (!options_.to_ns || *origin.recv_ns <= *options_.to_ns);
    if (in_range && redis::is_connection_stream(origin.stream)) {
      ++result_.in_range;
      ++result_.connection_records;
      return;
    }
    if (in_range) ++result_.in_range;
    // Repaired trades in id order, as the live sink held them (redis/repair_hold.hpp), on the
    // recording's clock.
    const std::int64_t now_ms = *origin.recv_ns / 1'000'000;
    released_.clear();
    hold_.expire(now_ms, released_);
    plan_released();
    if (hold_.offer(line, origin.stream, in_range, now_ms, released_)) {
      plan(line, origin.stream, in_range);
    } else {
      plan_released();
    }
  }

  // Sends what is left, then deletes the gap entries the fill made untrue.
  void finish() {
    released_.clear();
    hold_.release_all(released_);
    plan_released();
    for (auto& [key, batch] : batches_) flush(batch);
    for (const auto& [key, window] : windows_) {
      if (!connected_ || window.refused || !window.first) continue;
      std::string error;
      if (!redis::remove_filled_gaps(connection_, key, *window.first, *window.last, result_.counts,
                                     error))
        lost_connection(error);
    }
  }

 private:
  void plan_released() {
    for (const redis::ReleasedLine& released : released_) {
      if (released.skipped_key.empty()) plan(released.line, released.stream, released.publish);
    }
    released_.clear();
  }

  void plan(std::string_view line, std::string_view stream, bool in_range) {
    planned_.clear();
    planner_.plan_line(line, stream, planned_);  // before the range too: the numbering
    if (!in_range) return;
    for (redis::PlannedEntry& entry : planned_) {
      if (entry.id == "*") continue;
      KeyWindow& window = windows_[entry.key];
      if (entry.sequence) {
        window.first = std::min(window.first.value_or(*entry.sequence), *entry.sequence);
        window.last = std::max(window.last.value_or(*entry.sequence), *entry.sequence);
      }
      std::vector<redis::PlannedEntry>& batch = batches_[entry.key];
      batch.push_back(std::move(entry));
      if (batch.size() >= options_.batch) flush(batch);
    }
  }

  void flush(std::vector<redis::PlannedEntry>& batch) {
    if (batch.empty() || !connected_) return;
    const std::uint64_t refused_before = result_.counts.refused;
    std::string error;
    if (!redis::fill_batch(connection_, batch, result_.counts, error)) lost_connection(error);
    if (result_.counts.refused > refused_before) windows_[batch.front().key].refused = true;
    batch.clear();
  }

  void lost_connection(const std::string& error) {
    connected_ = false;  // the rest is not sent: rerun the same command to go on
    result_.errors.push_back("redis " + options_.url + ": " + error);
  }

  const RepublishOptions& options_;
  redis::RedisConnection& connection_;
  RepublishResult& result_;
  redis::EntryPlanner planner_;
  redis::RepairHold hold_;
  std::vector<redis::ReleasedLine> released_;
  std::vector<redis::PlannedEntry> planned_;
  std::map<std::string, std::vector<redis::PlannedEntry>> batches_;
  std::map<std::string, KeyWindow> windows_;
  bool connected_ = true;
};

}  // namespace

RepublishResult republish_to_redis(const std::vector<std::string>& inputs,
                                   const RepublishOptions& options) {
  RepublishResult result;
  std::string error;
  const auto url = redis::parse_redis_url(options.url, error);
  if (!url) {
    result.errors.push_back(error);
    return result;
  }
  const auto connection = redis::RedisConnection::open(*url, kRedisTimeout, error);
  if (!connection) {
    result.errors.push_back("redis " + url->text() + ": " + error);
    return result;
  }
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::string list_error;
    for (std::string& file : recording_files(input, list_error)) files.push_back(std::move(file));
    if (!list_error.empty()) result.errors.push_back(list_error);
  }
  if (!result.errors.empty()) return result;  // nothing sent: a partial input would mislead
  Republisher republisher(options, *connection, result);
  for (const std::string& file : files) {
    const std::string read_error =
        read_lines(file, [&](std::string_view line) { republisher.line(line); });
    if (!read_error.empty()) result.errors.push_back(read_error);
  }
  republisher.finish();
  return result;
}

std::optional<std::int64_t> parse_time_bound(const std::string& text) {
  const auto at = parse_at(text);
  if (!at || at->kind != AtTarget::Kind::recv_ns) return std::nullopt;
  if (at->value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return static_cast<std::int64_t>(at->value);
}

std::string republish_summary(const RepublishResult& result) {
  const redis::FillCounts& c = result.counts;
  std::string text = "published " + std::to_string(c.published) + ", already present " +
                     std::to_string(c.present) + ", refused " + std::to_string(c.refused) +
                     ", gap entries removed " + std::to_string(c.gaps_removed) + " (lines read " +
                     std::to_string(result.lines) + ", in range " +
                     std::to_string(result.in_range) + ", connection records not republished " +
                     std::to_string(result.connection_records) + ", not depthrec records " +
                     std::to_string(result.unreadable) + ")";
  if (!c.last_error.empty()) text += "\nlast refusal: " + c.last_error;
  for (const std::string& error : result.errors) text += "\nerror: " + error;
  return text;
}

}  // namespace depthrec::replay

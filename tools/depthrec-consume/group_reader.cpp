#include "group_reader.hpp"

#include <utility>

namespace depthrec::consume {
namespace {

using redis::RedisReply;

bool is_array(const RedisReply& reply) {
  return reply.kind == RedisReply::Kind::array;
}

// [id, [field, value, ...]] into `out`; a deleted entry ([id, nil]) or another shape is marked
// malformed (its id kept when there is one, so it can be acknowledged).
void read_entry(const RedisReply& reply, std::size_t stream, std::vector<RawEntry>& out) {
  RawEntry entry;
  entry.stream = stream;
  if (!is_array(reply) || reply.elements.size() != 2 ||
      reply.elements[0].kind != RedisReply::Kind::string) {
    entry.malformed = true;
    out.push_back(std::move(entry));
    return;
  }
  entry.id = reply.elements[0].text;
  const RedisReply& fields = reply.elements[1];
  if (!is_array(fields) || fields.elements.size() % 2 != 0) {
    entry.malformed = true;
    out.push_back(std::move(entry));
    return;
  }
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    entry.fields.emplace_back(fields.elements[i].text, fields.elements[i + 1].text);
  out.push_back(std::move(entry));
}

bool command(redis::RedisConnection& connection, const std::vector<std::string_view>& argv,
             RedisReply& reply, std::string& error) {
  auto answer = connection.command(argv, error);
  if (!answer) return false;
  if (answer->kind == RedisReply::Kind::error) {
    error = std::string(argv.front()) + " refused: " + answer->text;
    return false;
  }
  reply = std::move(*answer);
  return true;
}

}  // namespace

GroupReader::GroupReader(std::unique_ptr<redis::RedisConnection> connection, GroupOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

std::unique_ptr<GroupReader> GroupReader::open(std::unique_ptr<redis::RedisConnection> connection,
                                               GroupOptions options, std::string& error) {
  for (const std::string& key : options.keys) {
    RedisReply type;
    if (!command(*connection, {"TYPE", key}, type, error)) return nullptr;
    if (type.text == "none" && !options.create_streams) {
      error = "no stream " + key + " in Redis (nothing published there yet? --follow waits for it)";
      return nullptr;
    }
    if (type.text != "none" && type.text != "stream") {
      error = key + " is a Redis " + type.text + ", not a stream";
      return nullptr;
    }
    auto created = connection->command(
        {"XGROUP", "CREATE", key, options.group, options.start_id, "MKSTREAM"}, error);
    if (!created) return nullptr;
    // BUSYGROUP: the group exists (another consumer made it): join it.
    if (created->kind == RedisReply::Kind::error && created->text.rfind("BUSYGROUP", 0) != 0) {
      error = "XGROUP CREATE " + key + " " + options.group + " refused: " + created->text;
      return nullptr;
    }
  }
  return std::unique_ptr<GroupReader>(new GroupReader(std::move(connection), std::move(options)));
}

bool GroupReader::read_own_pending(std::size_t stream, std::vector<RawEntry>& out,
                                   std::string& error) {
  const std::string count = std::to_string(options_.count);
  std::string after = "0";
  for (;;) {
    RedisReply reply;
    if (!command(*connection_,
                 {"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", count,
                  "STREAMS", options_.keys[stream], after},
                 reply, error))
      return false;
    if (!is_array(reply) || reply.elements.empty()) return true;
    const RedisReply& stream_reply = reply.elements[0];
    if (!is_array(stream_reply) || stream_reply.elements.size() != 2 ||
        !is_array(stream_reply.elements[1])) {
      error = "XREADGROUP: an unexpected reply";
      return false;
    }
    const auto& entries = stream_reply.elements[1].elements;
    if (entries.empty()) return true;
    const std::size_t before = out.size();
    for (const RedisReply& entry : entries) read_entry(entry, stream, out);
    if (out.back().id.empty() || out.back().id == after) return true;  // no progress: stop
    after = out.back().id;
    if (out.size() - before < options_.count) return true;
  }
}

bool GroupReader::claim_idle(std::size_t stream, std::vector<RawEntry>& out, std::string& error) {
  const std::string count = std::to_string(options_.count);
  const std::string idle = std::to_string(options_.claim_min_idle.count());
  std::string cursor = "0-0";
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    RedisReply reply;
    if (!command(*connection_,
                 {"XAUTOCLAIM", options_.keys[stream], options_.group, options_.consumer, idle,
                  cursor, "COUNT", count},
                 reply, error))
      return false;
    if (!is_array(reply) || reply.elements.size() < 2 || !is_array(reply.elements[1])) {
      error = "XAUTOCLAIM: an unexpected reply";
      return false;
    }
    for (const RedisReply& entry : reply.elements[1].elements) read_entry(entry, stream, out);
    cursor = reply.elements[0].text;
    if (cursor == "0-0" || cursor.empty()) return true;
  }
  return true;
}

bool GroupReader::read_new(std::chrono::milliseconds block, std::vector<RawEntry>& out,
                           std::string& error) {
  const std::string count = std::to_string(options_.count);
  const std::string block_text = std::to_string(block.count());
  std::vector<std::string_view> argv{"XREADGROUP",      "GROUP", options_.group,
                                     options_.consumer, "COUNT", count};
  if (block.count() > 0) {
    argv.emplace_back("BLOCK");
    argv.emplace_back(block_text);
  }
  argv.emplace_back("STREAMS");
  for (const std::string& key : options_.keys) argv.emplace_back(key);
  for (std::size_t i = 0; i < options_.keys.size(); ++i) argv.emplace_back(">");
  RedisReply reply;
  if (!command(*connection_, argv, reply, error)) return false;
  if (!is_array(reply)) return true;  // nil: nothing new
  for (const RedisReply& stream_reply : reply.elements) {
    if (!is_array(stream_reply) || stream_reply.elements.size() != 2 ||
        !is_array(stream_reply.elements[1])) {
      error = "XREADGROUP: an unexpected reply";
      return false;
    }
    std::size_t stream = options_.keys.size();
    for (std::size_t i = 0; i < options_.keys.size(); ++i)
      if (options_.keys[i] == stream_reply.elements[0].text) stream = i;
    if (stream == options_.keys.size()) {
      error = "XREADGROUP: entries of a stream not asked for";
      return false;
    }
    for (const RedisReply& entry : stream_reply.elements[1].elements)
      read_entry(entry, stream, out);
  }
  return true;
}

bool GroupReader::ack(const std::vector<RawEntry>& entries, std::string& error) {
  std::size_t sent = 0;
  for (std::size_t stream = 0; stream < options_.keys.size(); ++stream) {
    std::vector<std::string_view> argv{"XACK", options_.keys[stream], options_.group};
    for (const RawEntry& entry : entries)
      if (entry.stream == stream && !entry.id.empty()) argv.emplace_back(entry.id);
    if (argv.size() == 3) continue;
    connection_->append(argv);
    ++sent;
  }
  if (sent == 0) return true;
  std::vector<RedisReply> replies;
  if (!connection_->read_replies(replies, error)) return false;
  for (const RedisReply& reply : replies) {
    if (reply.kind == RedisReply::Kind::error) {
      error = "XACK refused: " + reply.text;
      return false;
    }
  }
  return true;
}

}  // namespace depthrec::consume

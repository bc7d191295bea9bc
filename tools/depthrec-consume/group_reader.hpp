// A consumer of a Redis consumer group over one or more streams: creates the group (XGROUP
// CREATE), takes back what this consumer was delivered and never acknowledged (XREADGROUP ... 0),
// claims what another consumer left pending for longer than a minimum idle time (XAUTOCLAIM),
// reads new entries (XREADGROUP ... >) and acknowledges them (XACK). Replies of an unexpected
// shape are refused with why (never a crash): a server is outside input.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "entry_decoder.hpp"
#include "redis/redis_connection.hpp"

namespace depthrec::consume {

struct RawEntry {
  std::size_t stream = 0;  // index into the reader's keys
  std::string id;
  EntryFields fields;
  bool malformed = false;  // the reply's entry was not [id, [field, value...]]
};

struct GroupOptions {
  std::vector<std::string> keys;
  std::string group;
  std::string consumer;
  std::string start_id = "0";   // where a new group starts: 0 (the whole stream) or $ (new only)
  bool create_streams = false;  // MKSTREAM: wait for a stream that does not exist yet
  std::size_t count = 500;      // entries per read
  std::chrono::milliseconds claim_min_idle{30'000};
};

class GroupReader {
 public:
  // Checks every key (a stream, or absent with create_streams) and creates the group where it
  // does not exist; false with `error` (a missing stream, another type, a refusal).
  static std::unique_ptr<GroupReader> open(std::unique_ptr<redis::RedisConnection> connection,
                                           GroupOptions options, std::string& error);

  // Entries of stream `stream` delivered to this consumer and not acknowledged (a restart under
  // the same name), oldest first, appended to `out`.
  bool read_own_pending(std::size_t stream, std::vector<RawEntry>& out, std::string& error);
  // Entries of `stream` pending for another consumer for at least claim_min_idle, now this
  // consumer's (XAUTOCLAIM), appended to `out`.
  bool claim_idle(std::size_t stream, std::vector<RawEntry>& out, std::string& error);
  // New entries of every stream (at most `count` each); `block`: wait that long for some (0: no
  // waiting).
  bool read_new(std::chrono::milliseconds block, std::vector<RawEntry>& out, std::string& error);
  // XACK of the entries (pipelined, one round trip).
  bool ack(const std::vector<RawEntry>& entries, std::string& error);

  const GroupOptions& options() const { return options_; }

 private:
  GroupReader(std::unique_ptr<redis::RedisConnection> connection, GroupOptions options);
  std::unique_ptr<redis::RedisConnection> connection_;
  GroupOptions options_;
};

}  // namespace depthrec::consume

// One blocking connection to a Redis server, with pipelining: append any number of commands, then
// read their replies in order (one round trip per batch). The only code that includes hiredis
// (redis_connection.cpp), so no other translation unit pays for its headers.
//
// Every call is bounded by the timeout given at connect (connect, send and receive): a frozen
// server (SIGSTOP) makes read_replies fail after it instead of blocking forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_url.hpp"

namespace depthrec::redis {

struct RedisReply {
  enum class Kind : std::uint8_t { status, error, integer, string, array, nil };
  Kind kind = Kind::nil;
  std::string text;  // status, error, string
  long long integer = 0;
  std::vector<RedisReply> elements;  // array
};

class RedisConnection {
 public:
  // Connects, authenticates (AUTH) and selects the db; nullptr with `error` on any failure.
  static std::unique_ptr<RedisConnection> open(const RedisUrl& url,
                                               std::chrono::milliseconds timeout,
                                               std::string& error);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues one command (its arguments, binary-safe) in the output buffer; nothing is sent yet.
  void append(const std::vector<std::string_view>& argv);
  // Queues `count` commands already in RESP (resp_command.hpp) in one copy: a pipelined batch.
  void append_formatted(std::string_view commands, std::size_t count);
  // Sends what was appended and reads one reply per appended command, in order, into `replies`.
  // False on a connection failure or timeout (`error` says which): the connection is then
  // unusable and `replies` holds those read before it.
  bool read_replies(std::vector<RedisReply>& replies, std::string& error);
  // Reads the replies of the `count` oldest commands not answered yet (the others stay pending;
  // what was appended since is sent first): a batch answered while the next one is in flight.
  bool read_replies(std::vector<RedisReply>& replies, std::size_t count, std::string& error);
  // Writes what was appended without waiting for replies: Redis works on a batch while the
  // caller prepares the next. False on a connection failure or timeout, as read_replies.
  bool flush(std::string& error);
  // Writes `count` commands already in RESP straight to the socket (after anything appended),
  // without copying them into hiredis' output buffer first: the sink's batches, hundreds of KB.
  // Their replies are read as the appended ones'. False on a failure or timeout, as flush.
  bool write_formatted(std::string_view commands, std::size_t count, std::string& error);
  // One command, one round trip (tests, set-up): nullopt with `error` on a connection failure.
  std::optional<RedisReply> command(const std::vector<std::string_view>& argv, std::string& error);

 private:
  struct Impl;
  explicit RedisConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec::redis

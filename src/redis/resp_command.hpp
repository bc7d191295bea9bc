// Redis commands in RESP (the protocol's multi-bulk form), written straight into a caller's
// buffer: the bytes hiredis' redisFormatCommandArgv produces for the same arguments, without its
// per-argument sds growth and per-command allocations. The sink builds a whole pipelined batch
// in one reused buffer and hands it to the connection at once (RedisConnection::append_formatted).
// Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace depthrec::redis {

// Appends "*<argc>\r\n" then "$<len>\r\n<arg>\r\n" per argument (binary-safe) to `out`.
void append_resp_command(std::string& out, const std::vector<std::string_view>& argv);

// The same command piece by piece, for a caller that knows its arguments without gathering them
// (the sink's XADD of a line): room for the whole command is made once, each argument written in
// place, and `out` cut to what was written when the writer goes (one growth of the buffer per
// command instead of one per piece).
class RespWriter {
 public:
  static constexpr std::size_t kMaxDigits = 20;  // a std::uint64_t in decimal

  // A command of `argc` arguments whose lengths add up to at most `arg_bytes` (a number counts
  // kMaxDigits, an id 2 * kMaxDigits + 1).
  RespWriter(std::string& out, std::size_t argc, std::size_t arg_bytes);
  ~RespWriter();
  RespWriter(const RespWriter&) = delete;
  RespWriter& operator=(const RespWriter&) = delete;

  void bulk(std::string_view arg);
  void bulk(std::uint64_t decimal);                   // its digits
  void bulk_id(std::uint64_t ms, std::uint64_t seq);  // "<ms>-<seq>"

 private:
  std::string& out_;
  char* at_;
};

}  // namespace depthrec::redis

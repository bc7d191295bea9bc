// Redis commands in RESP (the protocol's multi-bulk form), written straight into a caller's
// buffer: the bytes hiredis' redisFormatCommandArgv produces for the same arguments, without its
// per-argument sds growth and per-command allocations. The sink builds a whole pipelined batch
// in one reused buffer and hands it to the connection at once (RedisConnection::append_formatted).
// Pure: no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace depthrec::redis {

// Appends "*<argc>\r\n" then "$<len>\r\n<arg>\r\n" per argument (binary-safe) to `out`.
void append_resp_command(std::string& out, const std::vector<std::string_view>& argv);

}  // namespace depthrec::redis

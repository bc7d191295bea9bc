#include "redis/resp_command.hpp"

#include <charconv>
#include <cstring>

namespace depthrec::redis {
namespace {

constexpr std::size_t kMaxDigits = 20;  // a std::size_t in decimal

// "<prefix><number>\r\n" at `at`, the number in decimal as hiredis writes it; past its end.
char* put_header(char* at, char prefix, std::size_t number) {
  *at++ = prefix;
  at = std::to_chars(at, at + kMaxDigits, number).ptr;
  *at++ = '\r';
  *at++ = '\n';
  return at;
}

}  // namespace

void append_resp_command(std::string& out, const std::vector<std::string_view>& argv) {
  // Sized once for the longest headers, written in place, then cut to what was written: one
  // growth of `out` per command instead of one per piece.
  std::size_t bound = 1 + kMaxDigits + 2;
  for (const std::string_view arg : argv) bound += 1 + kMaxDigits + 2 + arg.size() + 2;
  const std::size_t old_size = out.size();
  out.resize(old_size + bound);
  char* at = put_header(out.data() + old_size, '*', argv.size());
  for (const std::string_view arg : argv) {
    at = put_header(at, '$', arg.size());
    if (!arg.empty()) std::memcpy(at, arg.data(), arg.size());
    at += arg.size();
    *at++ = '\r';
    *at++ = '\n';
  }
  out.resize(static_cast<std::size_t>(at - out.data()));
}

}  // namespace depthrec::redis

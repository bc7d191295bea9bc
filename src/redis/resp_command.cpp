#include "redis/resp_command.hpp"

#include <charconv>
#include <cstring>

namespace depthrec::redis {
namespace {

constexpr std::size_t kMaxDigits = RespWriter::kMaxDigits;
constexpr std::size_t kHeaderBytes = 1 + kMaxDigits + 2;  // "$<len>\r\n" at its longest

// "<prefix><number>\r\n" at `at`, the number in decimal as hiredis writes it; past its end.
char* put_header(char* at, char prefix, std::size_t number) {
  *at++ = prefix;
  at = std::to_chars(at, at + kMaxDigits, number).ptr;
  *at++ = '\r';
  *at++ = '\n';
  return at;
}

}  // namespace

RespWriter::RespWriter(std::string& out, std::size_t argc, std::size_t arg_bytes) : out_(out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + kHeaderBytes + argc * (kHeaderBytes + 2) + arg_bytes);
  at_ = put_header(out.data() + old_size, '*', argc);
}

RespWriter::~RespWriter() {
  out_.resize(static_cast<std::size_t>(at_ - out_.data()));
}

void RespWriter::bulk(std::string_view arg) {
  at_ = put_header(at_, '$', arg.size());
  if (!arg.empty()) std::memcpy(at_, arg.data(), arg.size());
  at_ += arg.size();
  *at_++ = '\r';
  *at_++ = '\n';
}

void RespWriter::bulk(std::uint64_t decimal) {
  // The digits first, then the header that gives their count in front of them.
  char digits[kMaxDigits];
  const char* end = std::to_chars(digits, digits + kMaxDigits, decimal).ptr;
  bulk(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void RespWriter::bulk_id(std::uint64_t ms, std::uint64_t seq) {
  char id[2 * kMaxDigits + 1];
  char* at = std::to_chars(id, id + kMaxDigits, ms).ptr;
  *at++ = '-';
  at = std::to_chars(at, at + kMaxDigits, seq).ptr;
  bulk(std::string_view(id, static_cast<std::size_t>(at - id)));
}

void append_resp_command(std::string& out, const std::vector<std::string_view>& argv) {
  std::size_t arg_bytes = 0;
  for (const std::string_view arg : argv) arg_bytes += arg.size();
  RespWriter writer(out, argv.size(), arg_bytes);
  for (const std::string_view arg : argv) writer.bulk(arg);
}

}  // namespace depthrec::redis

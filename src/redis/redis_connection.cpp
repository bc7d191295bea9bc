#include "redis/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include <utility>

#include "redis/resp_command.hpp"

namespace depthrec::redis {
namespace {

struct ContextFree {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyFree {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

RedisReply convert(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::status;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.kind = RedisReply::Kind::error;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::integer;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_STRING:
      out.kind = RedisReply::Kind::string;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::array;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i)
        out.elements.push_back(convert(*reply.element[i]));
      break;
    default:
      out.kind = RedisReply::Kind::nil;
  }
  return out;
}

// What a failed call on `context` says, a timeout in words.
std::string failure_text(const redisContext& context) {
  std::string error = context.err != 0 ? std::string(context.errstr) : "no reply";
  if (context.err == REDIS_ERR_IO && error.find("Resource temporarily") != std::string::npos)
    error = "timed out waiting for the server's reply";
  return error;
}

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

}  // namespace

struct RedisConnection::Impl {
  std::unique_ptr<redisContext, ContextFree> context;
  std::size_t appended = 0;  // commands appended whose replies were not read yet
};

RedisConnection::RedisConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RedisConnection::~RedisConnection() = default;

std::unique_ptr<RedisConnection> RedisConnection::open(const RedisUrl& url,
                                                       std::chrono::milliseconds timeout,
                                                       std::string& error) {
  const timeval tv = to_timeval(timeout);
  std::unique_ptr<redisContext, ContextFree> context(
      url.transport == RedisUrl::Transport::unix_socket
          ? redisConnectUnixWithTimeout(url.socket_path.c_str(), tv)
          : redisConnectWithTimeout(url.host.c_str(), url.port, tv));
  if (!context) {
    error = "cannot allocate a Redis context";
    return nullptr;
  }
  if (context->err != 0) {
    error = "connect " + url.text() + ": " + context->errstr;
    return nullptr;
  }
  if (redisSetTimeout(context.get(), tv) != REDIS_OK) {
    error = "cannot set the Redis socket timeout: " + std::string(context->errstr);
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->context = std::move(context);
  std::unique_ptr<RedisConnection> connection(new RedisConnection(std::move(impl)));
  const auto expect_ok = [&](const std::vector<std::string_view>& argv, const char* what) {
    const auto reply = connection->command(argv, error);
    if (!reply) return false;
    if (reply->kind == RedisReply::Kind::error) {
      error = std::string(what) + " refused by " + url.text() + ": " + reply->text;
      return false;
    }
    return true;
  };
  if (!url.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!url.user.empty()) auth.emplace_back(url.user);
    auth.emplace_back(url.password);
    if (!expect_ok(auth, "AUTH")) return nullptr;
  }
  // A server that accepts the socket but does not answer (frozen: SIGSTOP) fails here, within
  // the timeout, rather than at the first batch.
  if (!expect_ok({"PING"}, "PING")) return nullptr;
  if (url.db != 0) {
    const std::string db = std::to_string(url.db);
    if (!expect_ok({"SELECT", db}, "SELECT")) return nullptr;
  }
  return connection;
}

void RedisConnection::append(const std::vector<std::string_view>& argv) {
  std::string command;
  append_resp_command(command, argv);
  append_formatted(command, 1);
}

void RedisConnection::append_formatted(std::string_view commands, std::size_t count) {
  redisAppendFormattedCommand(impl_->context.get(), commands.data(), commands.size());
  impl_->appended += count;
}

bool RedisConnection::read_replies(std::vector<RedisReply>& replies, std::string& error) {
  return read_replies(replies, impl_->appended, error);
}

bool RedisConnection::read_replies(std::vector<RedisReply>& replies, std::size_t count,
                                   std::string& error) {
  redisContext* context = impl_->context.get();
  for (std::size_t i = 0; i < count && impl_->appended > 0; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
      error = failure_text(*context);
      impl_->appended = 0;
      return false;
    }
    const std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
    replies.push_back(convert(*reply));
    --impl_->appended;
  }
  return true;
}

bool RedisConnection::flush(std::string& error) {
  redisContext* context = impl_->context.get();
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context, &done) != REDIS_OK) {
      error = failure_text(*context);
      impl_->appended = 0;
      return false;
    }
  }
  return true;
}

bool RedisConnection::write_formatted(std::string_view commands, std::size_t count,
                                      std::string& error) {
  if (!flush(error)) return false;
  redisContext* context = impl_->context.get();
  while (!commands.empty()) {
    // The socket has the connection's timeout (SO_SNDTIMEO): a frozen server fails it, EAGAIN.
    const ssize_t sent = ::send(context->fd, commands.data(), commands.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      error = sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                  ? "timed out writing to the server"
                  : "write: " + std::string(sent < 0 ? std::strerror(errno) : "closed");
      impl_->appended = 0;
      return false;
    }
    commands.remove_prefix(static_cast<std::size_t>(sent));
  }
  impl_->appended += count;
  return true;
}

std::optional<RedisReply> RedisConnection::command(const std::vector<std::string_view>& argv,
                                                   std::string& error) {
  append(argv);
  std::vector<RedisReply> replies;
  if (!read_replies(replies, error) || replies.empty()) return std::nullopt;
  return std::move(replies.front());
}

}  // namespace depthrec::redis

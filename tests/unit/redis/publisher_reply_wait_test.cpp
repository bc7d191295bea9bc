// RedisPublisher writes the lines offered while its last batch's replies are pending at once,
// not after those replies (redis_publisher.cpp, kReplyGrace): against a loopback socket that
// answers the connection's PING and then holds every XADD's reply, the second line's XADD must
// arrive while the first one's reply is still unsent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include "redis/redis_publisher.hpp"

namespace depthrec::redis {
namespace {

using ReplyWaitClock = std::chrono::steady_clock;

struct ReplyWaitFd {
  int fd = -1;
  explicit ReplyWaitFd(int f) : fd(f) {}
  ~ReplyWaitFd() {
    if (fd >= 0) ::close(fd);
  }
  ReplyWaitFd(const ReplyWaitFd&) = delete;
  ReplyWaitFd& operator=(const ReplyWaitFd&) = delete;
};

// Reads from `fd` into `received` until it holds `wanted` or `timeout` passes.
bool reply_wait_read_until(int fd, std::string& received, std::string_view wanted,
                           std::chrono::milliseconds timeout) {
  const auto deadline = ReplyWaitClock::now() + timeout;
  while (received.find(wanted) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ReplyWaitClock::now());
    if (left.count() <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(got));
  }
  return true;
}

// Whether the sink's thread ("redis-sink", redis_publisher.cpp) sleeps (state S in its
// /proc/self/task/<tid>/stat): after its first batch is written, it sleeps only waiting for lines
// or for that batch's replies.
bool reply_wait_sink_sleeping() {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name != "redis-sink") continue;
    std::ifstream stat_file(task.path() / "stat");
    std::string stat;
    std::getline(stat_file, stat);
    const std::size_t after_name = stat.rfind(')');
    return after_name != std::string::npos && after_name + 2 < stat.size() &&
           stat[after_name + 2] == 'S';
  }
  return false;
}

std::string reply_wait_depth_line(std::uint64_t u) {
  return R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms",)"
         R"("recv_ns":1721347020984480942,"E":1721347020984,"U":1,"u":)" +
         std::to_string(u) + R"(,"b":[["1.0","2"]],"a":[]})";
}

TEST(RedisPublisherReplyWait, LinesOfferedWhileRepliesArePendingAreWrittenAtOnce) {
  ReplyWaitFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_GE(listener.fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the OS picks
  ASSERT_EQ(::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener.fd, 4), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length), 0);

  RedisPublisherConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = ntohs(address.sin_port);
  // Longer than the test waits: a sink blocked on the first reply would not time out, reconnect
  // and write the second line on another connection within it.
  config.io_timeout = std::chrono::milliseconds(20'000);
  config.drain_timeout = std::chrono::milliseconds(200);
  // Long enough that the sink is still waiting for lines when the test offers the second one,
  // however late a loaded machine lets the test's thread run.
  config.reply_grace = std::chrono::milliseconds(20'000);
  RedisPublisher publisher(config);

  // It connects when it has a first batch to send.
  ASSERT_TRUE(publisher.offer(reply_wait_depth_line(101), "btcusdt@depth@100ms"));
  pollfd pending{listener.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pending, 1, 10'000), 1);
  ReplyWaitFd server(::accept(listener.fd, nullptr, nullptr));
  ASSERT_GE(server.fd, 0);
  std::string received;
  ASSERT_TRUE(reply_wait_read_until(server.fd, received, "PING\r\n", std::chrono::seconds(10)));
  ASSERT_EQ(::write(server.fd, "+PONG\r\n", 7), 7);

  ASSERT_TRUE(reply_wait_read_until(server.fd, received, "101-0", std::chrono::seconds(10)));
  // The first XADD's reply is held and the sink's thread has gone to sleep after writing it:
  // the second line must still reach the server (it does not wait for that reply).
  const auto asleep_by = ReplyWaitClock::now() + std::chrono::seconds(10);
  while (!reply_wait_sink_sleeping() && ReplyWaitClock::now() < asleep_by)
    std::this_thread::yield();
  ASSERT_TRUE(reply_wait_sink_sleeping());
  ASSERT_TRUE(publisher.offer(reply_wait_depth_line(102), "btcusdt@depth@100ms"));
  EXPECT_TRUE(reply_wait_read_until(server.fd, received, "102-0", std::chrono::seconds(5)))
      << "the second XADD waited for the first one's reply";
  EXPECT_EQ(publisher.stats().published, 0U);

  const std::string replies = "$5\r\n101-0\r\n$5\r\n102-0\r\n";
  ASSERT_EQ(::write(server.fd, replies.data(), replies.size()),
            static_cast<ssize_t>(replies.size()));
  // stop() ends the wait for lines: the replies are read and settled before it returns.
  publisher.stop();
  EXPECT_EQ(publisher.stats().published, 2U);
  EXPECT_EQ(publisher.stats().dropped, 0U);
}

}  // namespace
}  // namespace depthrec::redis

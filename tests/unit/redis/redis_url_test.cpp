// --redis URL forms: what is accepted and how, and that each malformed form says what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "redis/redis_url.hpp"

namespace depthrec::redis {
namespace {

RedisUrl parsed(const std::string& text) {
  std::string error;
  const auto url = parse_redis_url(text, error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  return url.value_or(RedisUrl{});
}

std::string error_of(const std::string& text) {
  std::string error;
  const auto url = parse_redis_url(text, error);
  EXPECT_FALSE(url.has_value()) << text << " was accepted as " << url->text();
  EXPECT_EQ(error.rfind("--redis: ", 0), 0u) << error;
  return error;
}

TEST(RedisUrl, HostAloneTakesTheDefaultPortAndDbZero) {
  const RedisUrl url = parsed("redis://localhost");
  EXPECT_EQ(url.transport, RedisUrl::Transport::tcp);
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.db, 0);
  EXPECT_TRUE(url.password.empty());
  EXPECT_EQ(url.text(), "redis://localhost:6379/0");
}

TEST(RedisUrl, PasswordPortAndDb) {
  const RedisUrl url = parsed("redis://:s3cr%40t@10.0.0.5:6380/3");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 3);
  EXPECT_EQ(url.password, "s3cr@t");  // %40 decoded
  EXPECT_TRUE(url.user.empty());
  EXPECT_EQ(url.text(), "redis://:***@10.0.0.5:6380/3");  // the password never printed
}

TEST(RedisUrl, AclUserAndPassword) {
  const RedisUrl url = parsed("redis://recorder:pw@redis.internal/0");
  EXPECT_EQ(url.user, "recorder");
  EXPECT_EQ(url.password, "pw");
  EXPECT_EQ(url.text(), "redis://recorder:***@redis.internal:6379/0");
}

// Found by fuzz_redis_url: a user name decoded from %XX (a control byte, ':' or '@') printed raw
// made a URL that did not parse back.
TEST(RedisUrl, EscapedUserNamePrintsEscaped) {
  const RedisUrl url = parsed("redis://a%1b%3A%40:pw@host");
  EXPECT_EQ(url.user, "a\x1b:@");
  EXPECT_EQ(url.text(), "redis://a%1B%3A%40:***@host:6379/0");
  const RedisUrl again = parsed(url.text());
  EXPECT_EQ(again.user, url.user);
}

TEST(RedisUrl, Ipv6Literal) {
  const RedisUrl url = parsed("redis://[::1]:7000");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 7000);
  EXPECT_EQ(url.text(), "redis://[::1]:7000/0");
}

TEST(RedisUrl, TrailingSlashIsDbZero) {
  EXPECT_EQ(parsed("redis://h:1/").db, 0);
}

TEST(RedisUrl, UnixSocketWithAndWithoutDb) {
  const RedisUrl plain = parsed("unix:///run/redis/redis.sock");
  EXPECT_EQ(plain.transport, RedisUrl::Transport::unix_socket);
  EXPECT_EQ(plain.socket_path, "/run/redis/redis.sock");
  EXPECT_EQ(plain.db, 0);
  const RedisUrl with_db = parsed("unix:///tmp/r.sock?db=2");
  EXPECT_EQ(with_db.socket_path, "/tmp/r.sock");
  EXPECT_EQ(with_db.db, 2);
  EXPECT_EQ(with_db.text(), "unix:///tmp/r.sock?db=2");
}

TEST(RedisUrl, TlsIsRefusedNamingWhy) {
  const std::string error = error_of("rediss://host:6380");
  EXPECT_NE(error.find("hiredis 0.14 has no TLS"), std::string::npos) << error;
}

TEST(RedisUrl, MalformedFormsSayWhatIsWrong) {
  EXPECT_NE(error_of("http://host").find("no Redis URL"), std::string::npos);
  EXPECT_NE(error_of("").find("no Redis URL"), std::string::npos);
  EXPECT_NE(error_of("redis://").find("host is empty"), std::string::npos);
  EXPECT_NE(error_of("redis://:pw@").find("host is empty"), std::string::npos);
  EXPECT_NE(error_of("redis://host:").find("port after ':' is empty"), std::string::npos);
  EXPECT_NE(error_of("redis://host:0").find("port must be"), std::string::npos);
  EXPECT_NE(error_of("redis://host:65536").find("port must be"), std::string::npos);
  EXPECT_NE(error_of("redis://host:12ab").find("port must be"), std::string::npos);
  EXPECT_NE(error_of("redis://host/x").find("db"), std::string::npos);
  EXPECT_NE(error_of("redis://host/-1").find("db"), std::string::npos);
  EXPECT_NE(error_of("redis://host/99999999999").find("db"), std::string::npos);
  EXPECT_NE(error_of("redis://host?db=1").find("no ?parameters"), std::string::npos);
  EXPECT_NE(error_of("redis://pw@host").find("credentials"), std::string::npos);
  EXPECT_NE(error_of("redis://:@host").find("password after ':' is empty"), std::string::npos);
  EXPECT_NE(error_of("redis://:p%4@host").find("%XX"), std::string::npos);
  EXPECT_NE(error_of("redis://ho st").find("space or a control"), std::string::npos);
  EXPECT_NE(error_of("redis://ho$t").find("host may hold"), std::string::npos);
  EXPECT_NE(error_of("redis://[::1").find("closing ']'"), std::string::npos);
  EXPECT_NE(error_of("redis://[]:1").find("host is empty"), std::string::npos);
  EXPECT_NE(error_of("redis://[zz]").find("IPv6"), std::string::npos);
  EXPECT_NE(error_of("unix://relative.sock").find("absolute path"), std::string::npos);
  EXPECT_NE(error_of("unix://").find("absolute path"), std::string::npos);
  EXPECT_NE(error_of("unix:///tmp/r.sock?db=x").find("db must be"), std::string::npos);
  EXPECT_NE(error_of("unix:///tmp/r.sock?timeout=1").find("only ?db=N"), std::string::npos);
  EXPECT_NE(error_of("unix:///" + std::string(200, 'a')).find("longer than 107"),
            std::string::npos);
}

TEST(RedisUrl, TextParsesBackToTheSameUrl) {
  for (const char* text : {"redis://h", "redis://[::1]:7000/5", "unix:///tmp/x.sock?db=9"}) {
    const RedisUrl url = parsed(text);
    const RedisUrl again = parsed(url.text());
    EXPECT_EQ(again.text(), url.text());
    EXPECT_EQ(again.db, url.db);
    EXPECT_EQ(again.port, url.port);
  }
}

}  // namespace
}  // namespace depthrec::redis

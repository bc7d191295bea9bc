// A real redis-server (Debian's) for the Redis sink's tests: started by the test in a temporary
// directory on a Unix socket there (no TCP port: `--port 0`), nothing persisted (`--save ''`,
// `--appendonly no`), stopped by its pid (ChildProcess). Restartable on the same socket, and
// freezable (SIGSTOP/SIGCONT). Read back with the sink's own connection class.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "redis/redis_connection.hpp"
#include "redis/redis_url.hpp"

namespace itest {

class RedisServer {
 public:
  // `extra`: more redis-server options (e.g. --maxmemory 64mb --maxmemory-policy noeviction).
  explicit RedisServer(std::vector<std::string> extra = {})
      : dir_(make_temp_dir("redis")), extra_(std::move(extra)) {
    start();
  }
  ~RedisServer() = default;  // ChildProcess: SIGTERM, then SIGKILL, by pid

  static bool available() { return std::filesystem::exists("/usr/bin/redis-server"); }

  std::string socket_path() const { return dir_ + "/redis.sock"; }
  std::string url() const { return "unix://" + socket_path(); }
  ChildProcess& process() { return *process_; }

  // Starts (again) on the same socket; waits until it answers PING (20 s at most).
  void start() {
    process_.reset();
    ++starts_;
    std::vector<std::string> args{"--port",           "0",   "--unixsocket", socket_path(),
                                  "--unixsocketperm", "700", "--save",       "",
                                  "--appendonly",     "no",  "--dir",        dir_};
    args.insert(args.end(), extra_.begin(), extra_.end());
    process_ = std::make_unique<ChildProcess>("/usr/bin/redis-server", args,
                                              dir_ + "/redis-" + std::to_string(starts_) + ".log");
    connection_.reset();
    const bool up = wait_until([&] { return connect(); }, std::chrono::seconds(20));
    if (!up) throw std::runtime_error("redis-server did not answer: " + process_->output());
  }

  // SIGKILL by pid (a crash: nothing persisted), waited for.
  void kill() {
    connection_.reset();
    process_->signal(SIGKILL);
    process_->wait_exit(std::chrono::seconds(10));
  }

  // One command, one round trip, on the test's own connection (reconnects if needed).
  std::optional<depthrec::redis::RedisReply> command(const std::vector<std::string>& argv) {
    if (!connection_ && !connect()) return std::nullopt;
    std::vector<std::string_view> views(argv.begin(), argv.end());
    std::string error;
    auto reply = connection_->command(views, error);
    if (!reply) connection_.reset();
    return reply;
  }

  std::uint64_t xlen(const std::string& key) {
    const auto reply = command({"XLEN", key});
    return reply && reply->kind == depthrec::redis::RedisReply::Kind::integer
               ? static_cast<std::uint64_t>(reply->integer)
               : 0;
  }

  // A figure of INFO (e.g. "used_memory"); 0 when absent.
  std::uint64_t info_figure(const std::string& section, const std::string& name) {
    const auto reply = command({"INFO", section});
    if (!reply) return 0;
    const std::string& text = reply->text;
    const std::size_t at = text.find("\n" + name + ":");
    if (at == std::string::npos) return 0;
    return std::strtoull(text.c_str() + at + name.size() + 2, nullptr, 10);
  }

  struct Entry {
    std::string id;
    std::map<std::string, std::string> fields;
  };
  // Every entry of `key`, in stream order (XRANGE in pages of 1000).
  std::vector<Entry> entries(const std::string& key) {
    std::vector<Entry> out;
    std::string start = "-";
    for (;;) {
      const auto reply = command({"XRANGE", key, start, "+", "COUNT", "1000"});
      if (!reply || reply->kind != depthrec::redis::RedisReply::Kind::array) return out;
      for (const auto& item : reply->elements) {
        Entry entry;
        entry.id = item.elements.at(0).text;
        const auto& fields = item.elements.at(1).elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2)
          entry.fields[fields[i].text] = fields[i + 1].text;
        out.push_back(std::move(entry));
      }
      if (reply->elements.size() < 1000) return out;
      start = "(" + out.back().id;
    }
  }

 private:
  bool connect() {
    std::string error;
    depthrec::redis::RedisUrl url;
    url.transport = depthrec::redis::RedisUrl::Transport::unix_socket;
    url.socket_path = socket_path();
    connection_ = depthrec::redis::RedisConnection::open(url, std::chrono::seconds(2), error);
    return connection_ != nullptr;
  }

  std::string dir_;
  std::vector<std::string> extra_;
  int starts_ = 0;
  std::unique_ptr<ChildProcess> process_;
  std::unique_ptr<depthrec::redis::RedisConnection> connection_;
};

}  // namespace itest

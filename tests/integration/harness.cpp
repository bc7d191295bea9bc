#include "harness.hpp"

#include <curl/curl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace itest {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string binary(const std::string& name) {
  return std::string(DEPTHREC_BINARY_DIR) + "/" + name;
}
bool binary_exists(const std::string& name) {
  return access(binary(name).c_str(), X_OK) == 0;
}

Simulator::Simulator(const std::vector<std::string>& args, bool tls) : tls_(tls) {
  dir_ = make_temp_dir("depthsim");
  ca_file_ = dir_ + "/ca.pem";
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> all{"--port", "0", "--port-file", port_file};
  if (tls) {
    all.insert(all.end(), {"--cert-out", ca_file_});
  } else {
    all.push_back("--no-tls");
  }
  all.insert(all.end(), args.begin(), args.end());
  process_ = std::make_unique<ChildProcess>(binary("depthsim"), all, dir_ + "/output.txt");
  const bool listening = wait_until(
      [&] {
        const std::string text = read_file(port_file);
        if (text.empty() || text.back() != '\n') return false;
        port_ = std::atoi(text.c_str());
        return port_ > 0;
      },
      std::chrono::seconds(20));
  if (!listening) throw std::runtime_error("depthsim did not start: " + process_->output());
}

std::string Simulator::ws_endpoint() const {
  return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_);
}
std::string Simulator::rest_endpoint() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

int Simulator::market_port(const std::string& market) const {
  // The port file: the first market's port alone on its first line, then "<market> <port>".
  std::istringstream lines(read_file(dir_ + "/port"));
  std::string name;
  int port = 0;
  std::getline(lines, name);
  while (lines >> name >> port) {
    if (name == market) return port;
  }
  return 0;
}
std::string Simulator::ws_endpoint(const std::string& market) const {
  return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(market_port(market));
}
std::string Simulator::rest_endpoint(const std::string& market) const {
  return std::string(tls_ ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(market_port(market));
}

std::optional<std::string> Simulator::get(const std::string& path, int port) const {
  CURL* curl = curl_easy_init();
  if (!curl) return std::nullopt;
  std::string body;
  const std::string url =
      (port == 0 ? rest_endpoint()
                 : std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port)) +
      path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (tls_) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) return std::nullopt;
  return body;
}

rapidjson::Document Simulator::stats() const {
  rapidjson::Document doc;
  const auto body = get("/sim/stats");
  if (body) doc.Parse(body->c_str());
  return doc;
}

RecorderRun start_recorder(const Simulator& sim, const std::vector<std::string>& extra) {
  RecorderRun run;
  run.dir = make_temp_dir("depthrec");
  std::vector<std::string> args{"--endpoint",        sim.ws_endpoint(), "--rest-endpoint",
                                sim.rest_endpoint(), "--data-dir",      run.data_dir(),
                                "--log-dir",         run.dir + "/logs", "--no-summary"};
  if (!sim.ca_file().empty() && sim.ws_endpoint().rfind("wss", 0) == 0) {
    args.insert(args.end(), {"--ca-file", sim.ca_file()});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  run.process = std::make_unique<ChildProcess>(binary("depthrec"), args, run.dir + "/output.txt");
  return run;
}

std::optional<rapidjson::Document> read_metrics(const std::string& path) {
  const std::string text = read_file(path);
  if (text.empty()) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::uint64_t metric_u64(const rapidjson::Document& metrics, const char* object,
                         const char* field) {
  const rapidjson::Value* value = &metrics;
  if (object) {
    auto it = metrics.FindMember(object);
    if (it == metrics.MemberEnd()) return 0;
    value = &it->value;
  }
  auto it = value->FindMember(field);
  if (it == value->MemberEnd() || !it->value.IsNumber()) return 0;
  return it->value.IsUint64() ? it->value.GetUint64()
                              : static_cast<std::uint64_t>(it->value.GetDouble());
}

std::vector<std::string> segment_files(const std::string& dir) {
  std::vector<std::string> files;
  if (DIR* handle = opendir(dir.c_str())) {
    while (dirent* entry = readdir(handle)) {
      const std::string name = entry->d_name;
      if (name.size() > 10 && name.compare(name.size() - 10, 10, ".ndjson.gz") == 0) {
        files.push_back(dir + "/" + name);
      }
    }
    closedir(handle);
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool gunzip_file(const std::string& path, std::string& out) {
  const std::string compressed = read_file(path);
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return false;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char buffer[1 << 16];
  bool ok = true;
  while (stream.avail_in > 0) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // the next gzip member
      continue;
    }
    if (rc != Z_OK) {
      ok = false;
      break;
    }
  }
  inflateEnd(&stream);
  return ok && !compressed.empty();
}

std::vector<rapidjson::Document> read_records(const std::string& dir) {
  std::vector<rapidjson::Document> records;
  for (const auto& file : segment_files(dir)) {
    std::string text;
    gunzip_file(file, text);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      rapidjson::Document doc;
      doc.Parse(text.c_str() + start, end - start);
      if (!doc.HasParseError()) records.push_back(std::move(doc));
      start = end + 1;
    }
  }
  return records;
}

std::vector<const rapidjson::Document*> records_of_type(
    const std::vector<rapidjson::Document>& records, const char* type) {
  std::vector<const rapidjson::Document*> out;
  for (const auto& record : records) {
    auto it = record.FindMember("type");
    if (it != record.MemberEnd() && it->value.IsString() &&
        std::strcmp(it->value.GetString(), type) == 0) {
      out.push_back(&record);
    }
  }
  return out;
}

void report_figure(const std::string& name, const std::string& value) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string test =
      info ? std::string(info->test_suite_name()) + "." + info->name() : std::string("?");
  std::cout << "FIGURE " << test << ": " << name << " = " << value << std::endl;
  ::testing::Test::RecordProperty(name, value);
}

void report_figure(const std::string& name, double value) {
  std::ostringstream text;
  text << value;
  report_figure(name, text.str());
}

}  // namespace itest

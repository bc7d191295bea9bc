// What the end-to-end tests share: a depthsim process on an OS-chosen port, HTTP(S) calls to its
// control endpoints, a depthrec process pointed at it, and readers for what depthrec wrote.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace itest {

std::string binary(const std::string& name);  // path of a built tool
bool binary_exists(const std::string& name);

class Simulator {
 public:
  // Starts depthsim with TLS and `args`; waits until it listens (throws after 20 s).
  explicit Simulator(const std::vector<std::string>& args, bool tls = true);
  int port() const { return port_; }
  const std::string& ca_file() const { return ca_file_; }
  std::string ws_endpoint() const;
  std::string rest_endpoint() const;
  // With several markets (--symbols usdm:A,spot:B): `market`'s own listener (0 when it has none).
  int market_port(const std::string& market) const;
  std::string ws_endpoint(const std::string& market) const;
  std::string rest_endpoint(const std::string& market) const;
  // GET on the simulator (control endpoints, REST); empty optional on transport failure.
  // `port` 0: the first market's listener.
  std::optional<std::string> get(const std::string& path, int port = 0) const;
  rapidjson::Document stats() const;  // /sim/stats
  ChildProcess& process() { return *process_; }

 private:
  std::string dir_;
  std::string ca_file_;
  bool tls_ = true;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

struct RecorderRun {
  std::string dir;  // data/, logs/ and output.txt live here
  std::string data_dir() const { return dir + "/data"; }
  std::string metrics_path() const { return dir + "/data/metrics.json"; }
  std::unique_ptr<ChildProcess> process;
};

// Starts depthrec against `sim` with `extra` flags (--symbol etc. come from the test).
RecorderRun start_recorder(const Simulator& sim, const std::vector<std::string>& extra);

// metrics.json as a document; empty optional while it does not exist or is being replaced.
std::optional<rapidjson::Document> read_metrics(const std::string& path);
std::uint64_t metric_u64(const rapidjson::Document& metrics, const char* object, const char* field);

// Every line of every *.ndjson.gz segment in `dir`, in file-name order, parsed.
std::vector<rapidjson::Document> read_records(const std::string& dir);
std::vector<std::string> segment_files(const std::string& dir);
// Decompresses a whole gzip file; false if it is not valid gzip up to its end.
bool gunzip_file(const std::string& path, std::string& out);

std::vector<const rapidjson::Document*> records_of_type(
    const std::vector<rapidjson::Document>& records, const char* type);

// A figure a test measured: printed ("FIGURE <test>: name = value") and recorded as a test
// property, so a closing note or a doc can quote what was measured, reproducibly.
void report_figure(const std::string& name, const std::string& value);
void report_figure(const std::string& name, double value);

}  // namespace itest

// depthrec-bare-client: the transport limit. A websocketpp TLS client (the same library and
// config family depthrec uses) that only counts the frames it receives: no parse, no book, no
// records. Against `depthsim --rate 0` (as fast as the client reads) it measures how many frames
// per second loopback TLS delivers on this machine; bench/run_e2e.sh compares depthrec with it.
//
//   depthrec-bare-client --url wss://127.0.0.1:PORT/stream?streams=btcusdt@depth@0ms
//                        --ca-file CA.pem [--warmup-seconds 1] [--seconds 5]
//
// Prints one JSON object: frames, bytes, seconds (the measured window, after the warm-up),
// frames_per_sec, mean_frame_bytes, cpu_us_per_frame (this process's CPU time in the window). Exit
// status 1 when the connection fails or no frame came.
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <time.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_client.hpp>

namespace {

namespace wpp = websocketpp;
using Clock = std::chrono::steady_clock;

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// websocketpp's TLS client config, without the 5 s waits for the peer's close frame (queued
// behind the frames still in flight) and TLS shutdown: the measurement is over by then.
struct QuickCloseConfig : wpp::config::asio_tls_client {
  typedef QuickCloseConfig type;
  typedef wpp::config::asio_tls_client base;
  static const long timeout_close_handshake = 300;
  struct transport_config : base::transport_config {
    static const long timeout_socket_shutdown = 200;
  };
  typedef wpp::transport::asio::endpoint<transport_config> transport_type;
};
using Endpoint = wpp::client<QuickCloseConfig>;

struct Options {
  std::string url;
  std::string ca_file;
  double warmup_seconds = 1.0;
  double seconds = 5.0;
};

class FrameCounter {
 public:
  explicit FrameCounter(Options options) : options_(std::move(options)) {
    endpoint_.clear_access_channels(wpp::log::alevel::all);
    endpoint_.clear_error_channels(wpp::log::elevel::all);
    endpoint_.init_asio();
    endpoint_.set_tls_init_handler([this](wpp::connection_hdl) { return tls_context(); });
  }

  int run() {
    wpp::lib::error_code ec;
    Endpoint::connection_ptr con = endpoint_.get_connection(options_.url, ec);
    if (ec) return fail("cannot connect to " + options_.url + ": " + ec.message());
    con->set_open_handler([this](wpp::connection_hdl) { on_open(); });
    con->set_message_handler([this](wpp::connection_hdl, Endpoint::message_ptr msg) {
      ++frames_;
      bytes_ += msg->get_payload().size();
    });
    con->set_fail_handler([this](wpp::connection_hdl hdl) {
      error_ = "connection failed: " + endpoint_.get_con_from_hdl(hdl)->get_ec().message();
      if (deadline_) deadline_->cancel();
    });
    con->set_close_handler([this](wpp::connection_hdl) {
      if (!measured_) error_ = "connection closed before the measurement ended";
      if (deadline_) deadline_->cancel();
    });
    connection_ = con;
    endpoint_.connect(con);
    // A run that has not ended well after its window (a handshake or close that never
    // completes) is stopped instead of hanging the benchmark; an error unless it was measured.
    const double limit_seconds = options_.warmup_seconds + options_.seconds + 15.0;
    deadline_ = endpoint_.set_timer(static_cast<long>(limit_seconds * 1000), [this](auto ec) {
      if (ec) return;
      if (!measured_) error_ = "no complete measurement within the time limit";
      endpoint_.stop();
    });
    endpoint_.run();
    if (!error_.empty()) return fail(error_);
    const std::uint64_t frames = frames_at_end_ - frames_at_start_;
    const std::uint64_t bytes = bytes_at_end_ - bytes_at_start_;
    const double seconds = std::chrono::duration<double>(end_ - start_).count();
    if (frames == 0) return fail("no frame received in the measured window");
    std::printf(
        "{\"frames\": %llu, \"bytes\": %llu, \"seconds\": %.3f, \"frames_per_sec\": %.0f, "
        "\"mean_frame_bytes\": %.0f, \"cpu_us_per_frame\": %.3f}\n",
        static_cast<unsigned long long>(frames), static_cast<unsigned long long>(bytes), seconds,
        static_cast<double>(frames) / seconds,
        static_cast<double>(bytes) / static_cast<double>(frames),
        (cpu_at_end_ - cpu_at_start_) * 1e6 / static_cast<double>(frames));
    return 0;
  }

 private:
  void on_open() {
    timer_ =
        endpoint_.set_timer(static_cast<long>(options_.warmup_seconds * 1000), [this](auto ec) {
          if (ec) return;
          start_ = Clock::now();
          cpu_at_start_ = process_cpu_seconds();
          frames_at_start_ = frames_;
          bytes_at_start_ = bytes_;
          timer_ =
              endpoint_.set_timer(static_cast<long>(options_.seconds * 1000), [this](auto ec2) {
                if (ec2) return;
                end_ = Clock::now();
                cpu_at_end_ = process_cpu_seconds();
                frames_at_end_ = frames_;
                bytes_at_end_ = bytes_;
                measured_ = true;
                wpp::lib::error_code close_ec;
                connection_->close(wpp::close::status::normal, "done", close_ec);
                if (close_ec) endpoint_.stop();
              });
        });
  }

  std::shared_ptr<asio::ssl::context> tls_context() {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_verify_mode(asio::ssl::verify_peer);
    asio::error_code ec;
    ctx->load_verify_file(options_.ca_file, ec);
    if (ec) {
      error_ = "cannot load CA file '" + options_.ca_file + "': " + ec.message();
      return nullptr;
    }
    // The simulator's certificate names IP 127.0.0.1; check it as depthrec does.
    const std::string host = wpp::uri(options_.url).get_host();
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx->native_handle());
    asio::ip::make_address(host, ec);
    if (ec) {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    }
    return ctx;
  }

  int fail(const std::string& message) {
    std::fprintf(stderr, "depthrec-bare-client: %s\n", message.c_str());
    return 1;
  }

  Options options_;
  Endpoint endpoint_;
  Endpoint::connection_ptr connection_;
  Endpoint::timer_ptr timer_;
  Endpoint::timer_ptr deadline_;
  std::uint64_t frames_ = 0, bytes_ = 0;
  std::uint64_t frames_at_start_ = 0, bytes_at_start_ = 0;
  std::uint64_t frames_at_end_ = 0, bytes_at_end_ = 0;
  Clock::time_point start_, end_;
  double cpu_at_start_ = 0, cpu_at_end_ = 0;
  bool measured_ = false;
  std::string error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"depthrec-bare-client: counts the frames of one wss stream (transport limit)"};
  app.add_option("--url", options.url, "wss:// stream URL")->required();
  app.add_option("--ca-file", options.ca_file, "CA certificate (PEM) of the server")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--warmup-seconds", options.warmup_seconds, "Frames not counted at first")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  app.add_option("--seconds", options.seconds, "Length of the measured window")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return FrameCounter(options).run();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "depthrec-bare-client: %s\n", error.what());
    return 1;
  }
}

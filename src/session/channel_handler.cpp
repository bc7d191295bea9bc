#include "session/channel_handler.hpp"

#include <cmath>

#include "depthrec/epoch_time.hpp"

namespace depthrec::session {

ChannelHandler::ChannelHandler(ChannelSetup setup)
    : key_(std::move(setup.key)),
      hooks_(std::move(setup.hooks)),
      metrics_(key_.market, key_.symbol, setup.stream, to_string(key_.channel)) {
  context_.market = key_.market;
  context_.symbol = key_.symbol;
  context_.stream = std::move(setup.stream);
  context_.stream_id = setup.writer_id;
  line_.reserve(1024);
}

void ChannelHandler::on_frame(std::uint64_t conn_id, std::string_view frame, std::int64_t recv_ns) {
  if (stopped_) return;
  metrics_.record_frame(frame.size());
  context_.conn_id = conn_id;
  handle(conn_id, frame, recv_ns);
}

PushInfo ChannelHandler::write(std::string& line, bool marker) {
  if (!hooks_.write) {
    line.clear();
    return {};
  }
  return hooks_.write(line, context_, marker);
}

double ChannelHandler::event_latency_ms(std::int64_t event_time_ms, std::int64_t recv_ns) {
  std::int64_t event_ns = 0;
  return event_time_ms > 0 && epoch_ms_to_ns(event_time_ms, event_ns)
             ? static_cast<double>(recv_ns - event_ns) / 1e6
             : std::nan("");
}

void ChannelHandler::log_per_event(LogLevel level, const std::string& message) {
  if (hooks_.log && event_logs_.admit())
    hooks_.log(level, key_.symbol + " " + context_.stream + ": " + message + event_logs_.so_far());
}

}  // namespace depthrec::session

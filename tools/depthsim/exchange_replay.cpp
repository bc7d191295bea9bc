// Replay of a real recording: each frame goes to the subscribers of its stream, byte for byte,
// with the recorded spacing divided by --speed (0: as fast as the clients read); each symbol's
// REST snapshot is answered once the replay has passed it.
#include <asio/post.hpp>

#include "exchange.hpp"

namespace depthsim {

namespace {
constexpr std::size_t kUnpacedBatch = 64;

// The unsigned integer after `"<field>":` in a recorded payload, 0 when absent.
std::uint64_t recorded_id(std::string_view payload, std::string_view field) {
  const std::string key = "\"" + std::string(field) + "\":";
  const std::size_t at = payload.find(key);
  if (at == std::string_view::npos) return 0;
  std::uint64_t value = 0;
  for (std::size_t i = at + key.size();
       i < payload.size() && payload[i] >= '0' && payload[i] <= '9'; ++i) {
    value = value * 10 + static_cast<std::uint64_t>(payload[i] - '0');
  }
  return value;
}

DepthProgress& count_replayed_depth(ClientSession& session, const ReplayItem& item) {
  const std::string_view data = item.data();
  DepthProgress& progress =
      session.depth_by_symbol[to_upper_ascii(item.stream.substr(0, item.stream.find('@')))];
  if (progress.events == 0) progress.first_id = recorded_id(data, "U");
  progress.last_id = recorded_id(data, "u");
  ++progress.events;
  ++session.depth_events_sent;
  return progress;
}
}  // namespace

void Exchange::replay_step() {
  if (shutting_down_ || !replay_ || replay_->done()) return;
  const auto now = Clock::now();
  const std::int64_t first_ns = replay_->items().front().recv_ns;
  std::size_t sent = 0;
  while (!replay_->done()) {
    const ReplayItem& item = replay_->items()[replay_->position()];
    if (options_.replay_speed > 0) {
      const auto due = replay_started_at_ +
                       std::chrono::nanoseconds(static_cast<std::int64_t>(
                           static_cast<double>(item.recv_ns - first_ns) / options_.replay_speed));
      if (due > now) {
        replay_timer_.expires_at(due);
        replay_timer_.async_wait([this](const asio::error_code& error) {
          if (!error) replay_step();
        });
        return;
      }
    } else if (sent >= kUnpacedBatch || !replay_clients_keep_up()) {
      replay_timer_.expires_after(sent >= kUnpacedBatch ? std::chrono::milliseconds(0)
                                                        : std::chrono::milliseconds(1));
      replay_timer_.async_wait([this](const asio::error_code& error) {
        if (!error) replay_step();
      });
      return;
    }
    if (!item.is_snapshot) {
      std::shared_ptr<const std::string> combined;
      std::shared_ptr<const std::string> raw;
      for (auto& [id, session] : sessions_) {
        if (!session.can_send() || session.is_stalled(now)) continue;
        for (const StreamName& stream : session.streams) {
          if (stream.text != item.stream) continue;
          std::shared_ptr<const std::string>& frame =
              session.subscriptions.combined ? combined : raw;
          if (!frame) {
            frame = std::make_shared<const std::string>(
                session.subscriptions.combined ? item.text : std::string(item.data()));
          }
          DepthProgress* depth = stream.text.find("@depth") != std::string::npos
                                     ? &count_replayed_depth(session, item)
                                     : nullptr;
          send_frame(session, FrameType::text, frame, depth);
        }
      }
    }
    replay_->advance();
    ++sent;
    if (item.is_snapshot) on_replay_snapshot_reached(item.symbol);
  }
}

bool Exchange::replay_clients_keep_up() const {
  for (const auto& [id, session] : sessions_) {
    if (session.can_send() && !session.streams.empty() &&
        server_->buffered_amount(id) > options_.pacing_buffer_bytes) {
      return false;
    }
  }
  return true;
}

void Exchange::on_replay_snapshot_reached(const std::string& symbol) {
  if (!replay_->snapshot_reached(symbol)) return;  // not the snapshot served for it (or nameless)
  const std::string& body = replay_->snapshot(symbol)->text;
  auto waiting = waiting_for_replay_snapshot_.begin();
  while (waiting != waiting_for_replay_snapshot_.end()) {
    if (waiting->second != symbol) {
      ++waiting;
      continue;
    }
    ++snapshots_served_;
    send_http(waiting->first, HttpReply{200, body, {}});
    waiting = waiting_for_replay_snapshot_.erase(waiting);
  }
}

}  // namespace depthsim

// Engine: a followed symbol's event channels (trade, aggTrade, kline, markPrice...; issue 13 on
// issue 12's `--symbols ALL` follow). A listing's keys include its channels (subscriptions_of
// with RecorderConfig::event_channels); the planner places them by symbol and route (on USD-M
// the channels of /market ride apart from depth and bookTicker on /public), and the follow
// SUBSCRIBEs them on a live connection. Each gets its handler as at start; one placed on a live
// connection is not named in its URL but SUBSCRIBEd on every socket that opens, as a depth
// stream beyond the URL is (so a socket that was connecting with the URL of before never misses
// it). A delisting stops its channels' handlers (nothing more is recorded for them: their last
// lines go out with the writer's next flush), takes them off their connection, and the follow
// UNSUBSCRIBEs them; a connection left with nothing is closed.
#include <algorithm>

#include "session/engine.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {

EngineChannel* Engine::channel_by_id(StreamId id) const {
  return id.value < by_channel_id_.size() ? by_channel_id_[id.value] : nullptr;
}

std::string Engine::removal_reason(const std::vector<StreamId>& ids) const {
  if (ids.empty()) return "removed";
  const StreamId first = ids.front();
  if (const EngineChannel* channel = channel_by_id(first)) return channel->removed_reason;
  for (const auto& stream : streams_) {
    if (stream->depth_id == first || (stream->ticker_id && *stream->ticker_id == first))
      return stream->removed_reason;
  }
  return "removed";
}

void Engine::add_listed_channels(const plan::FollowChange& change) {
  const plan::SubscriptionTable& table = planner_->table();
  for (StreamId id : change.added) {
    const SubscriptionKey& key = table.key(id);
    if (!is_event_channel(key.channel.kind)) continue;
    std::unique_ptr<EngineChannel> made = make_channel(key);
    made->in_url = false;  // unless a connection opened for it names it (make_connection)
    EngineChannel& channel = *made;
    {
      std::lock_guard<std::mutex> lock(streams_mutex_);
      if (by_channel_id_.size() <= id.value) by_channel_id_.resize(id.value + 1, nullptr);
      by_channel_id_[id.value] = made.get();
      channels_.push_back(std::move(made));
    }
    log_->log(LogLevel::info, std::string(to_string(key.market)) + ":" + key.symbol +
                                  " listed: subscribing " + std::string(table.name(id)));
    const std::optional<std::uint32_t> planned = planner_->connection_of(id);
    if (planned && std::find(change.plan.opened.begin(), change.plan.opened.end(), *planned) ==
                       change.plan.opened.end())
      place_channel(channel, *planned);
  }
}

void Engine::place_channel(EngineChannel& channel, std::uint32_t planned_id) {
  EngineConnection* connection = connection_by_planned_id(planned_id);
  if (connection == nullptr) return;
  if (!connection->session->add_channel(*channel.handler)) {
    log_->log(LogLevel::error, "stream " + channel.handler->stream() + " already carried");
    return;
  }
  connection->channels.push_back(&channel);
  allow_for_opening(*connection);
  // Open now: its events are recorded from the SUBSCRIBE's answer on (the follow sends it).
  if (connection->session->active_conn() != 0)
    channel.handler->on_connected(connection->session->active_conn());
}

void Engine::remove_symbol_channels(Market market, const std::string& symbol,
                                    const std::string& reason) {
  for (const auto& channel : channels_) {
    const SubscriptionKey& key = channel->handler->key();
    if (channel->removed || key.market != market || key.symbol != symbol) continue;
    std::string message(to_string(market));
    message += ':';
    message += symbol;
    message += ' ';
    message += reason;
    message += ": unsubscribing ";
    message += channel->handler->stream();
    log_->log(LogLevel::info, message);
    remove_channel(*channel, reason);
  }
}

void Engine::remove_channel(EngineChannel& channel, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(streams_mutex_);  // channel_figures() reads `removed`
    channel.removed = true;
    channel.removed_reason = reason;
    channel.handler->stop();
  }
  for (const auto& connection : connections_) {
    auto it = std::find(connection->channels.begin(), connection->channels.end(), &channel);
    if (it == connection->channels.end()) continue;
    connection->session->remove_channel(*channel.handler);
    connection->channels.erase(it);
    if (connection->streams.empty() && connection->channels.empty()) continue;  // to be closed
    allow_for_opening(*connection);
    refresh_url(*connection);
  }
}

}  // namespace depthrec::session

// Engine: how each connection opens (issue 12). Its URL names only its first streams (within
// plan::UrlBounds: 1,024 spot streams in a URL would be ~25 KB, refused with HTTP 431); on every
// socket that opens (the first, each reconnect, a rollover's successor) the streams beyond it are
// SUBSCRIBEd at once, in batches bound to that socket and paced by the connection's MessagePacer
// (SubscriptionFollow::open_streams; pump_follow sends them). A successor takes over only once
// every book on it joined, and the books it SUBSCRIBEd get events only after their answer, so the
// rollover's join deadline and the transport's rollover timeout add the pacing of those requests.
// The set the URL names only shrinks (a removed stream): a socket that began connecting before a
// change named at least the streams named now, so none is left unsubscribed.
#include <algorithm>

#include "plan/connection_opening.hpp"
#include "session/engine.hpp"

namespace depthrec::session {

void Engine::choose_url_streams(EngineConnection& connection) const {
  const plan::SubscriptionTable& table = planner_->table();
  // Event channels (trade, aggTrade) of the connection's start are named in the URL, first, so
  // they take their share of the bound before the depth streams; a listing's are SUBSCRIBEd.
  std::vector<std::string> names;
  for (const EngineChannel* channel : connection.channels) {
    if (channel->in_url) names.emplace_back(table.name(channel->id));
  }
  const std::size_t channel_names = names.size();
  // A stream's depth and bookTicker names are named together or not at all.
  std::vector<std::size_t> stream_of_name(channel_names, 0);
  for (std::size_t i = 0; i < connection.streams.size(); ++i) {
    const EngineStream& stream = *connection.streams[i];
    names.emplace_back(table.name(stream.depth_id));
    stream_of_name.push_back(i);
    if (stream.ticker_id) {
      names.emplace_back(table.name(*stream.ticker_id));
      stream_of_name.push_back(i);
    }
  }
  const std::size_t named = std::max(plan::url_stream_count(names), channel_names);
  std::size_t whole = named == names.size() ? connection.streams.size() : stream_of_name[named];
  if (whole == 0 && !connection.streams.empty()) whole = 1;  // a pair longer than the bound
  connection.in_url.assign(connection.streams.begin(),
                           connection.streams.begin() + static_cast<std::ptrdiff_t>(whole));
}

std::size_t Engine::streams_beyond_url(const EngineConnection& connection) const {
  std::size_t count = 0;
  for (const EngineStream* stream : connection.streams) {
    if (std::find(connection.in_url.begin(), connection.in_url.end(), stream) !=
        connection.in_url.end())
      continue;
    count += stream->ticker_id ? 2 : 1;
  }
  for (const EngineChannel* channel : connection.channels) count += channel->in_url ? 0 : 1;
  return count;
}

void Engine::subscribe_beyond_url(EngineConnection& connection, std::uint64_t conn_id,
                                  const std::vector<FeedSession*>& feeds) {
  std::vector<StreamId> ids;
  for (const EngineStream* stream : connection.streams) {
    if (std::find(connection.in_url.begin(), connection.in_url.end(), stream) !=
            connection.in_url.end() ||
        std::find(feeds.begin(), feeds.end(), stream->feed.get()) == feeds.end())
      continue;
    ids.push_back(stream->depth_id);
    if (stream->ticker_id) ids.push_back(*stream->ticker_id);
  }
  // A listing's channels are named in no URL: every socket (a successor too) SUBSCRIBEs them.
  for (const EngineChannel* channel : connection.channels) {
    if (!channel->in_url) ids.push_back(channel->id);
  }
  if (ids.empty()) return;
  const std::size_t messages = follow_->open_streams(connection.planned_id, conn_id, ids);
  log_->log(LogLevel::info, "[" + std::to_string(connection.planned_id) + "] connection " +
                                std::to_string(conn_id) + " opened naming " +
                                std::to_string(connection.in_url.size()) +
                                " depth streams in its URL: " + std::to_string(ids.size()) +
                                " more streams in " + std::to_string(messages) +
                                " SUBSCRIBE messages, paced");
  pump_follow();
}

void Engine::allow_for_opening(EngineConnection& connection) const {
  const plan::PlannedConnection* planned = planner_->connection(connection.planned_id);
  const int limit =
      planned != nullptr ? rules_->limits(planned->group).max_incoming_messages_per_second : 5;
  const std::chrono::milliseconds allowance = plan::pacing_allowance(
      plan::request_count(streams_beyond_url(connection),
                          plan::StreamRequestBuilder::kDefaultMaxStreamsPerRequest),
      limit);
  connection.session->set_join_deadline(config_.rollover_timeout * 2 / 3 + allowance);
  connection.ws->set_rollover_timeout(config_.rollover_timeout + allowance);
}

}  // namespace depthrec::session

// GET /sim/stats: what was generated, sent, served and injected, as plain JSON.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <vector>

#include "exchange.hpp"

namespace depthsim {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_session(JsonWriter& json, const ClientSession& session, SteadyClock::time_point now) {
  json.StartObject();
  json.Key("id");
  json.Uint64(session.number);
  json.Key("resource");
  json.String(session.resource);
  json.Key("open");
  json.Bool(session.open && !session.closing);
  json.Key("close_reason");
  json.String(session.close_reason);
  json.Key("combined");
  json.Bool(session.subscriptions.combined);
  json.Key("streams");
  json.StartArray();
  for (const std::string& stream : session.subscriptions.streams) json.String(stream);
  json.EndArray();
  json.Key("frames_sent");
  json.Uint64(session.frames_sent);
  json.Key("bytes_sent");
  json.Uint64(session.bytes_sent);
  json.Key("depth_events_sent");
  json.Uint64(session.depth_events_sent);
  std::uint64_t first_id = 0;
  std::uint64_t last_id = 0;
  json.Key("depth");
  json.StartObject();
  for (const auto& [symbol, progress] : session.depth_by_symbol) {
    if (first_id == 0) first_id = progress.first_id;
    last_id = progress.last_id;
    json.Key(symbol.c_str());
    json.StartObject();
    json.Key("events");
    json.Uint64(progress.events);
    json.Key("first_U");
    json.Uint64(progress.first_id);
    json.Key("last_u");
    json.Uint64(progress.last_id);
    json.EndObject();
  }
  json.EndObject();
  // For the common single-symbol case, the same figures at the top level.
  json.Key("first_U");
  json.Uint64(first_id);
  json.Key("last_u");
  json.Uint64(last_id);
  json.Key("messages_received");
  json.Uint64(session.messages_received);
  json.Key("pings_sent");
  json.Uint64(session.pings_sent);
  json.Key("pongs_received");
  json.Uint64(session.pongs_received);
  json.Key("stalled");
  json.Bool(session.is_stalled(now));
  json.EndObject();
}

}  // namespace

std::string Exchange::stats_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  const auto now = Clock::now();
  json.StartObject();
  json.Key("market");
  json.String(std::string(market_name(options_.market)));
  json.Key("tls");
  json.Bool(options_.tls);
  json.Key("uptime_ms");
  json.Int64(std::chrono::duration_cast<std::chrono::milliseconds>(now - started_at_).count());
  json.Key("paused");
  json.Bool(paused_);
  json.Key("generation_stopped");
  json.Bool(generation_stopped_);

  json.Key("symbols");
  json.StartArray();
  for (const auto& feed : feeds_) {
    json.StartObject();
    json.Key("symbol");
    json.String(feed->symbol());
    json.Key("started");
    json.Bool(feed->started());
    json.Key("finished");
    json.Bool(feed->finished() || generation_stopped_);
    json.Key("events_generated");
    json.Uint64(feed->book().events_generated());
    json.Key("last_update_id");
    json.Uint64(feed->book().book().last_update_id());
    json.Key("bid_levels");
    json.Uint64(feed->book().book().size(true));
    json.Key("ask_levels");
    json.Uint64(feed->book().book().size(false));
    json.EndObject();
  }
  json.EndArray();

  if (replay_) {
    json.Key("replay");
    json.StartObject();
    json.Key("file");
    json.String(options_.replay_file);
    json.Key("items");
    json.Uint64(replay_->items().size());
    json.Key("position");
    json.Uint64(replay_->position());
    json.Key("started");
    json.Bool(replay_->started());
    json.Key("snapshot_reached");  // every symbol's
    json.Bool(replay_->every_snapshot_reached());
    json.Key("time_units");
    json.String(replay_->time_units());
    json.EndObject();
  }
  json.Key("replay_done");
  json.Bool(replay_ && replay_->done());

  json.Key("connections");
  json.StartArray();
  std::vector<const ClientSession*> listed;  // open and recently closed, in the order they opened
  for (const auto* sessions : {&closed_sessions_, &sessions_}) {
    for (const auto& [id, session] : *sessions) listed.push_back(&session);
  }
  std::sort(listed.begin(), listed.end(),
            [](const ClientSession* a, const ClientSession* b) { return a->number < b->number; });
  for (const ClientSession* session : listed) write_session(json, *session, now);
  json.EndArray();
  json.Key("open_connections");
  json.Uint64(sessions_.size());
  json.Key("connections_refused");
  json.Uint64(connections_refused_);
  json.Key("snapshots_served");
  json.Uint64(snapshots_served_);
  json.Key("http_requests");
  json.Uint64(http_requests_);
  json.Key("pings_sent");
  json.Uint64(pings_sent_);
  json.Key("pongs_received");
  json.Uint64(pongs_received_);
  json.Key("rest_weight");  // rest_weight_meter.hpp
  json.StartObject();
  json.Key("limit");
  json.Int(rest_weight_.limit());
  json.Key("window_ms");
  json.Int64(rest_weight_.window_ms());
  json.Key("used");
  json.Uint64(rest_weight_.used(exchange_now_ms()));
  json.Key("max_used");
  json.Uint64(rest_weight_.max_used());
  json.Key("rejected_429");
  json.Uint64(rest_weight_.refused());
  json.EndObject();
  json.Key("rest_faults_pending");
  json.Uint64(rest_faults_.size());
  json.Key("faults");
  json.StartObject();
  for (const auto& [kind, count] : faults_injected_) {
    json.Key(kind.c_str());
    json.Uint64(count);
  }
  json.EndObject();
  json.EndObject();
  return buffer.GetString();
}

}  // namespace depthsim

// ConnectionSession's make-before-break rollover: the successor carries every stream; each depth
// stream joins it on its own (FeedSession); the old connection is retired only when every stream
// has joined or fallen back, and the successor's connect record is written then, once.
//
// A book not synced joins on its stream's newest event (at once when it had none) and keeps its
// buffer and snapshot request: the rollover waits for no snapshot.
//
// A stream that cannot join (its held events reach the bound, or others joined and it has not by
// the join deadline) falls back alone: it keeps following the old connection until the retire,
// then moves to the successor with a gap and resyncs from a snapshot. The streams that joined keep
// their books: one quiet or lagging symbol must not cost every book on the connection a resync.
// Only when no stream joined is the successor abandoned and the old connection cut, as with one
// stream (nothing would be gained by keeping a successor no book follows).
#include <algorithm>

#include "session/connection_session.hpp"

namespace depthrec::session {

std::size_t ConnectionSession::index_of(const FeedSession& feed) const {
  return static_cast<std::size_t>(std::find(feeds_.begin(), feeds_.end(), &feed) - feeds_.begin());
}

void ConnectionSession::on_successor_open(std::uint64_t conn_id, std::uint64_t replaced_conn_id,
                                          std::int64_t now_ns) {
  if (replaced_conn_id != active_conn_) return;
  Rollover rollover;
  rollover.successor = conn_id;
  rollover.replaced = replaced_conn_id;
  rollover.opened_ns = now_ns;
  rollover.generation = ++rollover_generation_;
  // A stream added while the successor was connecting is not in its URL: nothing to wait for.
  for (const FeedSession* feed : feeds_) {
    const bool outside = std::find(outside_successor_.begin(), outside_successor_.end(), feed) !=
                         outside_successor_.end();
    rollover.joins.push_back(outside ? JoinState::fell_back : JoinState::waiting);
  }
  outside_successor_.clear();
  rollover_ = std::move(rollover);
  // The channels first: a book with nothing to continue joins inside its on_successor_open, and
  // the last one to join finishes the rollover, which asks the channels whether they joined.
  for (ChannelHandler* channel : channels_) channel->on_successor_open(conn_id);
  for (FeedSession* feed : successor_feeds()) {
    if (!rollover_ || rollover_->generation != rollover_generation_) break;  // finished already
    feed->on_successor_open(conn_id, replaced_conn_id, config_.url, now_ns);
  }
  if (rollover_ && (feeds_.size() > 1 || !channels_.empty()) && config_.join_deadline.count() > 0 &&
      hooks_.schedule) {
    hooks_.schedule(config_.join_deadline, [this, generation = rollover_generation_] {
      join_deadline_passed(generation, wall_clock_ns());
    });
  }
}

std::vector<FeedSession*> ConnectionSession::successor_feeds() const {
  std::vector<FeedSession*> out;
  if (!rollover_) return out;
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (rollover_->joins[i] == JoinState::waiting) out.push_back(feeds_[i]);
  }
  return out;
}

void ConnectionSession::on_rollover_failed(std::uint64_t conn_id, std::string_view reason,
                                           std::int64_t now_ns) {
  std::optional<Rollover> rollover = std::move(rollover_);
  rollover_.reset();
  outside_successor_.clear();  // the connection reconnects with the current URL
  for (ChannelHandler* channel : channels_) channel->on_successor_gone();
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (rollover && rollover->joins[i] == JoinState::joined) {
      // It already follows the successor, which is gone now: its book breaks like a disconnect.
      feeds_[i]->on_disconnected(feeds_[i]->active_conn(),
                                 "rollover failed: " + std::string(reason), std::nullopt, now_ns);
    } else {
      feeds_[i]->on_rollover_failed(conn_id, reason, now_ns);
    }
  }
}

void ConnectionSession::stream_joined(FeedSession& feed, std::uint64_t conn_id,
                                      std::uint64_t overlap, std::int64_t now_ns) {
  if (!rollover_ || conn_id != rollover_->successor) return;
  rollover_->joins[index_of(feed)] = JoinState::joined;
  rollover_->overlap += overlap;
  finish_rollover_if_done(now_ns);
}

void ConnectionSession::stream_cannot_join(FeedSession& feed, std::uint64_t conn_id,
                                           const std::string& reason, std::int64_t now_ns) {
  if (!rollover_ || conn_id != rollover_->successor) return;
  rollover_->joins[index_of(feed)] = JoinState::fell_back;
  rollover_->fallback_reason = reason;
  finish_rollover_if_done(now_ns);
}

void ConnectionSession::join_deadline_passed(std::uint64_t generation, std::int64_t now_ns) {
  if (!rollover_ || rollover_->generation != generation) return;
  auto& joins = rollover_->joins;
  // Event channels that have not joined take the successor as it is (a gap if ids do not meet).
  for (ChannelHandler* channel : channels_) channel->force_join(now_ns);
  if (!feeds_.empty() && std::find(joins.begin(), joins.end(), JoinState::joined) == joins.end())
    return;
  const std::string reason =
      "no join within " + std::to_string(config_.join_deadline.count()) + " ms";
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (joins[i] != JoinState::waiting) continue;
    joins[i] = JoinState::fell_back;
    feeds_[i]->on_rollover_failed(rollover_->successor, reason, now_ns);
  }
  rollover_->fallback_reason = reason;
  finish_rollover_if_done(now_ns);
}

void ConnectionSession::finish_rollover_if_done(std::int64_t now_ns) {
  const auto& waiting = rollover_->joins;
  if (std::find(waiting.begin(), waiting.end(), JoinState::waiting) != waiting.end()) return;
  if (!channels_joined(rollover_->successor)) return;
  Rollover done = std::move(*rollover_);
  rollover_.reset();
  const auto& joins = done.joins;
  if (!joins.empty() && std::find(joins.begin(), joins.end(), JoinState::joined) == joins.end()) {
    ++counters_.rollovers_abandoned;
    if (hooks_.abandon_successor) hooks_.abandon_successor(done.successor, done.fallback_reason);
    return;
  }
  active_conn_ = done.successor;
  retired_conn_ = done.replaced;
  RolloverInfo info;
  info.from_conn_id = done.replaced;
  info.wait_ms = static_cast<double>(now_ns - done.opened_ns) / 1e6;
  info.overlap_events = done.overlap;
  const RecordContext record = context(done.successor);
  append_connect_record(line_, record, now_ns, config_.url, &info);
  write_record(record);
  ++counters_.rollovers;
  std::size_t fell_back = 0;
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (done.joins[i] != JoinState::fell_back) continue;
    ++fell_back;
    ++counters_.stream_fallbacks;
    feeds_[i]->move_to_successor(done.successor, now_ns);
  }
  if (feeds_.size() > 1)
    log(LogLevel::info, "rolled over from connection " + std::to_string(done.replaced) + ": " +
                            std::to_string(feeds_.size() - fell_back) + " of " +
                            std::to_string(feeds_.size()) + " streams joined, " +
                            std::to_string(fell_back) + " resync on it");
  if (hooks_.retire) hooks_.retire(done.replaced);
}

}  // namespace depthrec::session

// Exchange lifecycle, clocks, generation scheduling and per-connection housekeeping.
#include "exchange.hpp"

#include <asio/post.hpp>

#include <algorithm>

namespace depthsim {

namespace {
constexpr std::size_t kUnpacedBatch = 256;  // events per symbol per round at --rate 0
constexpr std::uint64_t kMaxBurst = 256;    // events per symbol per round at a fixed rate
constexpr auto kBackoffWhenPaced = std::chrono::milliseconds(1);
constexpr auto kHousekeepingPeriod = std::chrono::milliseconds(20);
constexpr std::size_t kClosedSessionsKept = 1000;
// With many symbols a round visits every feed: rounds at most this often keep that cheap.
constexpr std::size_t kManyFeeds = 64;
constexpr auto kMinRoundInterval = std::chrono::milliseconds(1);
constexpr auto kMinPacedWait = std::chrono::milliseconds(1);

std::chrono::steady_clock::duration seconds(double value) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(value));
}
}  // namespace

Exchange::Exchange(asio::io_context& io, SimOptions options,
                   std::shared_ptr<RestWeightBudget> rest_budget)
    : io_(io),
      options_(std::move(options)),
      rest_budget_(std::move(rest_budget)),
      generation_timer_(io),
      housekeeping_timer_(io),
      replay_timer_(io) {
  if (!options_.replay_file.empty()) {
    std::vector<std::string> paths{options_.replay_file};
    paths.insert(paths.end(), options_.replay_companions.begin(), options_.replay_companions.end());
    replay_ = std::make_unique<ReplayFeed>(ReplayFeed::load(paths));
  } else {
    for (std::size_t i = 0; i < options_.symbols.size(); ++i) {
      add_feed(options_.symbols[i],
               i < options_.symbol_rates.size() ? options_.symbol_rates[i] : options_.rate);
    }
  }
  if (!rest_budget_) {
    rest_budget_ = std::make_shared<RestWeightBudget>(
        is_futures(options_.market) ? options_.rest_weight_futures : options_.rest_weight_spot,
        std::chrono::milliseconds(options_.rest_weight_window_ms));
  }
  for (const PlannedFault& planned : options_.faults) {
    for (SymbolFeed* feed : fault_targets(planned)) feed->fault_plan().add(planned);
  }
  for (const RestFaultSpec& spec : options_.rest_faults) {
    for (std::uint64_t i = 0; i < spec.count; ++i) queue_rest_fault(spec.kind);
  }
}

Exchange::~Exchange() = default;

std::int64_t Exchange::exchange_now_ms() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() +
         options_.clock_offset_ms;
}

void Exchange::start() {
  started_at_ = Clock::now();
  if (!options_.start_on_subscribe) {
    for (auto& feed : feeds_) feed->start(started_at_);
  }
  schedule_generation(started_at_);
  schedule_listings();
  housekeeping();
}

void Exchange::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  generation_timer_.cancel();
  housekeeping_timer_.cancel();
  replay_timer_.cancel();
  for (auto& timer : listing_timers_) timer->cancel();
  if (on_shutdown_) on_shutdown_();
  if (server_ == nullptr) return;
  server_->stop_listening();
  // Delayed REST answers (timeout fault) are answered now rather than left hanging.
  for (auto& [id, timer] : delayed_replies_) {
    timer->cancel();
    send_http(id, HttpReply{503, R"({"code":-1001,"msg":"Server is shutting down."})", {}});
  }
  for (const auto& [id, symbol] : waiting_for_replay_snapshot_) {
    send_http(id, HttpReply{503, R"({"code":-1001,"msg":"Server is shutting down."})", {}});
  }
  waiting_for_replay_snapshot_.clear();
  for (auto& [id, session] : sessions_) {
    if (session.can_send()) close_session(session, 1001, "server shutting down");
  }
}

void Exchange::schedule_generation(Clock::time_point when) {
  if (shutting_down_) return;
  // Only the latest request counts: an epoch check retires posted runs, expires_at() cancels waits.
  const std::uint64_t epoch = ++generation_epoch_;
  if (when <= Clock::now()) {
    // Continuing at once goes through the ready queue: a timer costs a timerfd syscall per round.
    generation_timer_.cancel();
    asio::post(io_, [this, epoch] {
      if (epoch == generation_epoch_) run_generation();
    });
    return;
  }
  generation_timer_.expires_at(when);
  generation_timer_.async_wait([this, epoch](const asio::error_code& error) {
    if (!error && epoch == generation_epoch_) run_generation();
  });
}

Exchange::Pace Exchange::unpaced_state(const SymbolFeed& feed) const {
  // At --rate 0 events go out as fast as the slowest subscriber reads: no subscriber, no events.
  Pace pace = Pace::idle;
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    const ClientSession& session = *subscriber.session;
    // A stalled subscriber counts (it must miss events) but never holds generation back.
    if (!session.can_send()) continue;
    if (server_->buffered_amount(session.id) > options_.pacing_buffer_bytes) return Pace::backlog;
    pace = Pace::go;
  }
  return pace;
}

void Exchange::run_generation() {
  if (paused_ || generation_stopped_ || shutting_down_ || replay_) return;
  const auto now = Clock::now();
  if (options_.duration_sec > 0 && now - started_at_ >= seconds(options_.duration_sec)) {
    generation_stopped_ = true;
    return;
  }
  std::optional<Clock::time_point> next_wake;
  auto wake_at = [&](Clock::time_point when) {
    next_wake = next_wake ? std::min(*next_wake, when) : when;
  };
  for (auto& feed_ptr : feeds_) {
    SymbolFeed& feed = *feed_ptr;
    if (!feed.started() || feed.finished() || !feed.trading()) continue;
    auto reached_limit = [&] {
      if (options_.max_events > 0 && feed.book().events_generated() >= options_.max_events)
        feed.finish();
      return feed.finished();
    };
    if (feed.rate() > 0) {
      const std::uint64_t due = feed.events_due(now, feed.rate());
      std::uint64_t made = 0;
      while (feed.book().events_generated() < due && made < kMaxBurst && !reached_limit()) {
        generate_event(feed);
        ++made;
      }
      // Above ~1,000 events/s the next event is due sooner than a timer round trip costs: wake
      // at most once a millisecond and generate what fell due (at 150k/s one wake per event
      // delivered only ~4.5k/s).
      if (!reached_limit()) {
        wake_at(made == kMaxBurst ? now
                                  : std::max(feed.next_due_time(feed.rate()), now + kMinPacedWait));
      }
    } else {
      // A subscriber arriving reschedules generation (apply_subscriptions), so idle feeds sleep.
      std::size_t made = 0;
      Pace pace = Pace::idle;
      while (made < kUnpacedBatch && !reached_limit() && (pace = unpaced_state(feed)) == Pace::go) {
        generate_event(feed);
        ++made;
      }
      if (reached_limit()) continue;
      if (made == kUnpacedBatch) wake_at(now);
      if (pace == Pace::backlog) wake_at(now + kBackoffWhenPaced);
    }
  }
  if (options_.duration_sec > 0 && next_wake) wake_at(started_at_ + seconds(options_.duration_sec));
  if (next_wake && feeds_.size() > kManyFeeds) {
    next_wake = std::max(*next_wake, now + kMinRoundInterval);
  }
  if (next_wake) schedule_generation(*next_wake);
}

void Exchange::housekeeping() {
  if (shutting_down_) return;
  const auto now = Clock::now();
  if (options_.exit_after_sec > 0 && now - started_at_ >= seconds(options_.exit_after_sec)) {
    shutdown();
    return;
  }
  for (auto& [id, session] : sessions_) {
    if (session.can_send()) check_session_timers(session, now);
  }
  housekeeping_timer_.expires_after(kHousekeepingPeriod);
  housekeeping_timer_.async_wait([this](const asio::error_code& error) {
    if (!error) housekeeping();
  });
}

void Exchange::check_session_timers(ClientSession& session, Clock::time_point now) {
  if (now - session.opened_at >= seconds(options_.max_connection_age_sec)) {
    close_session(session, 1001, "max connection age");
    return;
  }
  if (session.awaited_pong && now - session.last_ping_at >= seconds(options_.pong_timeout_sec)) {
    close_session(session, 1008, "pong timeout");
    return;
  }
  if (server_->buffered_amount(session.id) > options_.slow_client_bytes) {
    close_session(session, 1008, "slow consumer");
    return;
  }
  // A stalled stream still pings, as Binance does: a live socket that delivers no data is what
  // a client's stall detection must catch.
  if (!session.awaited_pong && now - session.last_ping_at >= seconds(options_.ping_interval_sec)) {
    const std::string payload = std::to_string(exchange_now_ms());
    server_->ping(session.id, payload);
    session.awaited_pong = payload;
    session.last_ping_at = now;
    ++session.pings_sent;
    ++pings_sent_;
  }
}

void Exchange::close_session(ClientSession& session, std::uint16_t code,
                             const std::string& reason) {
  if (!session.can_send()) return;
  session.closing = true;
  session.close_reason = reason;
  server_->close(session.id, code, reason);
}

void Exchange::on_close(ConnectionId id) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  unindex_subscriptions(found->second);
  ClientSession session = std::move(found->second);
  sessions_.erase(found);
  session.open = false;
  session.unwritten.clear();  // still queued or in flight: never delivered
  if (session.close_reason.empty()) session.close_reason = "closed by peer";
  closed_sessions_[id] = std::move(session);
  while (closed_sessions_.size() > kClosedSessionsKept)
    closed_sessions_.erase(closed_sessions_.begin());
}

void Exchange::on_frames_written(ConnectionId id, std::size_t frames) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  ClientSession& session = found->second;
  for (; frames > 0 && !session.unwritten.empty(); --frames) {
    DepthProgress* depth = session.unwritten.front();
    session.unwritten.pop_front();
    ++session.frames_delivered;
    if (depth == nullptr) continue;
    ++depth->delivered;
    ++session.depth_events_delivered;
  }
}

bool Exchange::admit_incoming(ClientSession& session) {
  ++session.messages_received;
  const auto now = Clock::now();
  if (now - session.message_window_start >= std::chrono::seconds(1)) {
    session.message_window_start = now;
    session.messages_in_window = 0;
  }
  if (++session.messages_in_window <= options_.message_limit_per_sec) return true;
  ++message_limit_closes_;
  close_session(session, 1008, "Too many messages");
  return false;
}

}  // namespace depthsim

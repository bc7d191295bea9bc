// Engine::prepare(): the log, the subscription plan, a FeedSession per depth stream, the writer,
// the REST scheduler, and a WsClient + ConnectionSession per planned connection, connected by the
// hooks through which data flows one way.
#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "plan/paired_stream_rules.hpp"
#include "session/engine.hpp"
#include "session/market_endpoints.hpp"
#include "session/realtime_priority.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "session/redis_wiring.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"
#include "venues/binance/binance_endpoints.hpp"

namespace depthrec::session {
namespace {

namespace binance = venues::binance;

// The writer's stream ids: a subscription's StreamId n is n + 1 (0 is kConnectionsWriterId).
std::uint32_t writer_id(StreamId id) {
  return id.value + 1;
}

}  // namespace

std::vector<DepthWithTicker> pair_with_tickers(const plan::SubscriptionTable& table,
                                               const std::vector<StreamId>& ids,
                                               std::vector<StreamId>& unpaired) {
  std::map<std::pair<Market, std::string>, StreamId> tickers;
  for (StreamId id : ids) {
    const SubscriptionKey& key = table.key(id);
    if (key.channel.kind == ChannelKind::book_ticker)
      tickers.emplace(std::make_pair(key.market, key.symbol), id);
  }
  std::vector<DepthWithTicker> pairs;
  for (StreamId id : ids) {
    const SubscriptionKey& key = table.key(id);
    if (key.channel.kind == ChannelKind::book_ticker) continue;
    DepthWithTicker pair{id, std::nullopt};
    // The RPI book is a book of its own: a bookTicker tells the normal book's top.
    if (key.channel.kind == ChannelKind::rpi_depth) {
      pairs.push_back(pair);
      continue;
    }
    const auto ticker = tickers.find(std::make_pair(key.market, key.symbol));
    if (ticker != tickers.end()) {
      pair.ticker = ticker->second;
      tickers.erase(ticker);
    }
    pairs.push_back(pair);
  }
  for (const auto& [symbol, id] : tickers) unpaired.push_back(id);
  return pairs;
}

Engine::Engine(RecorderConfig config, UpdateConsumers consumers, LifecycleHooks lifecycle)
    : config_(std::move(config)),
      consumers_(std::move(consumers)),
      lifecycle_(std::move(lifecycle)) {}

Engine::~Engine() {
  if (print_thread_) print_thread_->finish();  // a print under way reads the streams
  // The clients' pending operations live in the loop: they go first (member order), and the
  // scheduler's worker may still post answers to the loop until it is stopped.
  if (rest_scheduler_) rest_scheduler_->stop();
}

void Engine::prepare() {
  if (std::string error = validate(config_); !error.empty()) throw std::runtime_error(error);
  require_realtime_priority_allowed(config_.realtime_priority);
  log_ = std::make_unique<TextLog>(text_log_config(config_, "MULTI"));  // logs/multi_<date>.log
  FrameParserLimits limits;
  limits.max_frame_bytes = config_.max_frame_bytes;
  parser_ = FrameParser(limits);
  loop_ = std::make_unique<transport::NetworkLoop>();

  transport::RestClientConfig rest;
  rest.ca_file = config_.ca_file;
  rest.timeout = config_.rest_timeout;
  rest_scheduler_ =
      std::make_unique<transport::RestScheduler>(rest, recorder_rest_budgets(config_));
  if (config_.symbol_selection.has_all()) resolve_symbols();
  observe_parquet_book(parquet_, config_, *observers_);  // before the streams take their observers
  build_streams();
  warn_if_nothing_to_repair();
  build_writer();
  build_connections();
}

void Engine::build_streams() {
  venues::VenueOptions options;
  options.futures_streams_per_connection = config_.futures_streams_per_connection;
  options.spot_streams_per_connection = config_.spot_streams_per_connection;
  for (Market market : {Market::spot, Market::usdm, Market::coinm})
    options.ws_endpoint(market) = ws_endpoint_of(config_, market);
  if (std::string error = venues::validate(options); !error.empty())
    throw std::runtime_error(error);
  rules_ = std::make_shared<const plan::PairedStreamRules>(options);
  planner_ = std::make_unique<plan::ConnectionPlanner>(rules_);
  std::vector<SubscriptionKey> keys = config_.subscriptions;
  for (SubscriptionKey& key : keys) key.symbol = to_upper(key.symbol);
  const plan::PlanChange change = planner_->add(keys);
  if (!change.errors.empty()) {
    std::string message = "subscriptions refused:";
    for (const plan::KeyError& error : change.errors) message += " " + error.message + ";";
    message.pop_back();
    throw std::runtime_error(message);
  }
  check_filters(consumers_, keys);
  observers_->check_filters(keys);
  const plan::SubscriptionTable& table = planner_->table();
  // Each depth key is a stream of its own; a bookTicker key rides with its symbol's depth stream.
  std::vector<StreamId> ids;
  ids.reserve(keys.size());
  for (const SubscriptionKey& key : keys) {
    const StreamId id = *table.find(key);
    if (!is_event_channel(key.channel.kind)) {
      ids.push_back(id);
      continue;
    }
    // An event channel (trade, aggTrade) is a stream of its own, with its own handler.
    std::unique_ptr<EngineChannel> channel = make_channel(table.key(id));
    if (by_channel_id_.size() <= id.value) by_channel_id_.resize(id.value + 1, nullptr);
    by_channel_id_[id.value] = channel.get();
    channels_.push_back(std::move(channel));
  }
  std::vector<StreamId> unpaired;
  for (const DepthWithTicker& pair : pair_with_tickers(table, ids, unpaired)) {
    std::unique_ptr<EngineStream> stream = make_stream(table.key(pair.depth), pair.ticker);
    if (by_depth_id_.size() <= stream->depth_id.value)
      by_depth_id_.resize(stream->depth_id.value + 1, nullptr);
    by_depth_id_[stream->depth_id.value] = stream.get();
    streams_.push_back(std::move(stream));
  }
  if (!unpaired.empty()) {
    throw std::runtime_error("bookTicker of " + table.key(unpaired.front()).symbol +
                             " without its depth stream: this build records a bookTicker beside "
                             "its symbol's depth stream only");
  }
  prefetch_if_many_books();
  if (streams_.empty())
    throw std::runtime_error(channels_.empty()
                                 ? "no depth stream to record"
                                 : "no depth stream to record: this build records trade and "
                                   "aggTrade beside at least one depth stream");
}

std::unique_ptr<EngineChannel> Engine::make_channel(const SubscriptionKey& key) {
  const plan::SubscriptionTable& table = planner_->table();
  auto channel = std::make_unique<EngineChannel>();
  channel->id = *table.find(key);
  ChannelSetup setup;
  setup.key = key;
  setup.stream = std::string(table.name(channel->id));
  setup.writer_id = writer_id(channel->id);
  setup.klines_closed_only = config_.klines_closed_only;
  if (config_.write_files) {
    setup.hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
      return write(line, context, marker);
    };
  }
  setup.hooks.log = [this](LogLevel level, const std::string& message) {
    log_->log(level, message);
  };
  if (config_.repair_trades && key.channel.kind == ChannelKind::agg_trade)
    setup.hooks.fetch_agg_trades = agg_trades_fetcher(key);
  channel->handler = make_channel_handler(std::move(setup));
  if (!channel->handler)
    throw std::runtime_error(to_string(key) + ": no handler records this channel");
  channel->handler->set_observers(observers_->for_channel(
      key, StreamKey{key.market, key.symbol, std::string(table.name(channel->id))}));
  return channel;
}

std::unique_ptr<EngineStream> Engine::make_stream(const SubscriptionKey& key,
                                                  std::optional<StreamId> ticker_id) {
  const plan::SubscriptionTable& table = planner_->table();
  auto stream = std::make_unique<EngineStream>();
  stream->depth_id = *table.find(key);
  stream->ticker_id = ticker_id;
  stream->config = stream_config(config_, key, stream->ticker_id.has_value());
  if (std::string error = validate(stream->config); !error.empty())
    throw std::runtime_error(to_string(key) + ": " + error);
  FeedMetricsConfig metrics_config;
  metrics_config.window_sec = config_.print_interval_sec;
  stream->metrics = std::make_unique<FeedMetrics>(
      StreamKey{key.market, key.symbol, std::string(table.name(stream->depth_id))},
      transport::now_ns(), metrics_config);
  stream->budget = rest_scheduler_->find_budget(feed_rest_budget(stream->config).name).value();
  stream->feed =
      std::make_unique<FeedSession>(stream->config, *stream->metrics, stream_hooks(*stream));
  stream->feed->set_presync(PresyncOptions{config_.presync_tail, &presync_budget_});
  stream->feed->set_stream_ids(writer_id(stream->depth_id), stream->ticker_id
                                                                ? writer_id(*stream->ticker_id)
                                                                : writer_id(stream->depth_id));
  attach_consumers(*stream->feed, key, consumers_);
  stream->feed->set_observers(observers_->for_book(key, stream->metrics->key()));
  return stream;
}

void Engine::prefetch_if_many_books() {
  // A whole-market book is ~40 KB (800 levels a side): 32 of them fill this VM's 1 MiB L2, and
  // 1,500 (60 MB) are past its 32 MB L3. Measured at 1,500 books (bench/README.md); one book
  // stays in cache and its hot path would only pay the block searches twice.
  constexpr std::size_t kManyBooks = 32;
  const bool many = streams_.size() >= kManyBooks;
  for (const auto& stream : streams_) stream->feed->set_many_books(many);
}

void Engine::build_writer() {
  if (!config_.write_files) return;
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec)
    throw std::runtime_error("cannot create data directory " + config_.data_dir + ": " +
                             directory_problem(config_.data_dir, ec));
  data_dir_lock_ = std::make_unique<recording::DataDirLock>(config_.data_dir);
  // One depth stream keeps the single-symbol names (<symbol>_depth...); more share one prefix,
  // as does ALL whatever it resolves to: one layout whatever the exchange lists.
  const bool many = streams_.size() + channels_.size() > 1 || config_.symbol_selection.has_all();
  writer_ = make_writer(config_, streams_.front()->config.symbol, many ? kMultiStreamPrefix : "",
                        streams_.size() + channels_.size(), files_, csv_files_);
  redis_ =
      make_redis_publisher(config_, streams_.size() == 1 && !config_.symbol_selection.has_all());
  parquet_ = make_live_parquet(config_, *log_);
}

void Engine::build_connections() {
  // Every connection SUBSCRIBEs the streams beyond its URL through it (engine_opening.cpp); it
  // follows the symbol list only with --symbols ALL (start_follow).
  follow_ = std::make_unique<plan::SubscriptionFollow>(*planner_, rules_);
  for (const plan::PlannedConnection& planned : planner_->connections()) {
    // One that held the other half of a pair only carries nothing of its own.
    if (std::unique_ptr<EngineConnection> connection = make_connection(planned))
      connections_.push_back(std::move(connection));
  }
}

std::string Engine::url_of(const EngineConnection& connection) const {
  // Only the streams chosen for the URL (choose_url_streams): the rest are SUBSCRIBEd at open.
  std::vector<std::string> names;
  for (const EngineStream* stream : connection.in_url) {
    names.emplace_back(planner_->table().name(stream->depth_id));
    if (stream->ticker_id) names.emplace_back(planner_->table().name(*stream->ticker_id));
  }
  for (const EngineChannel* channel : connection.channels) {
    if (channel->in_url) names.emplace_back(planner_->table().name(channel->id));
  }
  const SubscriptionKey& first =
      planner_->table().key(connection.streams.empty() ? connection.channels.front()->id
                                                       : connection.streams.front()->depth_id);
  const binance::Route route = binance::route_of(first.market, first.channel.kind);
  const std::string base =
      binance::ws_base(ws_endpoint_of(config_, first.market), first.market, route);
  return names.empty() ? binance::live_stream_url(base) : binance::combined_stream_url(base, names);
}

std::unique_ptr<EngineConnection> Engine::make_connection(const plan::PlannedConnection& planned) {
  auto connection = std::make_unique<EngineConnection>();
  connection->planned_id = planned.id;
  for (StreamId id : planned.streams) {
    EngineStream* stream = id.value < by_depth_id_.size() ? by_depth_id_[id.value] : nullptr;
    // A bookTicker goes with its depth stream.
    if (stream != nullptr) {
      connection->streams.push_back(stream);
      stream->connection_id = planned.id;
    }
    if (EngineChannel* channel = channel_by_id(id)) {
      channel->in_url = true;  // a new connection names its channels in its URL
      connection->channels.push_back(channel);
    }
  }
  if (connection->streams.empty() && connection->channels.empty()) return nullptr;
  choose_url_streams(*connection);
  connection->url = url_of(*connection);

  ConnectionSessionConfig session_config;
  session_config.url = connection->url;
  session_config.join_deadline = config_.rollover_timeout * 2 / 3;
  session_config.connections_stream_id = kConnectionsWriterId;
  connection->session =
      std::make_unique<ConnectionSession>(std::move(session_config), connection_hooks(*connection));
  for (EngineStream* stream : connection->streams) {
    if (!connection->session->add_feed(*stream->feed))
      throw std::runtime_error("stream " + stream->feed->key().stream + " planned twice");
  }
  for (EngineChannel* channel : connection->channels) {
    if (!connection->session->add_channel(*channel->handler))
      throw std::runtime_error("stream " + channel->handler->stream() + " planned twice");
  }

  transport::WsClientConfig ws_config = ws_client_config(config_, connection->url);
  ws_config.jitter_seed = config_.jitter_seed == 0 ? 0 : config_.jitter_seed + planned.id;
  connection->ws =
      std::make_unique<transport::WsClient>(*loop_, ws_config, connection_events(*connection));
  allow_for_opening(*connection);
  return connection;
}

}  // namespace depthrec::session

// ReplayLineParser: one recording line -> one typed item. Raw and cryptofeed capture lines go
// through the FrameParser (the same code as the live path); NDJSON records are read with
// RapidJSON in situ (replay_ndjson_record.cpp).
#include <rapidjson/document.h>

#include "capture_line_prefix.hpp"
#include "depthrec/replay_reader.hpp"
#include "replay_ndjson_record.hpp"

namespace depthrec {
namespace {

// Binance stream names start with the lower-case symbol: "btcusdt@depth5@100ms" -> BTCUSDT.
void symbol_from_stream(std::string_view stream, std::string& out) {
  out = to_upper(stream.substr(0, stream.find('@')));
}

}  // namespace

std::string_view to_string(RecordingFormat format) {
  switch (format) {
    case RecordingFormat::raw_capture:
      return "raw";
    case RecordingFormat::depthrec_ndjson:
      return "ndjson";
    case RecordingFormat::cryptofeed_raw:
      return "cryptofeed";
  }
  return "unknown";
}

std::string_view to_string(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::ns:
      return "ns";
    case TimeUnit::us:
      return "us";
    case TimeUnit::ms:
      return "ms";
    case TimeUnit::s:
      return "s";
  }
  return "unknown";
}

std::string_view to_string(MarkerType type) {
  switch (type) {
    case MarkerType::gap:
      return "gap";
    case MarkerType::resync:
      return "resync";
    case MarkerType::connect:
      return "connect";
    case MarkerType::disconnect:
      return "disconnect";
  }
  return "unknown";
}

struct ReplayLineParser::Impl {
  FrameParser frame_parser;
  Frame frame;
  rapidjson::Document document;
  std::string symbol_scratch;
  std::string trade_scratch;

  std::string parse_capture(const std::string& line, ReplayItem& item);
  std::string parse_frame(std::string_view json, ReplayItem& item);
  std::string parse_rest_reply(const CaptureLinePrefix& prefix, ReplayItem& item);
  std::string parse_ndjson(std::string& line, ReplayItem& item);
};

ReplayLineParser::ReplayLineParser() : impl_(std::make_unique<Impl>()) {}
ReplayLineParser::~ReplayLineParser() = default;
ReplayLineParser::ReplayLineParser(ReplayLineParser&&) noexcept = default;
ReplayLineParser& ReplayLineParser::operator=(ReplayLineParser&&) noexcept = default;

std::string ReplayLineParser::parse(std::string& line, ReplayItem& item) {
  if (!impl_) impl_ = std::make_unique<Impl>();  // moved-from: usable again
  item.market.reset();
  item.symbol = {};
  item.stream = {};
  item.other_type = {};
  item.raw_json = {};
  item.has_trade = false;
  item.latency_event_ms.reset();
  item.latency_pipeline_ms.reset();
  item.has_kline = false;
  item.has_market_event = false;
  item.recv_ns = 0;
  item.time_unit = TimeUnit::ns;
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos) return "blank line";
  if (line[start] == '{') return impl_->parse_ndjson(line, item);
  return impl_->parse_capture(line, item);
}

std::string ReplayLineParser::Impl::parse_capture(const std::string& line, ReplayItem& item) {
  CaptureLinePrefix prefix;
  std::string error = parse_capture_prefix(line, prefix);
  if (!error.empty()) return error;
  item.format = prefix.format;
  item.recv_ns = prefix.recv_ns;
  item.time_unit = prefix.unit;
  item.raw_json = prefix.payload;
  item.type = ReplayItemType::other;
  switch (prefix.kind) {
    case CaptureLinePrefix::Kind::frame:
      return parse_frame(prefix.payload, item);
    case CaptureLinePrefix::Kind::rest_reply:
      return parse_rest_reply(prefix, item);
    case CaptureLinePrefix::Kind::connect:
      item.other_type = "connect";
      return {};
    case CaptureLinePrefix::Kind::request:
      item.other_type = "request";
      return {};
    case CaptureLinePrefix::Kind::configuration:
      item.other_type = "configuration";
      item.raw_json = {};
      return {};
  }
  return "unknown capture line";
}

std::string ReplayLineParser::Impl::parse_rest_reply(const CaptureLinePrefix& prefix,
                                                     ReplayItem& item) {
  // Only depth snapshots matter to a replay; other replies (exchangeInfo, ...) are kept as such.
  const bool depth_url = prefix.url.find("/depth") != std::string_view::npos;
  const ParseError error = parse_snapshot(prefix.payload, item.snapshot);
  if (error != ParseError::none) {
    if (depth_url) return "depth snapshot refused: " + std::string(to_string(error));
    item.other_type = "rest";
    return {};
  }
  // A snapshot belongs to the symbol it was fetched for; the URL is the one place that says so.
  symbol_scratch = symbol_from_url(prefix.url);
  item.symbol = symbol_scratch;
  item.type = ReplayItemType::snapshot;
  return {};
}

std::string ReplayLineParser::Impl::parse_frame(std::string_view json, ReplayItem& item) {
  const ParseError error = frame_parser.parse(json, frame);
  if (error != ParseError::none) {
    // Not a frame: the REST snapshot body may still be (a futures body has fields no frame has).
    if (parse_snapshot(json, item.snapshot) == ParseError::none) {
      item.type = ReplayItemType::snapshot;
      return {};
    }
    return "frame refused: " + std::string(to_string(error));
  }
  item.stream = frame.stream;
  switch (frame.type) {
    case FrameType::spot_partial_depth:
      if (frame.stream.empty()) {
        // A bare {"lastUpdateId","bids","asks"} in a capture is the REST snapshot body.
        const ParseError snapshot_error = parse_snapshot(json, item.snapshot);
        if (snapshot_error != ParseError::none) {
          return "snapshot refused: " + std::string(to_string(snapshot_error));
        }
        item.type = ReplayItemType::snapshot;
        return {};
      }
      symbol_from_stream(frame.stream, symbol_scratch);
      frame.depth.symbol = symbol_scratch;
      [[fallthrough]];
    case FrameType::depth_update:
      std::swap(item.depth, frame.depth);  // both keep their level capacity for reuse
      item.symbol = item.depth.symbol;
      item.type = ReplayItemType::depth;
      return {};
    case FrameType::book_ticker:
      item.ticker = frame.ticker;
      item.symbol = frame.ticker.symbol;
      item.type = ReplayItemType::ticker;
      return {};
    case FrameType::subscription_reply:
      item.other_type = "reply";
      break;
    case FrameType::server_event:
    case FrameType::other_event:
      item.other_type = frame.event_type;
      if (item.other_type == "trade" || item.other_type == "aggTrade") {
        const TradeKind kind = item.other_type == "trade" ? TradeKind::trade : TradeKind::agg_trade;
        item.has_trade =
            parse_trade_frame(json, kind, item.trade, trade_scratch) == ParseError::none;
        if (item.has_trade) item.symbol = item.trade.symbol;
      } else if (item.other_type == "kline") {
        item.has_kline = parse_kline_frame(json, item.kline, trade_scratch) == ParseError::none;
        if (item.has_kline) item.symbol = item.kline.symbol;
      } else if (item.other_type == "markPriceUpdate" || item.other_type == "forceOrder") {
        const MarketEventKind kind = item.other_type == "forceOrder" ? MarketEventKind::force_order
                                                                     : MarketEventKind::mark_price;
        item.has_market_event = parse_market_event_frame(json, kind, item.market_event,
                                                         trade_scratch) == ParseError::none;
        if (item.has_market_event) item.symbol = item.market_event.symbol;
      }
      break;
  }
  item.type = ReplayItemType::other;
  return {};
}

std::string ReplayLineParser::Impl::parse_ndjson(std::string& line, ReplayItem& item) {
  return parse_ndjson_record(line, document, item);
}

}  // namespace depthrec

#include "replay_feed.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "market_spec.hpp"

namespace depthsim {

namespace {

// Where the value of the top-level "data" member starts and ends in a combined frame.
bool find_data_span(std::string_view text, std::size_t& offset, std::size_t& length) {
  constexpr std::string_view kKey = "\"data\":";
  const std::size_t key = text.find(kKey);
  const std::size_t close = text.find_last_of('}');
  if (key == std::string_view::npos || close == std::string_view::npos || close <= key)
    return false;
  offset = key + kKey.size();
  while (offset < close && text[offset] == ' ') ++offset;
  length = close - offset;
  while (length > 0 && text[offset + length - 1] == ' ') --length;
  return length > 0 && text[offset] == '{';
}

// A reader item -> an item to serve; nullopt with `error` empty for lines with nothing to serve.
std::optional<ReplayItem> to_replay_item(const depthrec::ReplayItem& in, std::string& error) {
  error.clear();
  if (in.format == depthrec::RecordingFormat::depthrec_ndjson) {
    error = "a depthrec NDJSON record holds no frame as received: replay a raw capture";
    return std::nullopt;
  }
  ReplayItem item;
  item.recv_ns = in.recv_ns;
  item.text = std::string(in.raw_json);
  if (in.type == depthrec::ReplayItemType::snapshot) {
    item.is_snapshot = true;
    item.symbol = std::string(in.symbol);
    item.data_length = item.text.size();
    return item;
  }
  // cryptofeed's configuration header, connects, requests and other REST replies.
  if (in.format == depthrec::RecordingFormat::cryptofeed_raw && in.stream.empty()) {
    return std::nullopt;
  }
  if (in.stream.empty() || !find_data_span(item.text, item.data_offset, item.data_length)) {
    error =
        "neither a combined frame (a string \"stream\" and an object \"data\") nor a depth "
        "snapshot";
    return std::nullopt;
  }
  item.stream = std::string(in.stream);
  return item;
}

}  // namespace

std::optional<ReplayItem> ReplayFeed::parse_line(std::string_view line, std::string& error) {
  depthrec::ReplayLineParser parser;
  depthrec::ReplayItem item;
  std::string text(line);
  error = parser.parse(text, item);
  if (!error.empty()) return std::nullopt;
  return to_replay_item(item, error);
}

ReplayFeed ReplayFeed::load(const std::vector<std::string>& paths) {
  std::string error;
  const std::unique_ptr<depthrec::ReplayReader> reader = depthrec::ReplayReader::open(paths, error);
  if (!reader) throw std::runtime_error("cannot open replay file: " + error);
  ReplayFeed feed;
  depthrec::ReplayItem in;
  while (reader->next(in)) {
    std::optional<ReplayItem> item = to_replay_item(in, error);
    if (!error.empty()) {
      throw std::runtime_error(std::string(in.source) + ":" + std::to_string(in.line) + ": " +
                               error);
    }
    if (!item) continue;
    if (in.recv_ns > 0) ++feed.time_units_[static_cast<std::size_t>(in.time_unit)];
    if (!item->stream.empty() && std::find(feed.streams_.begin(), feed.streams_.end(),
                                           item->stream) == feed.streams_.end()) {
      feed.streams_.push_back(item->stream);
      const std::string symbol = to_upper_ascii(item->stream.substr(0, item->stream.find('@')));
      if (!feed.has_symbol(symbol)) feed.symbols_.push_back(symbol);
    }
    feed.items_.push_back(std::move(*item));
  }
  const depthrec::ReplayStats& stats = reader->stats();
  if (!stats.io_errors.empty()) throw std::runtime_error(stats.io_errors.front());
  if (stats.bad_lines > 0) {
    const depthrec::ReplayLineError& bad = stats.first_bad_lines.front();
    throw std::runtime_error(bad.source + ":" + std::to_string(bad.line) + ": " + bad.reason);
  }
  if (feed.streams_.empty()) {
    throw std::runtime_error("replay file " + paths.front() + " holds no stream frames");
  }
  feed.attribute_snapshots();
  return feed;
}

void ReplayFeed::attribute_snapshots() {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    ReplayItem& item = items_[i];
    if (!item.is_snapshot) continue;
    if (item.symbol.empty()) {
      // A bare body: it can only be the capture's one symbol's; with several, never guessed.
      if (symbols_.size() != 1) {
        ++unattributed_snapshots_;
        continue;
      }
      item.symbol = symbols_.front();
    }
    snapshot_index_.emplace(item.symbol, i);  // the first one of each symbol
  }
}

bool ReplayFeed::has_symbol(const std::string& symbol) const {
  return std::find(symbols_.begin(), symbols_.end(), symbol) != symbols_.end();
}

std::string ReplayFeed::time_units() const {
  std::string text;
  for (std::size_t i = 0; i < time_units_.size(); ++i) {
    if (time_units_[i] == 0) continue;
    text += (text.empty() ? "" : ",") +
            std::string(depthrec::to_string(static_cast<depthrec::TimeUnit>(i)));
  }
  return text;
}

const ReplayItem* ReplayFeed::snapshot(const std::string& symbol) const {
  const auto found = snapshot_index_.find(symbol);
  return found == snapshot_index_.end() ? nullptr : &items_[found->second];
}

bool ReplayFeed::snapshot_reached(const std::string& symbol) const {
  const auto found = snapshot_index_.find(symbol);
  return found != snapshot_index_.end() && position_ > found->second;
}

bool ReplayFeed::every_snapshot_reached() const {
  return std::all_of(snapshot_index_.begin(), snapshot_index_.end(),
                     [this](const auto& entry) { return position_ > entry.second; });
}

}  // namespace depthsim

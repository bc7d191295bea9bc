#include "replay_feed.hpp"

#include <rapidjson/document.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <stdexcept>

#include "market_spec.hpp"

namespace depthsim {

namespace {

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

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
  return length > 0;
}

}  // namespace

std::optional<ReplayItem> ReplayFeed::parse_line(std::string_view line, std::string& error) {
  const std::size_t space = line.find(' ');
  ReplayItem item;
  if (space == std::string_view::npos) {
    error = "expected '<recv_ns> <json>'";
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(line.data(), line.data() + space, item.recv_ns);
  if (ec != std::errc() || end != line.data() + space) {
    error = "the receive time is not an integer";
    return std::nullopt;
  }
  item.text = std::string(line.substr(space + 1));
  rapidjson::Document document;
  document.Parse(item.text.data(), item.text.size());
  if (document.HasParseError() || !document.IsObject()) {
    error = "the item is not a JSON object";
    return std::nullopt;
  }
  auto stream = document.FindMember("stream");
  if (stream != document.MemberEnd()) {
    if (!stream->value.IsString() || !document.HasMember("data") || !document["data"].IsObject() ||
        !find_data_span(item.text, item.data_offset, item.data_length)) {
      error = "a combined frame needs a string \"stream\" and an object \"data\"";
      return std::nullopt;
    }
    item.stream = stream->value.GetString();
    return item;
  }
  if (document.HasMember("lastUpdateId") && document.HasMember("bids") &&
      document.HasMember("asks")) {
    item.is_snapshot = true;
    item.data_offset = 0;
    item.data_length = item.text.size();
    return item;
  }
  error = "neither a combined frame nor a depth snapshot";
  return std::nullopt;
}

ReplayFeed ReplayFeed::load(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) throw std::runtime_error("cannot open replay file " + path);
  gzbuffer(file.get(), 1 << 17);

  ReplayFeed feed;
  std::string pending;
  std::vector<char> chunk(1 << 17);
  std::size_t line_number = 0;
  auto take_line = [&](std::string_view line) {
    ++line_number;
    if (line.empty()) return;
    std::string error;
    std::optional<ReplayItem> item = parse_line(line, error);
    if (!item) throw std::runtime_error(path + ":" + std::to_string(line_number) + ": " + error);
    if (item->is_snapshot && !feed.snapshot_index_) feed.snapshot_index_ = feed.items_.size();
    if (!item->stream.empty() && std::find(feed.streams_.begin(), feed.streams_.end(),
                                           item->stream) == feed.streams_.end()) {
      feed.streams_.push_back(item->stream);
    }
    feed.items_.push_back(std::move(*item));
  };
  for (;;) {
    const int read = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (read < 0) {
      int code = 0;
      throw std::runtime_error("cannot read " + path + ": " + gzerror(file.get(), &code));
    }
    if (read == 0) break;
    pending.append(chunk.data(), static_cast<std::size_t>(read));
    std::size_t start = 0;
    for (std::size_t newline; (newline = pending.find('\n', start)) != std::string::npos;
         start = newline + 1) {
      take_line(std::string_view(pending).substr(start, newline - start));
    }
    pending.erase(0, start);
  }
  take_line(pending);
  if (feed.items_.empty()) throw std::runtime_error("replay file " + path + " holds no items");
  if (!feed.streams_.empty()) {
    const std::string& first = feed.streams_.front();
    feed.symbol_ = to_upper_ascii(first.substr(0, first.find('@')));
  }
  return feed;
}

}  // namespace depthsim

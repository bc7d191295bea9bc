// A recording of real Binance traffic (gzip, one "<recv_ns> <json>" line per item, as in
// /work/shared/data/real) loaded for replay: combined-stream frames kept byte for byte, plus the
// REST snapshot body recorded among them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace depthsim {

struct ReplayItem {
  std::int64_t recv_ns = 0;
  std::string text;             // the JSON exactly as recorded
  std::string stream;           // e.g. "btcusdt@depth@0ms"; empty for the snapshot
  std::size_t data_offset = 0;  // the payload ("data" value) inside text
  std::size_t data_length = 0;
  bool is_snapshot = false;

  std::string_view data() const { return std::string_view(text).substr(data_offset, data_length); }
};

class ReplayFeed {
 public:
  // Reads the whole file. Throws std::runtime_error naming the file and line on bad input.
  static ReplayFeed load(const std::string& path);
  // Parses one line (without the newline); nullopt with `error` set when it is not an item.
  static std::optional<ReplayItem> parse_line(std::string_view line, std::string& error);

  const std::vector<ReplayItem>& items() const { return items_; }
  const std::vector<std::string>& streams() const { return streams_; }  // in order of appearance
  const std::string& symbol() const { return symbol_; }  // upper case, from the streams
  std::optional<std::size_t> snapshot_index() const { return snapshot_index_; }

  // Replay cursor.
  bool started() const { return started_; }
  void start() { started_ = true; }
  std::size_t position() const { return position_; }
  void advance() { ++position_; }
  bool done() const { return position_ >= items_.size(); }
  bool snapshot_reached() const { return snapshot_index_ && position_ > *snapshot_index_; }
  const ReplayItem* snapshot() const {
    return snapshot_index_ ? &items_[*snapshot_index_] : nullptr;
  }

 private:
  std::vector<ReplayItem> items_;
  std::vector<std::string> streams_;
  std::string symbol_;
  std::optional<std::size_t> snapshot_index_;
  bool started_ = false;
  std::size_t position_ = 0;
};

}  // namespace depthsim

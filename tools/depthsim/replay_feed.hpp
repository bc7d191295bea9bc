// A capture of real Binance traffic loaded for replay, read by depthrec's own ReplayReader (the
// one depthrec-replay uses): hftbacktest `<recv_time> <json>` lines (receive times in ns, us, ms
// or s, told by their magnitude) or cryptofeed's raw capture with its companion file of REST
// replies, several files merged by receive time. Combined-stream frames are kept byte for byte,
// and REST depth snapshots by symbol: the one a cryptofeed REST URL names, or, for a bare body,
// the capture's only symbol (in a capture of several symbols a bare body is not guessed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/replay_reader.hpp"

namespace depthsim {

struct ReplayItem {
  std::int64_t recv_ns = 0;
  std::string text;             // the JSON exactly as recorded
  std::string stream;           // e.g. "btcusdt@depth@0ms"; empty for a snapshot
  std::size_t data_offset = 0;  // the payload ("data" value) inside text
  std::size_t data_length = 0;
  bool is_snapshot = false;
  std::string symbol;  // a snapshot's symbol (upper case); empty when nothing says

  std::string_view data() const { return std::string_view(text).substr(data_offset, data_length); }
};

class ReplayFeed {
 public:
  // Reads the whole capture (one file, or a capture and its companion files). Throws
  // std::runtime_error naming the file and line on bad input.
  static ReplayFeed load(const std::vector<std::string>& paths);
  static ReplayFeed load(const std::string& path) { return load(std::vector<std::string>{path}); }
  // Parses one line (without the newline); nullopt with `error` set when it is not an item to
  // serve (a depthrec NDJSON record, a frame of no combined stream, a bad line). Capture lines
  // with nothing to serve (cryptofeed's configuration, connects, requests) give nullopt and an
  // empty `error`.
  static std::optional<ReplayItem> parse_line(std::string_view line, std::string& error);

  const std::vector<ReplayItem>& items() const { return items_; }
  const std::vector<std::string>& streams() const { return streams_; }  // in order of appearance
  const std::vector<std::string>& symbols() const { return symbols_; }  // upper case, from streams
  const std::string& symbol() const { return symbols_.front(); }        // the first one
  bool has_symbol(const std::string& symbol) const;
  // Snapshots that name no symbol in a capture of several: served to no one.
  std::size_t unattributed_snapshots() const { return unattributed_snapshots_; }
  // Items by the unit of their recorded receive time (index: depthrec::TimeUnit), e.g. "us".
  std::string time_units() const;

  // Replay cursor.
  bool started() const { return started_; }
  void start() { started_ = true; }
  std::size_t position() const { return position_; }
  void advance() { ++position_; }
  bool done() const { return position_ >= items_.size(); }
  // The snapshot served for `symbol` (its first one), and whether the replay has passed it.
  const ReplayItem* snapshot(const std::string& symbol) const;
  bool snapshot_reached(const std::string& symbol) const;
  bool every_snapshot_reached() const;

 private:
  void attribute_snapshots();

  std::vector<ReplayItem> items_;
  std::vector<std::string> streams_;
  std::vector<std::string> symbols_;
  std::map<std::string, std::size_t> snapshot_index_;  // by symbol
  std::size_t unattributed_snapshots_ = 0;
  std::array<std::uint64_t, depthrec::kTimeUnits> time_units_{};
  bool started_ = false;
  std::size_t position_ = 0;
};

}  // namespace depthsim

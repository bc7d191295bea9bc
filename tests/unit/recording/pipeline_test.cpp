// The whole recording path on real Binance frames: FrameParser -> append_depth_record ->
// AsyncWriter -> GzipRotatingSink (size rotation), then read back two independent ways: zlib
// (levels verbatim, every segment a clean gzip) and the project's ReplayReader (ids in order).
#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <vector>

#include "depthrec/async_writer.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/records.hpp"
#include "depthrec/replay_reader.hpp"
#include "unit/recording/recording_test_support.hpp"

namespace depthrec {
namespace {

struct ExpectedEvent {
  std::uint64_t final_id = 0;
  std::string levels;  // "b":...,"a":... as the line must contain it
};

// Every depth frame of a real capture (`<recv_ns> <json>` lines), formatted as records.
std::vector<std::pair<std::string, ExpectedEvent>> real_depth_records(const char* file,
                                                                      const RecordContext& ctx) {
  std::vector<std::pair<std::string, ExpectedEvent>> records;
  const std::string path = std::string(DEPTHREC_REAL_DATA_DIR) + "/" + file;
  gzFile in = gzopen(path.c_str(), "rb");
  EXPECT_NE(in, nullptr) << path;
  if (in == nullptr) return records;
  std::vector<char> buffer(1 << 22);
  FrameParser parser;
  Frame frame;
  while (gzgets(in, buffer.data(), static_cast<int>(buffer.size())) != nullptr) {
    std::string_view text(buffer.data());
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    const std::size_t space = text.find(' ');
    const std::int64_t recv_ns = std::stoll(std::string(text.substr(0, space)));
    if (parser.parse(text.substr(space + 1), frame) != ParseError::none ||
        frame.type != FrameType::depth_update) {
      continue;
    }
    std::string line;
    const double latency = recv_ns / 1e6 - static_cast<double>(frame.depth.event_time_ms);
    append_depth_record(line, ctx, frame.depth, recv_ns, latency, 0.002);
    ExpectedEvent expected{frame.depth.final_id,
                           "\"b\":" + std::string(frame.depth.bids_json) +
                               ",\"a\":" + std::string(frame.depth.asks_json)};
    records.emplace_back(std::move(line), std::move(expected));
  }
  gzclose(in);
  return records;
}

TEST(RecordingPipeline, RealFramesRoundTripThroughWriterAndSegments) {
  const RecordContext ctx{Market::usdm, "BTCUSDT", "btcusdt@depth@0ms", 1};
  auto records = real_depth_records("usdm_btcusdt_20240718.gz", ctx);
  ASSERT_EQ(records.size(), 3326u) << "depth events in the capture (data/real/README.md)";

  testing::ScratchDir dir;
  GzipRotatingSinkConfig sink_config;
  sink_config.directory = dir.str();
  sink_config.symbol = "BTCUSDT";
  sink_config.rotate = RotateMode::size;
  sink_config.max_bytes = 256 * 1024;
  auto sink = std::make_unique<GzipRotatingSink>(sink_config);
  GzipRotatingSink* files = sink.get();
  AsyncWriterConfig writer_config;
  writer_config.queue_capacity = 4096;  // larger than the burst: nothing may be dropped
  std::uint64_t total_bytes = 0;
  GzipRotatingSinkStats stats;
  {
    AsyncWriter writer(std::move(sink), writer_config);
    for (auto& record : records) {
      total_bytes += record.first.size();
      std::string line = record.first;
      ASSERT_EQ(writer.try_push(line, ctx), AsyncWriter::PushResult::accepted);
    }
    writer.stop();
    EXPECT_EQ(writer.stats().written, records.size());
    stats = files->stats();  // the writer owns the sink: read it while the writer lives
  }
  EXPECT_EQ(stats.bytes_in, total_bytes);
  EXPECT_EQ(stats.write_errors, 0u);
  EXPECT_EQ(stats.segments_opened,
            (total_bytes + sink_config.max_bytes - 1) / sink_config.max_bytes);

  // zlib: every segment decodes completely, lines in order with their levels verbatim.
  std::string text;
  for (const auto& file : testing::sorted_files(dir.path())) {
    const auto content = testing::gunzip_file(file);
    EXPECT_LE(content.text.size(), sink_config.max_bytes) << file;
    text += content.text;
  }
  std::size_t offset = 0;
  for (const auto& [line, expected] : records) {
    const std::size_t end = text.find('\n', offset);
    ASSERT_NE(end, std::string::npos);
    const std::string_view written(text.data() + offset, end - offset + 1);
    ASSERT_EQ(written, line);
    ASSERT_NE(written.find(expected.levels + "}"), std::string_view::npos);
    offset = end + 1;
  }
  EXPECT_EQ(offset, text.size());

  // The project's reader sees the same events, in order, with nothing refused.
  std::string error;
  auto reader = ReplayReader::open(dir.str(), error);
  ASSERT_NE(reader, nullptr) << error;
  ReplayItem item;
  std::size_t depth_items = 0;
  while (reader->next(item)) {
    ASSERT_EQ(item.type, ReplayItemType::depth);
    ASSERT_LT(depth_items, records.size());
    EXPECT_EQ(item.depth.final_id, records[depth_items].second.final_id);
    ++depth_items;
  }
  EXPECT_EQ(depth_items, records.size());
  EXPECT_EQ(reader->stats().bad_lines, 0u);
  EXPECT_TRUE(reader->stats().truncated_sources.empty());
}

}  // namespace
}  // namespace depthrec

// Steady state means no allocation: the parser and the book reuse their buffers. Proved by
// counting every operator new in this test binary (unit/counting_new.hpp, test-only).
// AddressSanitizer owns operator new (memory from its new must not reach our free), so under
// ASan the replacement is left out and these tests skip: the plain build proves the property.
#include <gtest/gtest.h>

#include "depthrec/frame_parser.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/snapshot.hpp"
#include "real_recording.hpp"
#include "unit/counting_new.hpp"

namespace depthrec {
namespace {

std::vector<testing::RecordedLine> all_lines() {
  auto lines = testing::read_recording(testing::real_data_path("usdm_btcusdt_20240718.gz"));
  auto spot = testing::read_recording(testing::real_data_path("spot_btcusdt_20240808.gz"));
  lines.insert(lines.end(), std::make_move_iterator(spot.begin()),
               std::make_move_iterator(spot.end()));
  return lines;
}

TEST(Allocation, CounterSeesAllocations) {
  SKIP_UNLESS_COUNTING();
  const std::size_t before = allocation_count.load();
  auto vector = std::make_unique<std::vector<int>>(100);
  EXPECT_GE(allocation_count.load() - before, 2u);
}

TEST(Allocation, FrameParserDoesNotAllocateInSteadyState) {
  SKIP_UNLESS_COUNTING();
  const auto lines = all_lines();
  FrameParser parser;
  Frame frame;
  for (const auto& line : lines) ASSERT_EQ(parser.parse(line.json, frame), ParseError::none);

  const std::size_t before = allocation_count.load();
  std::size_t depth_frames = 0;
  for (const auto& line : lines) {
    if (parser.parse(line.json, frame) != ParseError::none) ADD_FAILURE();
    depth_frames += frame.type == FrameType::depth_update;
  }
  const std::size_t allocations = allocation_count.load() - before;
  EXPECT_EQ(depth_frames, 3326u + 3451u);
  EXPECT_EQ(allocations, 0u) << "over " << lines.size() << " frames";
}

TEST(Allocation, OrderBookDoesNotAllocateInSteadyState) {
  SKIP_UNLESS_COUNTING();
  const auto lines = testing::read_recording(testing::real_data_path("usdm_btcusdt_20240718.gz"));
  FrameParser parser;
  Frame frame;
  DepthSnapshot snapshot;
  std::vector<DepthUpdate> diffs;
  for (const auto& line : lines) {
    if (line.json.rfind("{\"lastUpdateId\"", 0) == 0) {
      ASSERT_EQ(parse_snapshot(line.json, snapshot), ParseError::none);
    } else if (parser.parse(line.json, frame) == ParseError::none &&
               frame.type == FrameType::depth_update &&
               frame.depth.final_id >= snapshot.last_update_id) {
      diffs.push_back(frame.depth);
    }
  }
  ASSERT_GT(diffs.size(), 3000u);
  OrderBook book;
  std::vector<PriceLevel> top_bids, top_asks;
  const auto replay = [&] {
    book.load(snapshot);
    for (const DepthUpdate& diff : diffs) {
      book.apply(diff);
      book.top(20, top_bids, top_asks);
    }
  };
  replay();  // grows the vectors to the working size
  const std::size_t before = allocation_count.load();
  replay();  // same levels again: capacity is reused
  EXPECT_EQ(allocation_count.load() - before, 0u);
  EXPECT_EQ(top_bids.size(), 20u);
}

}  // namespace
}  // namespace depthrec

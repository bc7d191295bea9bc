// The book-state sampling grid (model/book_sample_grid.hpp): UTC-aligned points, the state at a
// point taken before the first event after it, no points while the book is unsynced.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "model/book_sample_grid.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kGridMs = 1'000'000;
constexpr std::int64_t kGridBase = 1'721'260'800'000'000'000;  // 2024-07-18T00:00:00Z

std::vector<std::int64_t> grid_points_before(BookSampleGrid& grid, std::int64_t recv_ns) {
  std::vector<std::int64_t> points;
  if (grid.due(recv_ns)) grid.take_points(recv_ns, [&](std::int64_t p) { points.push_back(p); });
  return points;
}

TEST(BookSampleGrid, FirstPointIsTheOneAtOrAfterTheSyncingEvent) {
  BookSampleGrid grid(100 * kGridMs);
  EXPECT_FALSE(grid.armed());
  grid.synced(kGridBase + 1'050 * kGridMs);
  EXPECT_TRUE(grid.armed());
  // An event at the point itself belongs to it: the point is not due before it.
  EXPECT_FALSE(grid.due(kGridBase + 1'100 * kGridMs));
  EXPECT_EQ(grid_points_before(grid, kGridBase + 1'100 * kGridMs + 1),
            (std::vector<std::int64_t>{kGridBase + 1'100 * kGridMs}));

  BookSampleGrid on_point(100 * kGridMs);
  on_point.synced(kGridBase + 2'000 * kGridMs);
  EXPECT_EQ(grid_points_before(on_point, kGridBase + 2'000 * kGridMs + 1),
            (std::vector<std::int64_t>{kGridBase + 2'000 * kGridMs}));
}

TEST(BookSampleGrid, AQuietStretchGivesEveryPointItCovers) {
  BookSampleGrid grid(100 * kGridMs);
  grid.synced(kGridBase + 1'001 * kGridMs);
  EXPECT_TRUE(grid_points_before(grid, kGridBase + 1'050 * kGridMs).empty());
  EXPECT_EQ(grid_points_before(grid, kGridBase + 1'450 * kGridMs),
            (std::vector<std::int64_t>{kGridBase + 1'100 * kGridMs, kGridBase + 1'200 * kGridMs,
                                       kGridBase + 1'300 * kGridMs, kGridBase + 1'400 * kGridMs}));
  // Those points are taken: the next event before 1.5 s owes nothing.
  EXPECT_FALSE(grid.due(kGridBase + 1'499 * kGridMs));
  // A second synced() (the book stays valid) keeps the grid's place.
  grid.synced(kGridBase + 1'460 * kGridMs);
  EXPECT_EQ(grid_points_before(grid, kGridBase + 1'501 * kGridMs),
            (std::vector<std::int64_t>{kGridBase + 1'500 * kGridMs}));
}

TEST(BookSampleGrid, NoPointFallsInAnUnsyncedInterval) {
  BookSampleGrid grid(100 * kGridMs);
  grid.synced(kGridBase + 1'000 * kGridMs);
  EXPECT_EQ(grid_points_before(grid, kGridBase + 1'150 * kGridMs).size(), 2u);
  grid.unsynced();  // a gap at 1.15 s
  EXPECT_FALSE(grid.armed());
  EXPECT_FALSE(grid.due(kGridBase + 9'000 * kGridMs));
  EXPECT_TRUE(grid_points_before(grid, kGridBase + 9'000 * kGridMs).empty());
  // Resynced at 1.73 s: 1.2 .. 1.7 s get nothing, the next point is 1.8 s.
  grid.synced(kGridBase + 1'730 * kGridMs);
  EXPECT_EQ(grid_points_before(grid, kGridBase + 2'000 * kGridMs),
            (std::vector<std::int64_t>{kGridBase + 1'800 * kGridMs, kGridBase + 1'900 * kGridMs}));
}

TEST(BookSampleGrid, IntervalsThatDoNotDivideASecondStayAlignedToTheEpoch) {
  BookSampleGrid grid(300 * kGridMs);
  grid.synced(1'000 * kGridMs + 1);  // 1.000000001 s: next multiple of 0.3 s is 1.2 s
  EXPECT_EQ(grid_points_before(grid, 1'500 * kGridMs + 1),
            (std::vector<std::int64_t>{1'200 * kGridMs, 1'500 * kGridMs}));
  BookSampleGrid negative(300 * kGridMs);
  negative.synced(-100 * kGridMs);
  EXPECT_EQ(grid_points_before(negative, 1), (std::vector<std::int64_t>{0}));
}

}  // namespace
}  // namespace depthrec

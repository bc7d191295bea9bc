// The recorder's live `book` dataset (depthrec --parquet DIR --parquet-book-levels 5
// --parquet-book-every 100ms) against depthsim with an injected sequence gap, read back by
// hyparquet and DuckDB and compared with depthrec-export --book-levels 5 --book-every 100ms run on
// the NDJSON recording of the same run: the two sample the same grid of receive times with the
// same rules, so every grid point both cover holds the same row. Edge rows only the export has:
// after a (re)sync the export's book is valid from the snapshot record, the recorder's sampler
// from the first update it applies after it (its observer sees updates, not snapshots), so a
// point between the two is the export's alone; and the export samples up to the recording's
// last item, the recorder only until its last update before the stop.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "e2e_support.hpp"
#include "engine_e2e_support.hpp"
#include "export_support.hpp"
#include "harness.hpp"
#include "reader_support.hpp"

namespace itest::parquet_readers::live_book_states_test {
namespace {

constexpr std::int64_t kBookGridNs = 100'000'000;

// The unsynced intervals depthrec-export lists ("(begin..end ns): no book rows").
std::vector<std::pair<std::int64_t, std::int64_t>> listed_unsynced(const std::string& output) {
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
  for (std::size_t at = output.find(" ns): no book rows"); at != std::string::npos;
       at = output.find(" ns): no book rows", at + 1)) {
    const std::size_t open = output.rfind('(', at);
    long long begin = 0, end = 0;
    if (std::sscanf(output.c_str() + open, "(%lld..%lld", &begin, &end) == 2)
      intervals.emplace_back(begin, end);
  }
  return intervals;
}

class LiveBookStates : public LiveParquetTest {};

TEST_F(LiveBookStates, GridRowsEqualTheExportsAndNoneFallWhileUnsynced) {
  constexpr std::uint64_t kEvents = 500;  // 2.5 s at 200/s
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "16"});
  const std::string live = dir_ + "/live";
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "usdm", "--streams", "depth@100ms",
                           "--parquet", live, "--parquet-book-levels", "5", "--parquet-book-every",
                           "100ms", "--print-interval", "1"});
  // Once synced, a gap whose resync snapshot fails once (HTTP 500, retried after 400 ms): the
  // book is unsynced across several grid points.
  ASSERT_TRUE(wait_until([&] { return sim_generated(sim, "BTCUSDT", kEvents / 3); },
                         std::chrono::seconds(60)))
      << run.process->output();
  ASSERT_TRUE(sim.get("/sim/fault?kind=rest_500&count=1"));
  ASSERT_TRUE(sim.get("/sim/fault?kind=gap&symbol=BTCUSDT"));
  EXPECT_TRUE(
      wait_until([&] { return sim_generated(sim, "BTCUSDT", kEvents); }, std::chrono::seconds(60)))
      << run.process->output();
  ASSERT_TRUE(wait_for_resyncs(run, 1)) << "the gap makes a resync";
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "dropped"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "rows_refused"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "parquet", "files_failed"), 0u);

  const std::string exported = dir_ + "/export";
  const ExportRun exporter =
      run_export({"-o", exported, "--book-levels", "5", "--book-every", "100ms", run.data_dir()});
  ASSERT_EQ(exporter.exit_code, 0) << exporter.output;
  const auto unsynced = listed_unsynced(exporter.output);
  ASSERT_GE(unsynced.size(), 2u) << "before the first sync and at the gap:\n" << exporter.output;
  // The failed snapshot leaves the book unsynced across grid points: the check below has teeth.
  const auto grid_points_in = [](const std::pair<std::int64_t, std::int64_t>& interval) {
    return (interval.second - 1) / kBookGridNs - (interval.first - 1) / kBookGridNs;
  };
  std::int64_t unsynced_points_after_first_sync = 0;
  for (std::size_t i = 1; i < unsynced.size(); ++i)
    unsynced_points_after_first_sync += grid_points_in(unsynced[i]);
  EXPECT_GE(unsynced_points_after_first_sync, 1) << exporter.output;

  for (const Reader reader : kReaders) {
    const Dump live_book = read_channel(reader, live, "book");
    const Dump export_book = read_channel(reader, exported, "book");
    ASSERT_EQ(live_book.error, "") << name(reader);
    ASSERT_EQ(export_book.error, "") << name(reader);
    EXPECT_EQ(live_book.column_names, export_book.column_names) << name(reader);
    ASSERT_EQ(live_book.column_names.size(), 3u + 4u * 5u);
    std::map<std::string, const Row*> export_at;  // by sample_time (DuckDB: microseconds)
    for (const Row& row : export_book.rows) export_at[*row[0]] = &row;

    std::size_t common = 0;
    std::int64_t previous = 0;
    for (const Row& row : live_book.rows) {
      ASSERT_TRUE(row[0]);
      const auto found = export_at.find(*row[0]);
      ASSERT_NE(found, export_at.end())
          << name(reader) << ": live sample " << *row[0] << " is no grid point of the export";
      EXPECT_EQ(row, *found->second) << name(reader) << " at " << *row[0];
      ++common;
      // Nanoseconds (hyparquet) or microseconds (DuckDB): a multiple of the grid either way.
      const std::int64_t sample = std::stoll(*row[0]);
      const std::int64_t grid = reader == Reader::duckdb ? kBookGridNs / 1000 : kBookGridNs;
      EXPECT_EQ(sample % grid, 0) << *row[0];
      EXPECT_GT(sample, previous) << "one row per grid point, in order";
      previous = sample;
      // A time read back in microseconds (~1.8e15 in 2026) or already in nanoseconds (~1.8e18):
      // told by magnitude, so the conversion never overflows.
      const std::int64_t sample_ns = sample < 100'000'000'000'000'000 ? sample * 1000 : sample;
      for (const auto& [begin, end] : unsynced) {
        EXPECT_FALSE(sample_ns >= begin && sample_ns < end)
            << name(reader) << ": a row at " << sample_ns << " in unsynced " << begin << ".."
            << end;
      }
    }
    // 2.5 s of events on a 100 ms grid, less the edges and the resync.
    EXPECT_GE(common, 15u) << name(reader);
    report_figure(
        std::string("live book rows / export book rows (") + name(reader) + ")",
        std::to_string(live_book.rows.size()) + " / " + std::to_string(export_book.rows.size()));
  }
}

}  // namespace
}  // namespace itest::parquet_readers::live_book_states_test

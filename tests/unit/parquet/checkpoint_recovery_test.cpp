// Crash recovery of live Parquet files (parquet/checkpoint.hpp): a .tmp cut anywhere is either
// recovered to exactly the file a writer closed after the same complete row groups would have
// written, or kept as .partial; never a corrupt file under a name ending in .parquet.
#include "parquet/checkpoint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parquet/table_writer.hpp"
#include "parquet_tables/live_sink.hpp"

namespace depthrec::parquet {
namespace {

constexpr int kCheckpointRows = 100;

WriterOptions checkpoint_test_options() {
  WriterOptions options;
  options.row_group_bytes = 160;  // a few rows per group: many checkpoints
  options.page_bytes = 160;
  return options;
}

std::vector<ColumnSpec> checkpoint_test_schema() {
  return {int64_column("id"), string_column("note", /*optional=*/true)};
}

void append_checkpoint_test_row(TableWriter& writer, int row) {
  writer.set_int64(0, row * 7 - 300);
  if (row % 3 != 0) writer.set_bytes(1, "row " + std::to_string(row));
  ASSERT_TRUE(writer.end_row()) << writer.error();
}

// The bytes of a file closed after the first `rows` rows.
std::string closed_after_rows(int rows) {
  auto memory = std::make_unique<MemoryOutputFile>();
  MemoryOutputFile* raw = memory.get();
  TableWriter writer(std::move(memory), checkpoint_test_schema(), checkpoint_test_options());
  for (int row = 0; row < rows; ++row) append_checkpoint_test_row(writer, row);
  EXPECT_TRUE(writer.close()) << writer.error();
  return raw->bytes();
}

std::string slurp_checkpoint_test_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spill_checkpoint_test_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(FooterCheckpoint, MemoryCheckpointIsTheFileClosedAfterTheSameRowGroups) {
  auto memory = std::make_unique<MemoryOutputFile>();
  MemoryOutputFile* raw = memory.get();
  TableWriter writer(std::move(memory), checkpoint_test_schema(), checkpoint_test_options());
  std::uint64_t groups = 0;
  int checked = 0;
  for (int row = 0; row < kCheckpointRows; ++row) {
    EXPECT_EQ(raw->recoverable().empty(), groups == 0);
    append_checkpoint_test_row(writer, row);
    if (writer.row_groups() != groups) {
      groups = writer.row_groups();
      EXPECT_EQ(raw->recoverable(), closed_after_rows(row + 1)) << "after row " << row;
      ++checked;
    }
  }
  EXPECT_GE(checked, 5);
}

TEST(FooterCheckpoint, DecodeRefusesEveryCutAndEveryFlippedByte) {
  const std::string footer = closed_after_rows(3).substr(4);  // any bytes ending len + PAR1
  std::string tail = footer.substr(footer.size() - 40);
  const std::uint32_t length = 32;
  std::memcpy(&tail[tail.size() - 8], &length, 4);
  const std::string sidecar = encode_checkpoint(1234, tail);
  FooterCheckpoint decoded;
  std::string error;
  ASSERT_TRUE(decode_checkpoint(sidecar, decoded, error)) << error;
  EXPECT_EQ(decoded.data_end, 1234u);
  EXPECT_EQ(decoded.footer, tail);
  for (std::size_t cut = 0; cut < sidecar.size(); ++cut) {
    EXPECT_FALSE(decode_checkpoint(sidecar.substr(0, cut), decoded, error)) << cut;
  }
  for (std::size_t at = 0; at < sidecar.size(); ++at) {
    std::string flipped = sidecar;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    EXPECT_FALSE(decode_checkpoint(flipped, decoded, error)) << at;
  }
  EXPECT_FALSE(decode_checkpoint(encode_checkpoint(1234, "not a footer"), decoded, error));
  EXPECT_FALSE(decode_checkpoint(encode_checkpoint(2, tail), decoded, error));  // before PAR1
}

// Snapshots of a live file's .tmp and sidecar after each checkpoint, as a crash would leave them.
class CheckpointRecovery : public ::testing::Test {
 protected:
  struct Snapshot {
    int rows = 0;  // rows in the complete row groups
    std::string data, sidecar;
  };

  void SetUp() override {
    char pattern[] = "/tmp/checkpoint_recovery_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    partition_ = dir_ + "/channel=trade/market=usdm/symbol=BTCUSDT/date=2024-07-18";
    std::filesystem::create_directories(partition_);
    const std::string live = dir_ + "/live.parquet";
    std::string error;
    TableWriter writer(open_output_file(live, error, /*crash_checkpoints=*/true),
                       checkpoint_test_schema(), checkpoint_test_options(), error);
    for (int row = 0; row < kCheckpointRows; ++row) {
      const std::uint64_t groups = writer.row_groups();
      append_checkpoint_test_row(writer, row);
      if (writer.row_groups() != groups) {
        snapshots_.push_back({row + 1, slurp_checkpoint_test_file(live + ".tmp"),
                              slurp_checkpoint_test_file(live + ".tmp.footer")});
      }
    }
    ASSERT_TRUE(writer.close()) << writer.error();
    closed_ = slurp_checkpoint_test_file(live);
    EXPECT_FALSE(std::filesystem::exists(live + ".tmp.footer"));  // removed at close
    std::filesystem::remove(live);
    ASSERT_GE(snapshots_.size(), 5u);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Leaves `data` and `sidecar` (none if empty) as a crashed run's part-010000 and recovers.
  export_parquet::LeftoverFiles crash_and_recover(const std::string& data,
                                                  const std::string& sidecar) {
    spill_checkpoint_test_file(tmp(), data);
    if (!sidecar.empty()) spill_checkpoint_test_file(tmp() + ".footer", sidecar);
    return export_parquet::handle_leftover_temporaries(dir_);
  }
  std::string tmp() const { return partition_ + "/part-010000.parquet.tmp"; }
  std::string recovered() const { return partition_ + "/part-010000.recovered.parquet"; }
  std::string partial() const { return partition_ + "/part-010000.parquet.partial"; }

  std::vector<std::string> leftovers_in_partition() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(partition_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  void expect_recovered(const export_parquet::LeftoverFiles& result, int rows) {
    EXPECT_TRUE(result.errors.empty());
    EXPECT_TRUE(result.partial.empty());
    ASSERT_EQ(result.recovered, std::vector<std::string>{recovered()});
    EXPECT_EQ(slurp_checkpoint_test_file(recovered()), closed_after_rows(rows));
    EXPECT_EQ(leftovers_in_partition(), std::vector<std::string>{"part-010000.recovered.parquet"});
  }
  void expect_partial(const export_parquet::LeftoverFiles& result, const std::string& data) {
    EXPECT_TRUE(result.recovered.empty());
    ASSERT_EQ(result.partial, std::vector<std::string>{partial()});
    EXPECT_EQ(slurp_checkpoint_test_file(partial()), data);  // untouched
    EXPECT_EQ(leftovers_in_partition(), std::vector<std::string>{"part-010000.parquet.partial"});
  }

  std::string dir_, partition_, closed_;
  std::vector<Snapshot> snapshots_;
};

TEST_F(CheckpointRecovery, CutRightAfterACheckpointRecoversItsRowGroups) {
  const Snapshot& at = snapshots_[2];
  expect_recovered(crash_and_recover(at.data, at.sidecar), at.rows);
}

TEST_F(CheckpointRecovery, CutAnywhereInTheNextRowGroupRecoversTheCompleteOnes) {
  const Snapshot& at = snapshots_[1];
  const std::string& next = snapshots_[2].data;
  for (std::size_t cut = at.data.size() + 1; cut <= next.size(); cut += 7) {
    SCOPED_TRACE(cut);
    expect_recovered(crash_and_recover(next.substr(0, cut), at.sidecar), at.rows);
    std::filesystem::remove(recovered());
  }
}

TEST_F(CheckpointRecovery, CutInTheClosingFooterRecoversTheLastCheckpoint) {
  const Snapshot& last = snapshots_.back();
  ASSERT_GT(closed_.size(), last.data.size());
  for (std::size_t cut : {last.data.size() + 1, (last.data.size() + closed_.size()) / 2,
                          closed_.size() - 1, closed_.size()}) {
    SCOPED_TRACE(cut);
    expect_recovered(crash_and_recover(closed_.substr(0, cut), last.sidecar), last.rows);
    std::filesystem::remove(recovered());
  }
}

TEST_F(CheckpointRecovery, BeforeTheFirstRowGroupOrWithoutSidecarItStaysPartial) {
  expect_partial(crash_and_recover("PAR1", ""), "PAR1");
  std::filesystem::remove(partial());
  expect_partial(crash_and_recover(snapshots_[3].data, ""), snapshots_[3].data);
}

TEST_F(CheckpointRecovery, CorruptOrMismatchedSidecarLeavesItPartial) {
  const Snapshot& at = snapshots_[2];
  std::string flipped = at.sidecar;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 1);
  const std::string shorter = snapshots_[1].data;  // the sidecar points past its end
  std::string not_parquet = at.data;
  not_parquet[0] = 'X';
  for (const auto& [data, sidecar] :
       std::vector<std::pair<std::string, std::string>>{{at.data, flipped},
                                                        {at.data, at.sidecar.substr(0, 30)},
                                                        {shorter, at.sidecar},
                                                        {not_parquet, at.sidecar}}) {
    expect_partial(crash_and_recover(data, sidecar), data);
    std::filesystem::remove(partial());
  }
}

TEST_F(CheckpointRecovery, RecoveryInterruptedBeforeItsRenameRepeatsToTheSameFile) {
  const Snapshot& at = snapshots_[3];
  const std::string cut_mid_group = snapshots_[4].data.substr(0, at.data.size() + 5);
  spill_checkpoint_test_file(tmp(), cut_mid_group);
  spill_checkpoint_test_file(tmp() + ".footer", at.sidecar);
  // What a crash between the append and the rename leaves: the cut file with its footer.
  std::string error;
  ASSERT_EQ(recover_temporary(tmp(), tmp() + ".moved", error), RecoveryOutcome::recovered);
  std::filesystem::rename(tmp() + ".moved", tmp());
  spill_checkpoint_test_file(tmp() + ".footer", at.sidecar);
  expect_recovered(export_parquet::handle_leftover_temporaries(dir_), at.rows);
}

TEST_F(CheckpointRecovery, OrphanSidecarIsRemovedAndNamesAreNotReused) {
  spill_checkpoint_test_file(partition_ + "/part-000000.parquet.tmp.footer", snapshots_[0].sidecar);
  const export_parquet::LeftoverFiles result =
      crash_and_recover(snapshots_[0].data, snapshots_[0].sidecar);
  EXPECT_EQ(result.recovered.size(), 1u);
  EXPECT_EQ(leftovers_in_partition(), std::vector<std::string>{"part-010000.recovered.parquet"});
}

}  // namespace
}  // namespace depthrec::parquet

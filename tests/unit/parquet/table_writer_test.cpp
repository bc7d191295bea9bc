// The writer's file layout, statistics and failure behaviour. Values are read back by
// independent readers in tests/integration/parquet_readers_e2e_test.cpp.
#include "parquet/table_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "parquet/column_chunk.hpp"

namespace depthrec::parquet {
namespace {

std::uint32_t footer_length(const std::string& file) {
  std::uint32_t length = 0;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  return length;
}

std::string little_endian(std::int64_t value) {
  std::string out(8, '\0');
  std::memcpy(out.data(), &value, 8);
  return out;
}

// A file that accepts `limit` bytes, then fails like a full disk.
class FullDisk final : public OutputFile {
 public:
  explicit FullDisk(std::size_t limit) : limit_(limit) {}
  bool write(std::string_view bytes) override {
    if (size_ + bytes.size() > limit_) {
      error_ = "No space left on device";
      return false;
    }
    size_ += bytes.size();
    return true;
  }
  bool checkpoint(std::string_view) override { return error_.empty(); }
  bool commit() override { return (committed_ = error_.empty()); }
  void discard() override { discarded_ = true; }
  std::size_t position() const override { return size_; }
  const std::string& error() const override { return error_; }
  bool committed_ = false;
  bool discarded_ = false;

 private:
  std::size_t limit_;
  std::size_t size_ = 0;
  std::string error_;
};

TEST(TableWriter, FileIsMagicPagesFooterLengthMagic) {
  auto memory = std::make_unique<MemoryOutputFile>();
  MemoryOutputFile* file = memory.get();
  TableWriter writer(std::move(memory), {int64_column("id"), string_column("side", true)}, {});
  writer.set_int64(0, 7);
  writer.set_bytes(1, "bid");
  ASSERT_TRUE(writer.end_row());
  writer.set_int64(0, 8);
  ASSERT_TRUE(writer.end_row());  // side left null
  ASSERT_TRUE(writer.close()) << writer.error();
  const std::string& bytes = file->bytes();
  ASSERT_TRUE(file->committed());
  ASSERT_GT(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
  const std::uint32_t length = footer_length(bytes);
  ASSERT_LT(length, bytes.size() - 12);
  // FileMetaData starts with field 1 (version, i32) = 1: header 0x15, zigzag(1) = 0x02.
  const std::string footer = bytes.substr(bytes.size() - 8 - length, length);
  EXPECT_EQ(footer.substr(0, 2), std::string("\x15\x02", 2));
  EXPECT_NE(footer.find("depthrec"), std::string::npos);
  EXPECT_EQ(writer.rows(), 2u);
  EXPECT_EQ(writer.row_groups(), 1u);
}

TEST(TableWriter, RowGroupsSplitAtTheConfiguredSize) {
  WriterOptions options;
  options.row_group_bytes = 800;  // 100 INT64 values
  options.page_bytes = 160;
  TableWriter writer(std::make_unique<MemoryOutputFile>(), {int64_column("v")}, options);
  for (int i = 0; i < 250; ++i) {
    writer.set_int64(0, i);
    ASSERT_TRUE(writer.end_row());
  }
  ASSERT_TRUE(writer.close());
  EXPECT_EQ(writer.row_groups(), 3u);  // 100 + 100 + 50
}

TEST(TableWriter, SignedStatisticsOrderNegativesFirst) {
  ColumnChunk chunk(decimal_column("price", 18, 2), 1 << 20);
  chunk.append_int64(-5);
  chunk.append_int64(3);
  chunk.append_int64(-100);
  PageCodec codec(Codec::zstd, 3);
  FinishedChunk out;
  std::string error;
  ASSERT_TRUE(chunk.take(codec, out, error)) << error;
  ASSERT_TRUE(out.statistics.has_min_max);
  EXPECT_EQ(out.statistics.min_value, little_endian(-100));
  EXPECT_EQ(out.statistics.max_value, little_endian(3));
  EXPECT_EQ(out.num_values, 3);
}

TEST(TableWriter, StringStatisticsCompareUnsignedBytes) {
  ColumnChunk chunk(string_column("s", true), 1 << 20);
  chunk.append_bytes("\xC3\xA9");  // é: above every ASCII byte unsigned, below signed
  chunk.append_bytes("z");
  chunk.append_null();
  PageCodec codec(Codec::uncompressed, 0);
  FinishedChunk out;
  std::string error;
  ASSERT_TRUE(chunk.take(codec, out, error));
  EXPECT_EQ(out.statistics.min_value, "z");
  EXPECT_EQ(out.statistics.max_value, "\xC3\xA9");
  EXPECT_EQ(out.statistics.null_count, 1);
}

TEST(TableWriter, RefusesNullInRequiredAndWrongTypes) {
  TableWriter writer(std::make_unique<MemoryOutputFile>(), {int64_column("id")}, {});
  writer.set_bytes(0, "x");
  EXPECT_FALSE(writer.end_row());
  EXPECT_NE(writer.error().find("is INT64, a BYTE_ARRAY value refused"), std::string::npos);
  TableWriter second(std::make_unique<MemoryOutputFile>(), {int64_column("id")}, {});
  EXPECT_FALSE(second.end_row());
  EXPECT_NE(second.error().find("id not set"), std::string::npos);
  EXPECT_FALSE(second.close());
}

TEST(TableWriter, DecimalBeyondInt64IsRefused) {
  TableWriter writer(std::make_unique<MemoryOutputFile>(), {decimal_column("q", 22, 8)}, {});
  EXPECT_FALSE(writer.close());
  EXPECT_NE(writer.error().find("DECIMAL(22,8) does not fit INT64"), std::string::npos);
}

TEST(TableWriter, FullDiskFailsCloseAndDiscards) {
  auto disk = std::make_unique<FullDisk>(64);
  FullDisk* raw = disk.get();
  TableWriter writer(std::move(disk), {int64_column("v")}, {});
  for (int i = 0; i < 100; ++i) {
    writer.set_int64(0, i);
    ASSERT_TRUE(writer.end_row());
  }
  EXPECT_FALSE(writer.close());
  EXPECT_EQ(writer.error(), "No space left on device");
  EXPECT_FALSE(raw->committed_);
  EXPECT_TRUE(raw->discarded_);
}

class DiskFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parquet_writer_test." + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(DiskFiles, WrittenUnderTmpAndRenamedOnClose) {
  const std::string path = (dir_ / "part-0.parquet").string();
  std::string error;
  auto file = open_output_file(path, error);
  ASSERT_TRUE(file) << error;
  TableWriter writer(std::move(file), {int64_column("v")}, {});
  writer.set_int64(0, 1);
  ASSERT_TRUE(writer.end_row());
  EXPECT_TRUE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE(writer.close()) << writer.error();
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(DiskFiles, AbandonedWriterLeavesNoFile) {
  const std::string path = (dir_ / "part-0.parquet").string();
  {
    std::string error;
    TableWriter writer(open_output_file(path, error), {int64_column("v")}, {});
    writer.set_int64(0, 1);
    ASSERT_TRUE(writer.end_row());
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(DiskFiles, MissingDirectoryIsAClearError) {
  std::string error;
  const std::string path = (dir_ / "no" / "part-0.parquet").string();
  auto file = open_output_file(path, error);
  EXPECT_FALSE(file);
  EXPECT_NE(error.find("cannot create " + path + ".tmp: No such file or directory"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace depthrec::parquet

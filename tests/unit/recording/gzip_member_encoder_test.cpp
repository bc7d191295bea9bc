// GzipMemberEncoder (igzip at level 1, libdeflate at the others): every member it writes is read
// back byte-exact by zlib's inflate (an independent decoder that checks the gzip header, CRC32 and
// size trailer), alone and concatenated, at every level the recorder can be given; out-of-range
// levels are refused.
#include "recording/gzip_member_encoder.hpp"

#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "unit/recording/recording_test_support.hpp"

namespace depthrec::recording {
namespace {

using testing::gunzip_members;

// NDJSON shaped like the recorder's depth records, so the compressor sees realistic repetition.
std::string depth_like_lines(std::size_t min_bytes) {
  std::mt19937_64 random(42);
  std::string lines;
  for (std::uint64_t id = 1; lines.size() < min_bytes; ++id) {
    lines += R"({"recv_ns":)" + std::to_string(1'700'000'000'000'000'000ULL + id * 7919) +
             R"(,"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","u":)" +
             std::to_string(id) + R"(,"b":[)";
    for (int level = 0; level < 5; ++level) {
      if (level > 0) lines += ',';
      lines += "[\"" + std::to_string(60'000 + random() % 500) + ".10\",\"" +
               std::to_string(random() % 1000) + ".000\"]";
    }
    lines += "]}}\n";
  }
  return lines;
}

std::string random_bytes(std::size_t size) {
  std::mt19937 random(7);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random() & 0xFF);
  return bytes;
}

std::string one_member(int level, const std::string& input) {
  GzipMemberEncoder encoder(level);
  std::string out;
  EXPECT_TRUE(encoder.append_member(input, out));
  return out;
}

const std::vector<int> kLevels = {0, 1, 6, 9};

TEST(GzipMemberEncoder, EmptyInputIsAValidEmptyMember) {
  for (int level : kLevels) {
    const std::string member = one_member(level, "");
    EXPECT_GE(member.size(), 18u) << "level " << level;  // 10-byte header + 8-byte trailer
    const testing::GzipContent content = gunzip_members(member);
    EXPECT_EQ(content.members, 1) << "level " << level;
    EXPECT_EQ(content.text, "") << "level " << level;
  }
}

TEST(GzipMemberEncoder, RoundTripsSmallLargeAndIncompressibleInputs) {
  const std::vector<std::string> inputs = {"x", "{\"e\":\"depthUpdate\"}\n",
                                           depth_like_lines(1 << 20), random_bytes(1 << 20)};
  for (int level : kLevels) {
    for (const std::string& input : inputs) {
      const std::string member = one_member(level, input);
      const testing::GzipContent content = gunzip_members(member);
      EXPECT_EQ(content.members, 1) << "level " << level << ", " << input.size() << " bytes";
      EXPECT_TRUE(content.text == input) << "level " << level << ", " << input.size() << " bytes";
    }
  }
}

TEST(GzipMemberEncoder, LevelReachesTheCompressor) {
  const std::string text = depth_like_lines(256 << 10);
  const std::size_t stored = one_member(0, text).size();
  const std::size_t fastest = one_member(1, text).size();
  const std::size_t smallest = one_member(9, text).size();
  EXPECT_GE(stored, text.size());  // level 0 writes stored blocks
  EXPECT_LT(fastest * 3, text.size());
  EXPECT_LT(smallest, fastest);
}

TEST(GzipMemberEncoder, IncompressibleInputGrowsOnlyByFraming) {
  const std::string noise = random_bytes(1 << 20);
  const std::size_t size = one_member(1, noise).size();
  EXPECT_GE(size, noise.size());
  EXPECT_LT(size, noise.size() + noise.size() / 100);  // stored blocks: ~5 bytes per 64 KB
}

TEST(GzipMemberEncoder, AppendedMembersDecodeToTheConcatenation) {
  GzipMemberEncoder encoder(1);
  const std::vector<std::string> batches = {depth_like_lines(300'000), "", "last line\n",
                                            random_bytes(70'000), depth_like_lines(1000)};
  std::string file;
  std::string expected;
  for (const std::string& batch : batches) {
    const std::string before = file;
    ASSERT_TRUE(encoder.append_member(batch, file));
    EXPECT_EQ(file.compare(0, before.size(), before), 0) << "earlier members must stay intact";
    expected += batch;
  }
  const testing::GzipContent content = gunzip_members(file);
  EXPECT_EQ(content.members, static_cast<int>(batches.size()));
  EXPECT_TRUE(content.text == expected);
}

TEST(GzipMemberEncoder, ReusedOutputKeepsItsBuffer) {
  GzipMemberEncoder encoder(1);
  const std::string batch = depth_like_lines(1 << 20);
  std::string out;
  ASSERT_TRUE(encoder.append_member(batch, out));
  const std::string first = out;
  const char* buffer = out.data();
  out.clear();
  ASSERT_TRUE(encoder.append_member(batch, out));
  EXPECT_EQ(out.data(), buffer) << "a cleared output of enough capacity must not be reallocated";
  EXPECT_TRUE(out == first) << "the reused compressor must produce the same member";
}

std::uint32_t member_le32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

// Level 1 is igzip's: stream members of every size the sink makes (a quiet stream's one line to a
// hot stream's megabytes, past igzip's 64 K-token blocks), of lines and of noise (its stored-block
// fallback), each decode to their input, with the header's size and line count right.
TEST(GzipMemberEncoder, LevelOneStreamMembersOfEverySizeDecodeToTheirLines) {
  GzipMemberEncoder encoder(1);
  const std::string lines = depth_like_lines(2 << 20);
  const std::string noise = random_bytes(2 << 20);
  const std::vector<std::size_t> sizes = {0, 1, 300, 1000, 3000, 30'000, 70'000, 300'000, 2 << 20};
  std::string file;
  std::string expected;
  int members = 0;
  for (const std::string* source : {&lines, &noise}) {
    for (const std::size_t size : sizes) {
      const std::string input = source->substr(0, size);
      const std::size_t start = file.size();
      ASSERT_TRUE(encoder.append_stream_member(input, "btcusdt@depth@100ms", 7, file)) << size;
      EXPECT_EQ(member_le32(file, start + 16), file.size() - start) << size;
      EXPECT_EQ(member_le32(file, start + 20), 7u) << size;
      expected += input;
      ++members;
    }
  }
  const testing::GzipContent content = gunzip_members(file);
  EXPECT_EQ(content.members, members);
  EXPECT_TRUE(content.text == expected);
}

// igzip's level 1 trades a little size for CPU against libdeflate (bench/README.md: 5.6 % more
// bytes on a whole market's members): it must stay near level 2, never near stored blocks.
TEST(GzipMemberEncoder, LevelOneStaysWithinAFewPercentOfLevelTwo) {
  for (const std::size_t size : {std::size_t{2000}, std::size_t{20'000}, std::size_t{1} << 20}) {
    const std::string text = depth_like_lines(size);
    const std::size_t fastest = one_member(1, text).size();
    const std::size_t level_two = one_member(2, text).size();
    EXPECT_LT(fastest, level_two + level_two / 8) << size << " bytes of lines";
    EXPECT_LT(fastest * 2, text.size()) << size << " bytes of lines";
  }
}

// Level 1 picks its Huffman code by the member's size: static under 1 KiB, the code built from
// the first 1 MiB compressed (4 KiB of each member at most) up to 16 KiB, a dynamic one from there.
// Members on both sides of each bound, of lines and of noise, decode to their input before and
// after that code exists, also when it was built from noise.
TEST(GzipMemberEncoder, LevelOneMembersDecodeUnderEveryCodeChoice) {
  const std::string lines = depth_like_lines(64 << 10);
  const std::string noise = random_bytes(64 << 10);
  const std::vector<std::size_t> sizes = {1, 700, 1023, 1024, 5000, 16383, 16384, 40'000};
  for (const std::string* sample : {&lines, &noise}) {
    GzipMemberEncoder encoder(1);
    std::string file;
    std::string expected;
    int members = 0;
    const auto append_all = [&] {
      for (const std::string* source : {&lines, &noise}) {
        for (const std::size_t size : sizes) {
          const std::string input = source->substr(0, size);
          ASSERT_TRUE(encoder.append_stream_member(input, "btcusdt@depth@100ms", 1, file));
          expected += input;
          ++members;
        }
      }
    };
    append_all();  // before the code is built
    // The sample takes at most 4 KiB of a member: 257 such members complete its 1 MiB.
    const std::string piece = sample->substr(0, 4096);
    for (int i = 0; i < 257; ++i) {
      ASSERT_TRUE(encoder.append_member(piece, file));
      expected += piece;
      ++members;
    }
    append_all();  // with it
    const testing::GzipContent content = gunzip_members(file);
    EXPECT_EQ(content.members, members);
    EXPECT_TRUE(content.text == expected) << (sample == &lines ? "lines" : "noise") << " sample";
  }
}

// The code built from a recording's own lines keeps a mid-sized member near the size its own
// dynamic code gives (3-13 % larger on a whole market's members), far below stored blocks.
TEST(GzipMemberEncoder, BuiltCodeStaysNearTheDynamicCodeOnLikeLines) {
  const std::string sample = depth_like_lines(1 << 20);
  const std::string member = depth_like_lines(8000);
  GzipMemberEncoder encoder(1);
  std::string out;
  ASSERT_TRUE(encoder.append_member(member, out));  // no code built yet: the dynamic one
  const std::size_t dynamic_size = out.size();
  for (std::size_t at = 0; at + 4096 <= sample.size(); at += 4096) {  // 4 KiB a member sampled
    ASSERT_TRUE(encoder.append_member(std::string_view(sample).substr(at, 4096), out));
  }
  out.clear();
  ASSERT_TRUE(encoder.append_member(member, out));
  EXPECT_NE(out.size(), dynamic_size) << "the built code must be in use";
  EXPECT_LT(out.size(), dynamic_size + dynamic_size / 5);
  EXPECT_EQ(gunzip_members(out).text, member);
}

TEST(GzipMemberEncoder, RefusesLevelsOutsideZeroToNine) {
  EXPECT_THROW(GzipMemberEncoder(-1), std::invalid_argument);
  EXPECT_THROW(GzipMemberEncoder(10), std::invalid_argument);
  EXPECT_THROW(GzipMemberEncoder(12), std::invalid_argument);
  EXPECT_NO_THROW(GzipMemberEncoder(0));
  EXPECT_NO_THROW(GzipMemberEncoder(9));
}

}  // namespace
}  // namespace depthrec::recording

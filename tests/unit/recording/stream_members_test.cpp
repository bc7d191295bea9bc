// The segment layout for many streams (issue 12, item 5): one gzip member per stream and flush,
// each header naming its stream and giving its size, read whole by zlib (what zcat sees) and one
// stream at a time by StreamSegmentReader; the shared pending bound; crash truncation; garbage.
#include <cerrno>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "depthrec/async_writer.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/stream_segment_reader.hpp"
#include "recording/gzip_member_encoder.hpp"
#include "unit/recording/recording_test_support.hpp"

namespace depthrec {
namespace {

using testing::gunzip_file;
using testing::gunzip_members;
using testing::read_bytes;
using testing::ScratchDir;
using testing::sorted_files;
using Clock = std::chrono::system_clock;

const Clock::time_point kMembersStart = Clock::time_point(std::chrono::milliseconds(1795305540123));

GzipRotatingSinkConfig multi_config(const ScratchDir& dir) {
  GzipRotatingSinkConfig config;
  config.directory = dir.str();
  config.symbol = "BTCUSDT";
  config.file_prefix = kMultiStreamPrefix;
  config.clock = [] { return kMembersStart; };
  return config;
}

std::string stream_name(int s) {
  return "sym" + std::to_string(s) + "usdt@depth@100ms";
}

std::string line(int s, int i) {
  return "{\"type\":\"depth\",\"stream\":\"" + stream_name(s) + "\",\"i\":" + std::to_string(i) +
         "}\n";
}

// Writes `n` lines round-robin over `streams` streams; returns each stream's expected text and
// the whole text in write order.
struct Written {
  std::map<std::string, std::string> by_stream;
  std::string all;
};
Written write_round_robin(RecordSink& sink, int streams, int from, int to) {
  Written w;
  for (int i = from; i < to; ++i) {
    const int s = i % streams;
    const std::string text = line(s, i);
    const std::string name = stream_name(s);
    EXPECT_TRUE(sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), name}).ok());
    w.by_stream[name] += text;
    w.all += text;
  }
  return w;
}

// The directory's one segment, opened for reading (null, with a failed assertion, otherwise).
std::unique_ptr<StreamSegmentReader> open_only_segment(const ScratchDir& dir) {
  const auto files = sorted_files(dir.path());
  EXPECT_EQ(files.size(), 1u);
  if (files.size() != 1) return nullptr;
  std::string error;
  return StreamSegmentReader::open(files[0].string(), error);
}

// Each stream read back from its own members is exactly what was written to it.
void expect_each_stream_reads_back(StreamSegmentReader& reader, const Written& written) {
  for (const auto& [name, text] : written.by_stream) {
    std::string got;
    EXPECT_EQ(reader.read_stream(name, got), "");
    EXPECT_EQ(got, text) << name;
  }
}

// Lines of a text as a sorted multiset: zcat's order across streams is per flush, not global.
std::multiset<std::string> line_set(const std::string& text) {
  std::multiset<std::string> set;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    set.insert(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return set;
}

TEST(StreamMembers, OneMemberPerStreamAndFlushNamedAndSizedInItsHeader) {
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  const Written first = write_round_robin(sink, 3, 0, 30);
  ASSERT_TRUE(sink.flush().ok());
  const Written second = write_round_robin(sink, 3, 30, 36);
  ASSERT_TRUE(sink.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "multi_depth.20261121-235900Z.000001.ndjson.gz");

  // What zcat sees: every line, each stream's in order, streams grouped per flush.
  const auto whole = gunzip_file(files[0]);
  EXPECT_EQ(whole.members, 6);
  EXPECT_EQ(line_set(whole.text), line_set(first.all + second.all));

  std::string error;
  auto reader = StreamSegmentReader::open(files[0].string(), error);
  ASSERT_TRUE(reader) << error;
  const SegmentListing listing = reader->list();
  EXPECT_TRUE(listing.error.empty()) << listing.error;
  EXPECT_FALSE(listing.truncated);
  ASSERT_EQ(listing.members.size(), 6u);
  std::uint64_t offset = 0;
  for (std::size_t m = 0; m < listing.members.size(); ++m) {
    const SegmentMember& member = listing.members[m];
    EXPECT_EQ(member.stream, stream_name(static_cast<int>(m % 3))) << "streams in first-line order";
    EXPECT_EQ(member.offset, offset);
    EXPECT_EQ(member.lines, m < 3 ? 10u : 2u);
    EXPECT_TRUE(member.indexed);
    offset += member.size;
  }
  EXPECT_EQ(offset, listing.bytes) << "the sizes tile the file";
  for (int s = 0; s < 3; ++s) {
    std::string text;
    EXPECT_EQ(reader->read_stream(stream_name(s), text), "");
    EXPECT_EQ(text, first.by_stream.at(stream_name(s)) + second.by_stream.at(stream_name(s)));
  }
  std::string none;
  EXPECT_EQ(reader->read_stream("nosuch@depth", none), "");
  EXPECT_TRUE(none.empty());
}

TEST(StreamMembers, DenseAndVeryLargeStreamIdsEachKeepTheirOwnMembersAndCount) {
  // Small ids index a vector, large ones a map (gzip_rotating_sink.cpp): both are streams.
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  const std::uint32_t ids[] = {3, 0, 70000, UINT32_MAX};
  std::map<std::string, std::string> expected;
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 4; ++k) {
      const std::string text = line(k, round);
      ASSERT_TRUE(sink.write_stream(text, StreamTag{ids[k], stream_name(k)}).ok());
      expected[stream_name(k)] += text;
    }
  }
  EXPECT_EQ(sink.stats().streams, 4u);
  ASSERT_TRUE(sink.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  std::string error;
  auto reader = StreamSegmentReader::open(files[0].string(), error);
  ASSERT_TRUE(reader) << error;
  ASSERT_EQ(reader->list().members.size(), 4u);
  for (const auto& [name, text] : expected) {
    std::string read;
    EXPECT_EQ(reader->read_stream(name, read), "");
    EXPECT_EQ(read, text) << name;
  }
}

TEST(StreamMembers, ASingleStreamRunKeepsItsNameAndOneMemberPerFlush) {
  ScratchDir dir;
  auto config = multi_config(dir);
  config.file_prefix.clear();
  GzipRotatingSink sink(config);
  ASSERT_TRUE(sink.write_stream(line(0, 1), StreamTag{0, "btcusdt@depth@100ms"}).ok());
  ASSERT_TRUE(sink.write(line(0, 2)).ok()) << "untagged: stream 0, under its name";
  ASSERT_TRUE(sink.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "btcusdt_depth.20261121-235900Z.000001.ndjson.gz");
  EXPECT_EQ(gunzip_file(files[0]).text, line(0, 1) + line(0, 2));
  std::string error;
  auto listing = StreamSegmentReader::open(files[0].string(), error)->list();
  ASSERT_EQ(listing.members.size(), 1u);
  EXPECT_EQ(listing.members[0].stream, "btcusdt@depth@100ms");
  EXPECT_EQ(listing.members[0].lines, 2u);
}

// The sink reads a stream's name at the first line of each member only (not every line): a
// renamed stream carries its new name from its next member on, and no member mixes two names.
TEST(StreamMembers, AStreamsNameIsTakenAtTheFirstLineOfEachMember) {
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  ASSERT_TRUE(sink.write_stream(line(3, 1), StreamTag{3, "old@depth"}).ok());
  ASSERT_TRUE(sink.write_stream(line(3, 2), StreamTag{3, "new@depth"}).ok());
  ASSERT_TRUE(sink.flush().ok());
  ASSERT_TRUE(sink.write_stream(line(3, 3), StreamTag{3, "new@depth"}).ok());
  ASSERT_TRUE(sink.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 1u);
  std::string error;
  auto listing = StreamSegmentReader::open(files[0].string(), error)->list();
  ASSERT_EQ(listing.members.size(), 2u) << error;
  EXPECT_EQ(listing.members[0].stream, "old@depth");
  EXPECT_EQ(listing.members[0].lines, 2u);
  EXPECT_EQ(listing.members[1].stream, "new@depth");
  EXPECT_EQ(listing.members[1].lines, 1u);
  EXPECT_EQ(gunzip_file(files[0]).text, line(3, 1) + line(3, 2) + line(3, 3));
}

TEST(StreamMembers, InvalidPrefixIsRefused) {
  GzipRotatingSinkConfig config;
  config.file_prefix = "../x";
  EXPECT_THROW(GzipRotatingSink{config}, std::invalid_argument);
}

// A many-stream run in a directory of single-symbol segments continues their seq (never reuses
// a number, whatever the prefix), and its files are created with O_EXCL like theirs.
TEST(StreamMembers, AMultiStreamRunContinuesTheSeqOfEverySegmentInTheDirectory) {
  ScratchDir dir;
  {
    auto config = multi_config(dir);
    config.file_prefix.clear();
    GzipRotatingSink single(config);
    ASSERT_TRUE(single.write(line(0, 1)).ok());
    ASSERT_TRUE(single.close().ok());
  }
  std::filesystem::rename(dir.path() / "btcusdt_depth.20261121-235900Z.000001.ndjson.gz",
                          dir.path() / "btcusdt_depth.20261121-235900Z.000041.ndjson.gz");
  GzipRotatingSink multi(multi_config(dir));
  write_round_robin(multi, 2, 0, 4);
  ASSERT_TRUE(multi.close().ok());
  const auto files = sorted_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].filename(), "multi_depth.20261121-235900Z.000042.ndjson.gz");
  EXPECT_EQ(GzipRotatingSink::highest_segment_seq(dir.str()), 42u);
}

// Streams share one pending bound: past flush_threshold_bytes the largest streams become members
// until half of it is left; the quiet streams wait for the flush. Nothing is lost or reordered.
TEST(StreamMembers, PendingLinesOfAllStreamsShareOneBoundLargestFlushedFirst) {
  ScratchDir dir;
  auto config = multi_config(dir);
  config.flush_threshold_bytes = 4096;
  GzipRotatingSink sink(config);
  Written expected;
  std::uint64_t max_held = 0;
  for (int i = 0; i < 4000; ++i) {
    const int s = i % 10 == 0 ? 1 + (i / 10) % 50 : 0;  // stream 0 hot, 50 quiet ones
    const std::string text = line(s, i);
    ASSERT_TRUE(
        sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), stream_name(s)}).ok());
    expected.by_stream[stream_name(s)] += text;
    max_held = std::max(max_held, sink.stats().unwritten_bytes);
  }
  EXPECT_LT(max_held, config.flush_threshold_bytes + line(0, 0).size() + 8)
      << "pending bytes stay under the bound (checked after each write)";
  const auto stats = sink.stats();
  EXPECT_EQ(stats.streams, 51u);
  // The quiet streams' buffers keep at most 4 KiB each; the hot one at most the threshold.
  EXPECT_LE(stats.pending_buffer_bytes_max, 51u * 8192u);
  ASSERT_TRUE(sink.close().ok());
  auto reader = open_only_segment(dir);
  ASSERT_NE(reader, nullptr);
  const SegmentListing listing = reader->list();
  std::map<std::string, int> members;
  for (const auto& m : listing.members) ++members[m.stream];
  EXPECT_GT(members[stream_name(0)], 10) << "the hot stream was flushed early, many times";
  for (int s = 1; s <= 50; ++s) {
    EXPECT_LT(members[stream_name(s)] * 4, members[stream_name(0)])
        << "a quiet stream waits until the quiet ones together pass half the bound";
  }
  expect_each_stream_reads_back(*reader, expected);
}

// The default bound holds a whole-market second (~3 MiB of lines here) until the flush: one member
// per stream and flush, not the extra small members a 1 MiB bound cut from the hot streams (each
// a libdeflate call with a fixed cost).
TEST(StreamMembers, DefaultBoundKeepsOneMemberPerStreamAndFlushAtMarketRates) {
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  constexpr int kStreams = 64;
  constexpr int kSeconds = 3;
  Written expected;
  for (int second = 0; second < kSeconds; ++second) {
    std::uint64_t bytes = 0;
    for (int i = 0; bytes < (3u << 20); ++i) {
      const int s = i % kStreams;
      std::string text = line(s, i);
      text.insert(text.size() - 1, 700, ' ');  // ~750 B, one line
      bytes += text.size();
      ASSERT_TRUE(
          sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), stream_name(s)}).ok());
      expected.by_stream[stream_name(s)] += text;
    }
    ASSERT_TRUE(sink.flush().ok());
  }
  ASSERT_TRUE(sink.close().ok());
  auto reader = open_only_segment(dir);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->list().members.size(), std::size_t{kStreams} * kSeconds);
  expect_each_stream_reads_back(*reader, expected);
}

// A recorder's pending bound is capped at half the held bound: with --max-unwritten-bytes
// at its 2 MiB minimum, the default 8 MiB threshold would let pending lines reach the held bound
// and refuse lines while storage works.
TEST(StreamMembers, PendingBoundIsCappedByTheHeldBoundSoNoLineIsRefused) {
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(32u << 20), 8u << 20);
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(2u << 20), 1u << 20);
  // One stream keeps the former 1 MiB (its memory bound tests: FaultHostileBounds*); 64 KiB a
  // stream above 16 streams, up to 8 MiB at 128.
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(32u << 20, 1), 1u << 20);
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(32u << 20, 32), 2u << 20);
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(32u << 20, 5000), 8u << 20);
  EXPECT_EQ(GzipRotatingSink::flush_threshold_within(2u << 20, 5000), 1u << 20);
  ScratchDir dir;
  auto config = multi_config(dir);
  config.max_unwritten_bytes = 2u << 20;
  config.flush_threshold_bytes = GzipRotatingSink::flush_threshold_within(2u << 20);
  GzipRotatingSink sink(config);
  std::uint64_t max_held = 0;
  for (int i = 0; i < 40000; ++i) {  // ~6 MiB, no flush
    const int s = i % 8;
    std::string text = line(s, i);
    text.insert(text.size() - 1, 100, ' ');  // ~150 B, one line
    ASSERT_TRUE(
        sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(s), stream_name(s)}).ok())
        << "line " << i;
    max_held = std::max(max_held, sink.stats().unwritten_bytes);
  }
  EXPECT_LT(max_held, (1u << 20) + 256u) << "pending lines stay under 2 MiB / 2";
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(sink.stats().lines_refused, 0u);
  EXPECT_EQ(sink.stats().lines_written, 40000u);
}

// A crash during a write leaves a partial last member: the reader lists every whole member,
// says `truncated`, and reads each stream's complete members (as zcat reads up to the cut).
TEST(StreamMembers, ATruncatedLastMemberIsReportedAndEverythingBeforeItIsRead) {
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  const Written w = write_round_robin(sink, 2, 0, 40);
  ASSERT_TRUE(sink.close().ok());
  const std::string bytes = read_bytes(sorted_files(dir.path())[0]);
  const auto whole = StreamSegmentReader::from_memory(bytes)->list();
  ASSERT_EQ(whole.members.size(), 2u);
  const SegmentMember& last = whole.members[1];
  for (std::size_t cut = last.offset + 1; cut < bytes.size(); ++cut) {
    const std::string_view prefix(bytes.data(), cut);
    auto reader = StreamSegmentReader::from_memory(prefix);
    const SegmentListing listing = reader->list();
    ASSERT_TRUE(listing.truncated) << "cut at " << cut;
    EXPECT_EQ(listing.error, "");
    ASSERT_EQ(listing.members.size(), 1u) << "cut at " << cut;
    std::string text;
    EXPECT_EQ(reader->read_stream(stream_name(0), text), "");
    EXPECT_EQ(text, w.by_stream.at(stream_name(0)));
    text.clear();
    EXPECT_EQ(reader->read_stream(stream_name(1), text), "");
    EXPECT_EQ(text, "") << "its only member was cut";
  }
}

TEST(StreamMembers, GarbageGetsAClearErrorNamingTheOffsetAndNeverACrash) {
  ScratchDir dir;
  GzipRotatingSink sink(multi_config(dir));
  write_round_robin(sink, 2, 0, 40);
  ASSERT_TRUE(sink.close().ok());
  const std::string good = read_bytes(sorted_files(dir.path())[0]);

  const std::string trailing = good + "not gzip at all\n";
  const auto listing = StreamSegmentReader::from_memory(trailing)->list();
  EXPECT_EQ(listing.members.size(), 2u);
  EXPECT_EQ(listing.error,
            "offset " + std::to_string(good.size()) + ": not a gzip member (starts 0x6e 0x6f)");

  // A size field that lies, and flipped bytes anywhere: errors, never a crash or a wrong line.
  std::mt19937 random(12);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k) bad[random() % bad.size()] = static_cast<char>(random());
    auto reader = StreamSegmentReader::from_memory(bad);
    const SegmentListing l = reader->list();
    for (const auto& member : l.members) {
      std::string text;
      const std::string error = reader->read_member(member, text);
      if (!error.empty()) {
        EXPECT_TRUE(text.empty()) << "a bad member yields no lines";
      }
    }
  }
}

// Segments written before issue 12 (one plain gzip member per flush, no stream field) are still
// listed (their size found by decompressing) and read.
TEST(StreamMembers, PlainGzipMembersAreListedUnindexedAndRead) {
  recording::GzipMemberEncoder encoder(1);
  std::string bytes;
  ASSERT_TRUE(encoder.append_member(line(0, 1) + line(0, 2), bytes));
  const std::size_t first = bytes.size();
  ASSERT_TRUE(encoder.append_stream_member(line(1, 3), stream_name(1), 1, bytes));
  auto reader = StreamSegmentReader::from_memory(bytes);
  const SegmentListing listing = reader->list();
  ASSERT_EQ(listing.members.size(), 2u);
  EXPECT_FALSE(listing.members[0].indexed);
  EXPECT_EQ(listing.members[0].size, first);
  EXPECT_EQ(listing.members[0].lines, 2u);
  EXPECT_EQ(listing.members[0].stream, "");
  EXPECT_TRUE(listing.members[1].indexed);
  std::string text;
  EXPECT_EQ(reader->read_member(listing.members[0], text), "");
  EXPECT_EQ(text, line(0, 1) + line(0, 2));
  EXPECT_EQ(gunzip_members(bytes).text, line(0, 1) + line(0, 2) + line(1, 3));
}

// A disk that fails in the middle of a flush of several streams: the segment is cut back to its
// last complete member (a clean file, read by zcat and the reader), the rest goes to a new
// segment when space returns; nothing lost, each stream in order.
TEST(StreamMembers, AWriteErrorTruncatesBackToTheLastCompleteMember) {
  ScratchDir dir;
  auto config = multi_config(dir);
  std::size_t room = 0;
  bool limited = false;
  config.file_ops = posix_segment_file_ops();
  config.file_ops.write = [&room, &limited, posix = config.file_ops.write](
                              int fd, const char* data, std::size_t size) -> long {
    if (!limited) return posix(fd, data, size);
    if (room == 0) return -ENOSPC;
    const long n = posix(fd, data, std::min(room, size));
    if (n > 0) room -= static_cast<std::size_t>(n);
    return n;
  };
  GzipRotatingSink sink(config);
  Written all = write_round_robin(sink, 3, 0, 30);
  ASSERT_TRUE(sink.flush().ok());
  const auto first_file = sorted_files(dir.path())[0];
  const auto good_size = std::filesystem::file_size(first_file);
  const Written more = write_round_robin(sink, 3, 30, 60);
  limited = true;
  room = 200;  // the first new member (~140 bytes) fits, the second is cut
  EXPECT_EQ(sink.flush().error_number, ENOSPC);
  const std::string bytes = read_bytes(first_file);
  auto listing = StreamSegmentReader::from_memory(bytes)->list();
  EXPECT_FALSE(listing.truncated) << "cut back to a member boundary";
  EXPECT_EQ(listing.error, "");
  EXPECT_GT(bytes.size(), good_size) << "the member that fitted stayed";
  EXPECT_EQ(gunzip_members(bytes).members, static_cast<int>(listing.members.size()));
  limited = false;
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(sink.stats().lines_written, 60u);
  for (int s = 0; s < 3; ++s) {
    std::string text;
    for (const auto& file : sorted_files(dir.path())) {
      std::string error;
      EXPECT_EQ(StreamSegmentReader::open(file.string(), error)->read_stream(stream_name(s), text),
                "");
    }
    EXPECT_EQ(text, all.by_stream.at(stream_name(s)) + more.by_stream.at(stream_name(s))) << s;
  }
}

// The unwritten-bytes bound covers every stream's pending lines together.
TEST(StreamMembers, TheUnwrittenBoundCountsEveryStreamsPendingLines) {
  ScratchDir dir;
  auto config = multi_config(dir);
  config.max_unwritten_bytes = 2000;
  config.flush_threshold_bytes = 1 << 20;
  GzipRotatingSink sink(config);
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string text = line(i % 7, i);
    const auto status =
        sink.write_stream(text, StreamTag{static_cast<std::uint32_t>(i % 7), stream_name(i % 7)});
    (status.code == SinkStatus::Code::dropped ? refused : accepted) += 1;
  }
  const auto stats = sink.stats();
  EXPECT_LE(stats.unwritten_bytes, 2000u);
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(stats.lines_refused, refused);
  ASSERT_TRUE(sink.close().ok());
  EXPECT_EQ(sink.stats().lines_written, accepted);
}

// The AsyncWriter's worker tells the sink each line's stream (id and name, from the line's
// RecordContext); a sink that does not override write_stream gets write(lines) as before.
class TagRecordingSink final : public RecordSink {
 public:
  explicit TagRecordingSink(std::vector<std::pair<std::string, std::string>>& seen) : seen_(seen) {}
  SinkStatus write(std::string_view lines) override {
    seen_.emplace_back("(untagged)", std::string(lines));
    return SinkStatus::success();
  }
  SinkStatus write_stream(std::string_view lines, const StreamTag& tag) override {
    seen_.emplace_back(std::to_string(tag.id) + ":" + std::string(tag.name), std::string(lines));
    return SinkStatus::success();
  }
  SinkStatus flush() override { return SinkStatus::success(); }
  SinkStatus close() override { return SinkStatus::success(); }

 private:
  std::vector<std::pair<std::string, std::string>>& seen_;
};

TEST(StreamMembers, TheWriterPassesEachLinesStreamToTheSink) {
  std::vector<std::pair<std::string, std::string>> seen;
  AsyncWriterConfig config;
  config.queue_capacity = 16;
  AsyncWriter writer(std::make_unique<TagRecordingSink>(seen), config);
  std::vector<RecordContext> contexts(3);
  for (std::uint32_t s = 0; s < 3; ++s) {
    contexts[s].symbol = "SYM" + std::to_string(s);
    contexts[s].stream = stream_name(static_cast<int>(s));
    contexts[s].stream_id = s;
  }
  std::string buffer;
  for (int i = 0; i < 9; ++i) {
    buffer = line(i % 3, i);
    ASSERT_EQ(writer.try_push(buffer, contexts[static_cast<std::size_t>(i % 3)]),
              AsyncWriter::PushResult::accepted);
  }
  writer.stop();
  ASSERT_EQ(seen.size(), 9u);
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(seen[static_cast<std::size_t>(i)].first,
              std::to_string(i % 3) + ":" + stream_name(i % 3));
    EXPECT_EQ(seen[static_cast<std::size_t>(i)].second, line(i % 3, i));
  }
}

}  // namespace
}  // namespace depthrec

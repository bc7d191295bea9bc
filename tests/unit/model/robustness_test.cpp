// Mutated and truncated real frames must give a parse or an error, never a crash. Run this binary
// under -fsanitize=address,undefined (build-model-asan) to make "never a crash" mean something.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "depthrec/frame_parser.hpp"
#include "depthrec/snapshot.hpp"
#include "real_recording.hpp"

namespace depthrec {
namespace {

// A sample of real frames of every kind, both markets (every 37th line plus both snapshots).
std::vector<std::string> real_samples() {
  std::vector<std::string> samples;
  for (const char* file : {"usdm_btcusdt_20240718.gz", "spot_btcusdt_20240808.gz"}) {
    std::size_t n = 0;
    for (auto& line : testing::read_recording(testing::real_data_path(file))) {
      if (n++ % 37 == 0 || line.json.rfind("{\"lastUpdateId\"", 0) == 0) {
        samples.push_back(std::move(line.json));
      }
    }
  }
  return samples;
}

std::string mutate(std::string text, std::mt19937_64& rng) {
  static constexpr char kInteresting[] = "{}[]\",:0123456789.-+eE \\u\0\xff\xc3\x80tfn";
  const auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const std::size_t pos = pick(text.size() + 1);
    switch (rng() % 7) {
      case 0:  // truncate
        text.resize(pos);
        break;
      case 1:  // flip a byte
        if (pos < text.size()) text[pos] = static_cast<char>(rng());
        break;
      case 2:  // structural or special character
        text.insert(pos, 1, kInteresting[pick(sizeof kInteresting - 1)]);
        break;
      case 3:  // delete a run
        if (pos < text.size()) text.erase(pos, 1 + pick(16));
        break;
      case 4: {  // duplicate a run
        const std::size_t len =
            std::min<std::size_t>(1 + pick(64), text.size() - std::min(pos, text.size()));
        text.insert(pos, text.substr(std::min(pos, text.size()), len));
        break;
      }
      case 5:  // replace with an interesting character
        if (pos < text.size()) text[pos] = kInteresting[pick(sizeof kInteresting - 1)];
        break;
      default:  // swap two bytes
        if (!text.empty()) std::swap(text[pick(text.size())], text[pick(text.size())]);
        break;
    }
  }
  return text;
}

bool inside(std::string_view view, const std::string& text) {
  return view.empty() ||
         (view.data() >= text.data() && view.data() + view.size() <= text.data() + text.size());
}

TEST(Robustness, MutatedRealFramesNeverCrash) {
  const auto samples = real_samples();
  ASSERT_GT(samples.size(), 1000u);
  std::mt19937_64 rng(20240718);
  FrameParser parser;
  Frame frame;
  DepthSnapshot snapshot;
  std::size_t parsed = 0, refused = 0;
  int counts[kParseErrorCount] = {};
  for (int i = 0; i < 60000; ++i) {
    const std::string text = mutate(samples[rng() % samples.size()], rng);
    const ParseError error = parser.parse(text, frame);
    ASSERT_LT(static_cast<int>(error), kParseErrorCount);
    ++counts[static_cast<int>(error)];
    if (error == ParseError::none) {
      ++parsed;
      if (frame.type == FrameType::depth_update || frame.type == FrameType::spot_partial_depth) {
        ASSERT_TRUE(inside(frame.depth.bids_json, text));
        ASSERT_TRUE(inside(frame.depth.asks_json, text));
      }
    } else {
      ++refused;
    }
    const ParseError snapshot_error = parse_snapshot(text, snapshot);
    ASSERT_LT(static_cast<int>(snapshot_error), kParseErrorCount);
    if (snapshot_error == ParseError::none) {
      ASSERT_TRUE(inside(snapshot.bids_json, text));
    }
  }
  // Both outcomes must actually occur, or the mutations prove nothing.
  EXPECT_GT(parsed, 1000u);
  EXPECT_GT(refused, 10000u);
  for (int e = 1; e < kParseErrorCount; ++e) {
    std::printf("[ info ] %s: %d\n", std::string(to_string(static_cast<ParseError>(e))).c_str(),
                counts[e]);
  }
}

TEST(Robustness, RandomBytesNeverCrash) {
  std::mt19937_64 rng(5);
  FrameParser parser;
  Frame frame;
  std::size_t refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    refused += parser.parse(text, frame) != ParseError::none;
  }
  EXPECT_EQ(refused, 20000u);
}

TEST(Robustness, EveryPrefixOfARealFrameIsRefusedOrParsed) {
  const auto samples = real_samples();
  FrameParser parser;
  Frame frame;
  std::size_t checked = 0;
  for (const std::string& full : samples) {
    if (full.size() > 4096) continue;  // the snapshot lines would make this quadratic test slow
    if (++checked > 60) break;
    for (std::size_t n = 0; n < full.size(); ++n) {
      const std::string prefix = full.substr(0, n);  // its own buffer: ASan sees overreads
      ASSERT_EQ(parser.parse(prefix, frame), ParseError::malformed_json) << prefix;
    }
    ASSERT_EQ(parser.parse(full, frame), ParseError::none);
  }
}

}  // namespace
}  // namespace depthrec

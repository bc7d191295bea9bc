// The fast-path tests' checks (a scanner against the generic walk, the reference): both parsers
// on one text, and systematic mutations of a frame (every byte replaced by each of
// `replacements`, every byte deleted, and every prefix).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "depthrec/frame_parser.hpp"

namespace depthrec::testing {

// Parses `text` with both parsers; they must give the same error and, on success, frames that
// `same(fast_frame, generic_frame, text)` accepts. Returns the generic walk's error.
template <typename Same>
ParseError parsers_agree(FrameParser& fast, FrameParser& generic, const std::string& text,
                         Same&& same) {
  Frame fast_frame;
  Frame generic_frame;
  const ParseError fast_error = fast.parse(text, fast_frame);
  const ParseError generic_error = generic.parse(text, generic_frame);
  EXPECT_EQ(fast_error, generic_error) << text;
  if (fast_error == ParseError::none && generic_error == ParseError::none) {
    EXPECT_TRUE(same(fast_frame, generic_frame, text)) << text;
  }
  return generic_error;
}

struct MutationCounts {
  std::size_t parsed = 0;  // mutations `check` found valid
  std::size_t total = 0;
};

// `check(mutated)` compares the parsers on one mutation and returns whether it parsed.
template <typename Check>
void count_mutations(const std::string& text, const std::string& replacements, Check&& check,
                     MutationCounts& counts) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (char c : replacements) {
      std::string mutated = text;
      mutated[i] = c;
      counts.parsed += check(mutated);
      ++counts.total;
    }
    std::string deleted = text;
    deleted.erase(i, 1);
    counts.parsed += check(deleted);
    counts.parsed += check(text.substr(0, i));
    counts.total += 2;
  }
}

}  // namespace depthrec::testing

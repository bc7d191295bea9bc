#include "depthrec/peer_text.hpp"

#include <gtest/gtest.h>

namespace depthrec {
namespace {

TEST(PeerText, KeepsPrintableAsciiAsIs) {
  EXPECT_EQ(peer_text("fault: close 1001 {\"e\":\"x\"}"), "fault: close 1001 {\"e\":\"x\"}");
  EXPECT_EQ(peer_text(""), "");
}

TEST(PeerText, EscapesTerminalControlSequences) {
  // OSC 0 (set the window title) terminated by BEL, and a CSI colour sequence.
  EXPECT_EQ(peer_text("\x1b]0;owned\x07 \x1b[31mred"), "\\x1b]0;owned\\x07 \\x1b[31mred");
  EXPECT_EQ(peer_text(std::string("a\0b\r\n\t\x7f", 7)), "a\\x00b\\x0d\\x0a\\x09\\x7f");
}

TEST(PeerText, EscapesEveryNonAsciiByteSoInvalidUtf8CannotPassThrough) {
  EXPECT_EQ(peer_text("\xff\xfe ok \xc3\xa9"), "\\xff\\xfe ok \\xc3\\xa9");
}

TEST(PeerText, EscapesTheBackslashSoAnEscapeCannotBeForged) {
  EXPECT_EQ(peer_text("\\x1b"), "\\\\x1b");
}

TEST(PeerText, TruncatesLongTextAndSaysHowLongItWas) {
  const std::string long_name(900 * 1024, 'a');
  const std::string out = peer_text(long_name);
  EXPECT_EQ(out, std::string(kPeerTextMaxBytes, 'a') + "... (921600 bytes)");
  EXPECT_EQ(peer_text("abcdef", 3), "abc... (6 bytes)");
  EXPECT_EQ(peer_text("abc", 3), "abc");
}

TEST(PeerText, OutputIsAlwaysPrintableAsciiAndBounded) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  const std::string out = peer_text(every_byte, 256);
  for (const char c : out) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    EXPECT_LT(static_cast<unsigned char>(c), 0x7f);
  }
  EXPECT_LE(out.size(), 256u * 4);
}

}  // namespace
}  // namespace depthrec

// DropLedger keeps each stream id's latest context for its writer_drop marker: what may change
// under one id (conn_id at a reconnect, market and symbol on the connections stream) is kept,
// and the lost lines are handed back per stream, oldest first.
#include <gtest/gtest.h>

#include <cstdint>

#include "recording/drop_ledger.hpp"

namespace depthrec::recording {
namespace {

RecordContext ledger_test_context(Market market, const char* symbol, const char* stream,
                                  std::uint64_t conn_id, std::uint32_t stream_id) {
  return RecordContext{market, symbol, stream, conn_id, stream_id};
}

void expect_same_context(const RecordContext& kept, const RecordContext& noted) {
  EXPECT_EQ(kept.market, noted.market);
  EXPECT_EQ(kept.symbol, noted.symbol);
  EXPECT_EQ(kept.stream, noted.stream);
  EXPECT_EQ(kept.conn_id, noted.conn_id);
}

TEST(DropLedger, KeepsTheLatestContextOfEachStreamId) {
  DropLedger ledger;
  const auto depth = ledger_test_context(Market::usdm, "BTCUSDT", "btcusdt@depth@100ms", 1, 3);
  ASSERT_TRUE(ledger.note_context(depth));
  expect_same_context(ledger.context(3), depth);
  EXPECT_TRUE(ledger.context(2).stream.empty());  // never noted

  const auto reconnected =
      ledger_test_context(Market::usdm, "BTCUSDT", "btcusdt@depth@100ms", 2, 3);
  ASSERT_TRUE(ledger.note_context(reconnected));
  expect_same_context(ledger.context(3), reconnected);
}

TEST(DropLedger, TheConnectionsStreamKeepsEachConnectionsMarketAndSymbol) {
  DropLedger ledger;
  // Two connections, each at its first conn_id, write to the one connections stream (id 0).
  const auto first = ledger_test_context(Market::usdm, "BTCUSDT", "connections", 1, 0);
  const auto second = ledger_test_context(Market::spot, "ETHUSDT", "connections", 1, 0);
  const auto third = ledger_test_context(Market::spot, "SOLUSDT", "connections", 1, 0);
  ASSERT_TRUE(ledger.note_context(first));
  ASSERT_TRUE(ledger.note_context(second));
  expect_same_context(ledger.context(0), second);
  ASSERT_TRUE(ledger.note_context(third));
  expect_same_context(ledger.context(0), third);
}

TEST(DropLedger, RefusesAnIdAboveTheDenseBound) {
  DropLedger ledger;
  const auto huge = ledger_test_context(Market::usdm, "BTCUSDT", "btcusdt@depth@100ms", 1,
                                        DropLedger::kMaxStreamId + 1);
  EXPECT_FALSE(ledger.note_context(huge));
  EXPECT_TRUE(ledger.context(DropLedger::kMaxStreamId + 1).stream.empty());
}

TEST(DropLedger, HandsBackLostLinesPerStreamOldestFirst) {
  DropLedger ledger;
  ledger.add(5, 2);
  ledger.add(1, 1);
  ledger.add(5, 3);
  EXPECT_TRUE(ledger.any());
  EXPECT_EQ(ledger.pending(5), 5u);
  ASSERT_EQ(ledger.next_pending(), std::optional<std::uint32_t>(5));
  EXPECT_EQ(ledger.take(5), 5u);
  ASSERT_EQ(ledger.next_pending(), std::optional<std::uint32_t>(1));
  EXPECT_EQ(ledger.take(1), 1u);
  EXPECT_FALSE(ledger.any());
  EXPECT_EQ(ledger.next_pending(), std::nullopt);
}

}  // namespace
}  // namespace depthrec::recording

#include "parquet_tables/sink_stream_ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using depthrec::Market;
using depthrec::RecordContext;
using depthrec::StreamKey;
using depthrec::export_parquet::SinkStreamIds;

RecordContext sink_ids_record(std::uint32_t caller_id, const std::string& stream,
                              std::uint64_t conn_id = 1) {
  RecordContext context;
  context.market = Market::spot;
  context.symbol = "BTCUSDT";
  context.stream = stream;
  context.conn_id = conn_id;
  context.stream_id = caller_id;
  return context;
}

// The ids a fixed book base (2^15) gave: a run with more record streams than that had a record
// stream and a book share an id, so a drop of one was marked on the other.
TEST(SinkStreamIds, BooksAndRecordsNeverShareAnIdWhateverTheCallersIds) {
  SinkStreamIds ids;
  std::set<std::uint32_t> seen;
  for (const std::uint32_t caller : {0u, 1u, 1u << 15, (1u << 15) + 1, 40'000u}) {
    const RecordContext& mine =
        ids.for_record(sink_ids_record(caller, "s" + std::to_string(caller)));
    EXPECT_TRUE(seen.insert(mine.stream_id).second) << "record id " << mine.stream_id << " reused";
  }
  for (const char* stream : {"a@depth@100ms", "b@depth@100ms"}) {
    const RecordContext& book = ids.for_book(StreamKey{Market::usdm, "A", stream});
    EXPECT_TRUE(seen.insert(book.stream_id).second) << "book id " << book.stream_id << " reused";
    EXPECT_EQ(book.stream, stream);
    EXPECT_EQ(book.market, Market::usdm);
  }
  // Dense: seven streams, ids 0..6, however large the caller's were.
  EXPECT_EQ(*seen.rbegin(), 6u);
}

TEST(SinkStreamIds, AStreamKeepsItsIdAndItsContextFollowsAReconnect) {
  SinkStreamIds ids;
  const std::uint32_t first =
      ids.for_record(sink_ids_record(7, "btcusdt@depth@100ms", 1)).stream_id;
  const RecordContext& after = ids.for_record(sink_ids_record(7, "btcusdt@depth@100ms", 2));
  EXPECT_EQ(after.stream_id, first);
  EXPECT_EQ(after.conn_id, 2u);
  EXPECT_EQ(ids.for_book(StreamKey{Market::spot, "BTCUSDT", "btcusdt@depth@100ms"}).stream_id,
            ids.for_book(StreamKey{Market::spot, "BTCUSDT", "btcusdt@depth@100ms"}).stream_id);
}

TEST(SinkStreamIds, AnIdBeyondTheWritersBoundPassesThroughUnchanged) {
  SinkStreamIds ids;
  const RecordContext huge = sink_ids_record(SinkStreamIds::kMaxCallerId + 1, "x@trade");
  EXPECT_EQ(&ids.for_record(huge), &huge);
}

}  // namespace

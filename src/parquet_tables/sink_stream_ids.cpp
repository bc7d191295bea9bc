#include "parquet_tables/sink_stream_ids.hpp"

namespace depthrec::export_parquet {

const RecordContext& SinkStreamIds::for_record(const RecordContext& context) {
  if (context.stream_id > kMaxCallerId) return context;
  if (context.stream_id >= records_.size()) records_.resize(std::size_t{context.stream_id} + 1);
  std::optional<RecordContext>& kept = records_[context.stream_id];
  if (!kept) {
    kept = context;
    kept->stream_id = next_id_++;
  } else if (kept->conn_id != context.conn_id || kept->market != context.market ||
             kept->stream != context.stream || kept->symbol != context.symbol) {
    const std::uint32_t id = kept->stream_id;
    *kept = context;
    kept->stream_id = id;
  }
  return *kept;
}

const RecordContext& SinkStreamIds::for_book(const StreamKey& key) {
  auto found = books_.find(key.stream);
  if (found == books_.end()) {
    RecordContext made;
    made.market = key.market;
    made.symbol = key.symbol;
    made.stream = key.stream;
    made.stream_id = next_id_++;
    found = books_.emplace(key.stream, std::move(made)).first;
  }
  return found->second;
}

}  // namespace depthrec::export_parquet

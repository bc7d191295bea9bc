// The live Parquet sink's own stream ids. Its AsyncWriter keys lost lines by
// RecordContext::stream_id (the writer_drop gap row names the stream they were of), and it carries
// two kinds of streams: the recorder's record streams (ids dense from the engine) and the book
// states it samples itself (one per depth stream). Both are numbered here, densely, in the order
// they are first seen, so a book stream's id can never be a record stream's however many streams
// a run subscribes (a fixed base for book ids would collide past it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "depthrec/market.hpp"
#include "depthrec/records.hpp"

namespace depthrec::export_parquet {

class SinkStreamIds {
 public:
  // The caller's ids are dense; one beyond this is passed on as it is (the writer refuses it).
  static constexpr std::uint32_t kMaxCallerId = (1u << 22) - 1;

  // `context` with this sink's id for its stream, refreshed when the stream's identity changes
  // (a reconnect's conn_id). Valid until the next call.
  const RecordContext& for_record(const RecordContext& context);
  // The context of depth stream `key`'s sampled book states.
  const RecordContext& for_book(const StreamKey& key);

 private:
  std::uint32_t next_id_ = 0;
  std::vector<std::optional<RecordContext>> records_;  // by the caller's stream id
  std::map<std::string, RecordContext> books_;         // by depth stream name
};

}  // namespace depthrec::export_parquet

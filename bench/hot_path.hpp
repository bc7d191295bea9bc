// The recorder's per-event work on the network thread, step by step and without the network:
// receipt time, FrameParser::parse, BookSynchronizer::on_update (continuity check + book apply
// in the synced state), append_depth_record, AsyncWriter::try_push. This is what must keep up
// with the feed; the writer thread's work (compression, disk) runs on another core and is
// measured apart. Used by depthrec-bench and depthrec-hot-path (callgrind) alike.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "depthrec/async_writer.hpp"
#include "depthrec/book_sync.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/record_sink.hpp"
#include "depthrec/records.hpp"
#include "replay_corpus.hpp"

namespace depthrec::bench {

class HotPath {
 public:
  // `corpus` must outlive the HotPath. The writer takes `sink` and starts its worker thread.
  HotPath(const ReplayCorpus& corpus, std::unique_ptr<RecordSink> sink);

  // Back to the book synced just before corpus.first_synced (the corpus's frames do not chain
  // from the last one to the first, so each replay starts from there).
  void rewind();
  // One event: frame `index` (>= first_synced, in order since the last rewind) end to end.
  // False when the frame did not parse as depth or was not applied: the replay is not valid.
  bool process(std::size_t index);
  // rewind(), then every frame from first_synced to the end. Returns how many were applied.
  std::size_t replay_once();

  // Drains the writer's queue into the sink and joins its thread (idempotent).
  void stop() { writer_.stop(); }
  AsyncWriterStats writer_stats() const { return writer_.stats(); }

 private:
  const ReplayCorpus& corpus_;
  const BookSynchronizer synced_start_;
  BookSynchronizer sync_;
  FrameParser parser_;
  Frame frame_;
  RecordContext context_;
  std::string line_;  // reused record buffer: try_push hands a cleared one back
  AsyncWriter writer_;
};

}  // namespace depthrec::bench

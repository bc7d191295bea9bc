// Where record bytes go: the one small interface between the writer thread and storage (as a
// spdlog sink). A sink is used from one thread at a time (the AsyncWriter's worker); failures are
// returned as a SinkStatus, never thrown, so that no exception can escape that thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace depthrec {

struct SinkStatus {
  enum class Code {
    ok,
    failed,   // storage failed (see error_number/message); the bytes are kept for a retry
    dropped,  // the bytes were not kept (the sink's bound on unwritten data was reached)
  };
  Code code = Code::ok;
  int error_number = 0;  // errno of the failure, 0 if none
  std::string message;   // e.g. "write /data/x.ndjson.gz: No space left on device"

  bool ok() const { return code == Code::ok; }
  static SinkStatus success() { return {}; }
};

// The stream a line belongs to: the writer's dense stream id and the stream's name (e.g.
// "btcusdt@depth@100ms"). The name is valid for the duration of the write call only. An id is
// one stream: GzipRotatingSink reads the name at the first line of each member only.
struct StreamTag {
  std::uint32_t id = 0;
  std::string_view name;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Takes one or more complete '\n'-terminated lines. Cheap (usually a copy into a buffer);
  // may flush on its own when its buffer is large. A `dropped` status means these bytes are lost.
  virtual SinkStatus write(std::string_view lines) = 0;
  // The same, for lines of one stream: the AsyncWriter calls this one. A sink that keeps streams
  // apart (GzipRotatingSink: one gzip member per stream and flush) overrides it; the default
  // forwards to write(lines), so sinks written before streams existed keep working.
  virtual SinkStatus write_stream(std::string_view lines, const StreamTag& /*stream*/) {
    return write(lines);
  }
  // Makes everything written so far durable against a process crash (readable by another process).
  virtual SinkStatus flush() = 0;
  // Flushes and releases the file; a later write opens a new one. Idempotent.
  virtual SinkStatus close() = 0;
};

}  // namespace depthrec

// TeeSink: one recording written by two sinks (--format both: the gzip NDJSON segments and the
// CSV files). The first is the recording's authority: its write status is the one returned, so
// the writer's drop counts and writer_drop markers describe the NDJSON files exactly. The
// second's failures are counted in its own stats (CsvSinkStats), and a failed flush or close of
// either is returned.
#pragma once

#include <memory>

#include "depthrec/record_sink.hpp"

namespace depthrec {

class TeeSink final : public RecordSink {
 public:
  TeeSink(std::unique_ptr<RecordSink> primary, std::unique_ptr<RecordSink> secondary);

  SinkStatus write(std::string_view lines) override;
  SinkStatus write_stream(std::string_view lines, const StreamTag& stream) override;
  SinkStatus flush() override;
  SinkStatus close() override;

 private:
  std::unique_ptr<RecordSink> primary_;
  std::unique_ptr<RecordSink> secondary_;
};

}  // namespace depthrec

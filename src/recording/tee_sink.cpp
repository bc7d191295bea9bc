#include "depthrec/tee_sink.hpp"

#include <utility>

namespace depthrec {
namespace {

SinkStatus first_failure(SinkStatus primary, SinkStatus secondary) {
  return primary.ok() ? std::move(secondary) : std::move(primary);
}

}  // namespace

TeeSink::TeeSink(std::unique_ptr<RecordSink> primary, std::unique_ptr<RecordSink> secondary)
    : primary_(std::move(primary)), secondary_(std::move(secondary)) {}

SinkStatus TeeSink::write(std::string_view lines) {
  SinkStatus status = primary_->write(lines);
  secondary_->write(lines);  // its refusals are counted in its own stats
  return status;
}

SinkStatus TeeSink::write_stream(std::string_view lines, const StreamTag& stream) {
  SinkStatus status = primary_->write_stream(lines, stream);
  secondary_->write_stream(lines, stream);
  return status;
}

SinkStatus TeeSink::flush() {
  SinkStatus primary = primary_->flush();
  return first_failure(std::move(primary), secondary_->flush());
}

SinkStatus TeeSink::close() {
  SinkStatus primary = primary_->close();
  return first_failure(std::move(primary), secondary_->close());
}

}  // namespace depthrec

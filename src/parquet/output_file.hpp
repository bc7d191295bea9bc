// Where a Parquet file's bytes go: the writer's only I/O. A file on disk is written under
// `<path>.tmp` and renamed to `<path>` only by commit(), after an fsync, so a reader never finds
// a partial file under the final name (a crash or an error leaves at most the .tmp, which
// discard() and the destructor remove).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace depthrec::parquet {

class OutputFile {
 public:
  virtual ~OutputFile() = default;
  // False on failure (see error()); once failed, every later call fails too.
  virtual bool write(std::string_view bytes) = 0;
  // The bytes written so far followed by `footer` make a whole file: keep that recoverable
  // after a crash (checkpoint.hpp). A file without crash checkpoints ignores it.
  virtual bool checkpoint(std::string_view footer) = 0;
  virtual bool commit() = 0;   // the file is complete: make it visible under its final name
  virtual void discard() = 0;  // give up: remove what was written
  virtual std::size_t position() const = 0;  // bytes written so far
  virtual const std::string& error() const = 0;
};

// A file on disk (write to `path + ".tmp"`, fsync, rename). Null and `error` set when the
// temporary file cannot be created (missing or read-only directory). With `crash_checkpoints`,
// checkpoint() fsyncs and saves the footer beside the .tmp (checkpoint.hpp): a live file's
// row groups survive a crash.
std::unique_ptr<OutputFile> open_output_file(const std::string& path, std::string& error,
                                             bool crash_checkpoints = false);

// Bytes kept in memory (tests): commit() just marks them complete.
class MemoryOutputFile final : public OutputFile {
 public:
  bool write(std::string_view bytes) override;
  bool checkpoint(std::string_view footer) override;  // keeps the last one (tests)
  bool commit() override;
  void discard() override;
  std::size_t position() const override { return bytes_.size(); }
  const std::string& error() const override { return error_; }

  const std::string& bytes() const { return bytes_; }
  // What a crash right now would recover: the bytes up to the last checkpoint plus its footer
  // (empty before the first checkpoint).
  std::string recoverable() const;
  bool committed() const { return committed_; }

 private:
  std::string bytes_;
  std::string error_;
  std::size_t checkpoint_end_ = 0;
  std::string checkpoint_footer_;
  bool committed_ = false;
};

}  // namespace depthrec::parquet

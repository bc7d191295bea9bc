// ReplayReader: sources (file, directory, stdin) -> lines (zlib reads gzip, concatenated gzip
// members and plain text alike) -> items (ReplayLineParser).
#include "depthrec/replay_reader.hpp"

#include "depthrec/stream_segment_reader.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace depthrec {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunkBytes = std::size_t{256} * 1024;
// Far above any real snapshot line.
constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024 * 1024;

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_recording_name(const std::string& name) {
  return !name.empty() && name[0] != '.' && (ends_with(name, ".gz") || ends_with(name, ".ndjson"));
}

GzFile open_source(const std::string& source, std::string& error) {
  gzFile file = nullptr;
  if (source == "-") {
    const int fd = dup(STDIN_FILENO);  // gzclose closes it; stdin itself stays open
    if (fd >= 0) file = gzdopen(fd, "rb");
    if (file == nullptr && fd >= 0) close(fd);
  } else {
    file = gzopen(source.c_str(), "rb");
  }
  if (file == nullptr) {
    error = source + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  gzbuffer(file, kChunkBytes);
  return GzFile(file);
}

// One input (a file, a directory's segments in order, or stdin): lines -> parsed items.
struct InputCursor {
  std::vector<std::string> sources;
  std::size_t next_source = 0;
  GzFile file;  // the source being read, or null between sources
  // With a stream filter, a .gz source is read through its member headers instead: only the
  // members of that stream (and members without a name, filtered line by line) are decompressed.
  std::string stream_filter;
  std::unique_ptr<StreamSegmentReader> segment;
  std::vector<SegmentMember> members;
  std::size_t next_member = 0;
  std::string member_text;
  std::size_t member_pos = 0;
  std::size_t current = 0;
  std::uint64_t line_number = 0;
  std::vector<char> chunk = std::vector<char>(kChunkBytes);
  std::size_t chunk_pos = 0;
  std::size_t chunk_len = 0;
  bool source_done = false;
  bool exhausted = false;
  std::string line;
  ReplayLineParser parser;
  ReplayItem pending;  // the next item of this input, when has_pending
  bool has_pending = false;

  bool open_next_source(ReplayStats& stats);
  bool open_segment(ReplayStats& stats);
  bool source_open() const { return file || segment; }
  void close_source() {
    file.reset();
    segment.reset();
  }
  bool refill(ReplayStats& stats);
  bool refill_from_members(ReplayStats& stats);
  enum class LineStatus { line, too_long, end };
  LineStatus read_line(ReplayStats& stats);
  void bad_line(ReplayStats& stats, std::string reason) const;
  // Reads up to the next item (into `pending`); false at the end of the input.
  bool fill(ReplayStats& stats);
};

bool InputCursor::open_next_source(ReplayStats& stats) {
  while (next_source < sources.size()) {
    current = next_source++;
    if (!stream_filter.empty() && sources[current] != "-" && ends_with(sources[current], ".gz")) {
      if (open_segment(stats)) return true;
      continue;
    }
    std::string error;
    file = open_source(sources[current], error);
    if (!file) {
      stats.io_errors.push_back(std::move(error));
      continue;
    }
    line_number = 0;
    chunk_pos = chunk_len = 0;
    source_done = false;
    return true;
  }
  return false;
}

bool InputCursor::open_segment(ReplayStats& stats) {
  std::string error;
  segment = StreamSegmentReader::open(sources[current], error);
  if (!segment) {
    stats.io_errors.push_back(std::move(error));
    return false;
  }
  SegmentListing listing = segment->list();
  if (listing.truncated) stats.truncated_sources.push_back(sources[current]);
  if (!listing.error.empty()) stats.io_errors.push_back(sources[current] + ": " + listing.error);
  members.clear();
  for (SegmentMember& member : listing.members) {
    if (!member.indexed || member.stream == stream_filter) members.push_back(std::move(member));
  }
  next_member = 0;
  member_text.clear();
  member_pos = 0;
  line_number = 0;
  chunk_pos = chunk_len = 0;
  source_done = false;
  return true;
}

bool InputCursor::refill_from_members(ReplayStats& stats) {
  while (member_pos == member_text.size()) {
    if (next_member == members.size()) {
      source_done = true;
      return false;
    }
    member_text.clear();
    member_pos = 0;
    const std::string error = segment->read_member(members[next_member++], member_text);
    if (!error.empty()) stats.io_errors.push_back(sources[current] + ": " + error);
  }
  chunk_len = std::min(chunk.size(), member_text.size() - member_pos);
  std::memcpy(chunk.data(), member_text.data() + member_pos, chunk_len);
  member_pos += chunk_len;
  chunk_pos = 0;
  return true;
}

bool InputCursor::refill(ReplayStats& stats) {
  if (source_done) return false;
  if (segment) return refill_from_members(stats);
  const int n = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
  if (n > 0) {
    chunk_pos = 0;
    chunk_len = static_cast<std::size_t>(n);
    return true;
  }
  source_done = true;
  // zlib reports a stream that ends mid-member as a short read with Z_BUF_ERROR, not as -1.
  int code = Z_OK;
  const char* message = gzerror(file.get(), &code);
  if (code != Z_OK) {
    if (code == Z_BUF_ERROR) {  // a segment cut short by a crash: readable up to the cut
      stats.truncated_sources.push_back(sources[current]);
    } else {
      stats.io_errors.push_back(sources[current] +
                                ": read error: " + (message != nullptr ? message : "unknown"));
    }
  }
  return false;
}

InputCursor::LineStatus InputCursor::read_line(ReplayStats& stats) {
  line.clear();
  bool too_long = false;
  bool any = false;
  for (;;) {
    if (chunk_pos == chunk_len && !refill(stats)) {
      if (!any) return LineStatus::end;
      break;  // the last line has no newline
    }
    any = true;
    const char* begin = chunk.data() + chunk_pos;
    const char* newline = static_cast<const char*>(std::memchr(begin, '\n', chunk_len - chunk_pos));
    const std::size_t take =
        newline != nullptr ? static_cast<std::size_t>(newline - begin) : chunk_len - chunk_pos;
    if (!too_long && line.size() + take > kMaxLineBytes) {
      too_long = true;
      line.clear();
    }
    if (!too_long) line.append(begin, take);
    chunk_pos += take;
    if (newline != nullptr) {
      ++chunk_pos;
      break;
    }
  }
  ++line_number;
  ++stats.lines;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return too_long ? LineStatus::too_long : LineStatus::line;
}

void InputCursor::bad_line(ReplayStats& stats, std::string reason) const {
  ++stats.bad_lines;
  if (stats.first_bad_lines.size() < ReplayStats::kMaxListedBadLines) {
    stats.first_bad_lines.push_back(
        ReplayLineError{sources[current], line_number, std::move(reason)});
  }
}

bool InputCursor::fill(ReplayStats& stats) {
  while (!exhausted) {
    if (!source_open() && !open_next_source(stats)) {
      exhausted = true;
      break;
    }
    const LineStatus status = read_line(stats);
    if (status == LineStatus::end) {
      close_source();
      continue;
    }
    if (status == LineStatus::too_long) {
      bad_line(stats, "line longer than " + std::to_string(kMaxLineBytes) + " bytes");
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank
    std::string reason = parser.parse(line, pending);
    if (!reason.empty()) {
      bad_line(stats, std::move(reason));
      continue;
    }
    if (!stream_filter.empty() && pending.stream != stream_filter) continue;
    pending.source = sources[current];
    pending.line = line_number;
    has_pending = true;
    return true;
  }
  return false;
}

// The sources of one input; empty with `error` set when there are none.
std::vector<std::string> list_sources(const std::string& input, std::string& error) {
  std::vector<std::string> sources;
  if (input == "-") return {input};
  std::error_code ec;
  const fs::file_status status = fs::status(input, ec);
  if (ec || !fs::exists(status)) {
    error = input + ": no such file or directory";
    return {};
  }
  if (!fs::is_directory(status)) return {input};
  for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && is_recording_name(name)) sources.push_back(it->path().string());
  }
  if (ec) {
    error = input + ": cannot list: " + ec.message();
    return {};
  }
  if (sources.empty()) {
    error = input + ": no recording files (*.gz, *.ndjson) in this directory";
    return {};
  }
  // depthrec names segments <symbol>_depth.<UTC time>Z.<seq>: name order is recording order.
  std::sort(sources.begin(), sources.end());
  return sources;
}

}  // namespace

struct ReplayReader::Impl {
  std::vector<std::unique_ptr<InputCursor>> inputs;
  std::vector<std::string> sources;  // of every input, in order
  InputCursor* last = nullptr;       // the input of the item returned last
  ReplayStats stats;
};

std::unique_ptr<ReplayReader> ReplayReader::open(const std::string& input, std::string& error) {
  return open(std::vector<std::string>{input}, error);
}

std::unique_ptr<ReplayReader> ReplayReader::open(const std::vector<std::string>& inputs,
                                                 std::string& error) {
  return open(inputs, error, ReplayReaderOptions{});
}

std::unique_ptr<ReplayReader> ReplayReader::open(const std::vector<std::string>& inputs,
                                                 std::string& error,
                                                 const ReplayReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  if (inputs.empty()) {
    error = "no input";
    return nullptr;
  }
  for (const std::string& input : inputs) {
    auto cursor = std::make_unique<InputCursor>();
    cursor->stream_filter = options.stream;
    cursor->sources = list_sources(input, error);
    if (cursor->sources.empty()) return nullptr;
    impl->sources.insert(impl->sources.end(), cursor->sources.begin(), cursor->sources.end());
    // Open the first source now so that an unreadable input is an error, not an empty result.
    if (!cursor->open_next_source(impl->stats)) {
      error =
          impl->stats.io_errors.empty() ? input + ": cannot open" : impl->stats.io_errors.back();
      return nullptr;
    }
    impl->inputs.push_back(std::move(cursor));
  }
  return std::make_unique<ReplayReader>(std::move(impl));
}

ReplayReader::ReplayReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReplayReader::~ReplayReader() = default;

bool ReplayReader::next(ReplayItem& item) {
  Impl& in = *impl_;
  // The item returned last still points into its input's line: only now is it read further.
  if (in.last != nullptr) in.last->has_pending = false;
  InputCursor* earliest = nullptr;
  for (const auto& input : in.inputs) {
    if (!input->has_pending && !input->fill(in.stats)) continue;
    if (earliest == nullptr || input->pending.recv_ns < earliest->pending.recv_ns) {
      earliest = input.get();
    }
  }
  in.last = earliest;
  if (earliest == nullptr) return false;
  // A swap, not a copy: both keep their level capacity; the views still point into the line.
  std::swap(item, earliest->pending);
  ++in.stats.items;
  switch (item.format) {
    case RecordingFormat::raw_capture:
      ++in.stats.raw_lines;
      break;
    case RecordingFormat::depthrec_ndjson:
      ++in.stats.ndjson_lines;
      break;
    case RecordingFormat::cryptofeed_raw:
      ++in.stats.cryptofeed_lines;
      break;
  }
  if (item.format != RecordingFormat::depthrec_ndjson && item.recv_ns > 0) {  // not a header
    ++in.stats.time_units[static_cast<std::size_t>(item.time_unit)];
  }
  return true;
}

const ReplayStats& ReplayReader::stats() const {
  return impl_->stats;
}

const std::vector<std::string>& ReplayReader::sources() const {
  return impl_->sources;
}

}  // namespace depthrec

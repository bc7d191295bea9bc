// The recording reader on arbitrary bytes, at three levels:
//  1. ReplayLineParser on each '\n'-separated line (raw `<recv_time> <json>` with its unit told
//     by the magnitude, cryptofeed's raw capture lines, NDJSON records): a reused parser and a
//     fresh one agree; an accepted item is well formed (recv_ns >= 0, NDJSON times in ns,
//     decimals round-trip, capture level spans and the raw JSON inside the line, NDJSON spans
//     empty; trade items' events equal and exact);
//  2. ReplayReader over the whole input as one file (a memfd, so no disk I/O): it never stops on
//     bad data, its statistics add up, line numbers increase, and for plain text (not gzip) it
//     returns exactly the items the line parser accepts, in order;
//  3. plain text split in two files at a line boundary and read as two inputs merged by receive
//     time: every item of both, no more, no fewer, each file's own in its order.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "depthrec/replay_reader.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace depthrec;

constexpr std::uint8_t kGzipMagic[2] = {0x1f, 0x8b};

void check_decimal(Decimal value) {
  FUZZ_CHECK(value.units >= 0);
  Decimal again{-1};
  FUZZ_CHECK(parse_decimal(to_string(value), again) && again == value);
}

void check_levels(const std::vector<PriceLevel>& levels) {
  for (const PriceLevel& level : levels) {
    FUZZ_CHECK(fits_book_price(level.price));  // a book's 64-bit ranks hold every price accepted
    check_decimal(level.price);
    check_decimal(level.qty);
  }
}

bool inside(std::string_view view, const std::string& text) {
  const auto begin = reinterpret_cast<std::uintptr_t>(text.data());
  const auto first = reinterpret_cast<std::uintptr_t>(view.data());
  return view.empty() || (first >= begin && first + view.size() <= begin + text.size());
}

void check_item(const ReplayItem& item, const std::string& line) {
  const bool capture = item.format != RecordingFormat::depthrec_ndjson;
  FUZZ_CHECK(item.recv_ns >= 0);
  FUZZ_CHECK(inside(item.symbol, line) || capture);
  FUZZ_CHECK(capture ? inside(item.raw_json, line) : item.raw_json.empty());
  FUZZ_CHECK(capture || item.time_unit == TimeUnit::ns);
  switch (item.type) {
    case ReplayItemType::depth:
      check_levels(item.depth.bids);
      check_levels(item.depth.asks);
      if (capture) {
        FUZZ_CHECK(inside(item.depth.bids_json, line) && inside(item.depth.asks_json, line));
        FUZZ_CHECK(!item.depth.bids_json.empty() && !item.depth.asks_json.empty());
        FUZZ_CHECK(item.market == std::nullopt);
      } else {
        FUZZ_CHECK(item.depth.bids_json.empty() && item.depth.asks_json.empty());
      }
      break;
    case ReplayItemType::snapshot:
      check_levels(item.snapshot.bids);
      check_levels(item.snapshot.asks);
      if (capture) {
        FUZZ_CHECK(inside(item.snapshot.bids_json, line) && inside(item.snapshot.asks_json, line));
      }
      break;
    case ReplayItemType::ticker:
      check_decimal(item.ticker.bid_price);
      check_decimal(item.ticker.bid_qty);
      check_decimal(item.ticker.ask_price);
      check_decimal(item.ticker.ask_qty);
      break;
    case ReplayItemType::marker:
      FUZZ_CHECK(item.format == RecordingFormat::depthrec_ndjson);
      if (item.marker.close_code)
        FUZZ_CHECK(*item.marker.close_code >= 0 && *item.marker.close_code <= 0xFFFF);
      break;
    case ReplayItemType::other:
      break;
  }
}

// Splits like the reader does: on '\n', a trailing '\r' removed, the last line may lack '\n'.
std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

bool blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

struct Accepted {
  std::uint64_t line;
  ReplayItemType type;
  std::int64_t recv_ns;
};

// Level 1. Returns the accepted lines, for the comparison with the reader.
std::vector<Accepted> parse_lines(std::string_view text) {
  static ReplayLineParser reused;  // carries buffers and state from input to input, as in a replay
  static ReplayItem reused_item;
  std::vector<Accepted> accepted;
  const std::vector<std::string> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (blank(lines[i])) continue;  // the reader skips blank lines before parsing
    std::string line = lines[i];    // NDJSON is parsed in place: each parser gets its own copy
    const std::string reason = reused.parse(line, reused_item);
    ReplayLineParser fresh;
    ReplayItem fresh_item;
    std::string fresh_line = lines[i];
    const std::string fresh_reason = fresh.parse(fresh_line, fresh_item);
    FUZZ_CHECK(reason == fresh_reason);
    if (!reason.empty()) continue;
    FUZZ_CHECK(reused_item.type == fresh_item.type && reused_item.format == fresh_item.format);
    FUZZ_CHECK(reused_item.recv_ns == fresh_item.recv_ns &&
               reused_item.symbol == fresh_item.symbol &&
               reused_item.time_unit == fresh_item.time_unit);
    if (fresh_item.type == ReplayItemType::depth) {
      FUZZ_CHECK(reused_item.depth.bids == fresh_item.depth.bids);
      FUZZ_CHECK(reused_item.depth.asks == fresh_item.depth.asks);
      FUZZ_CHECK(reused_item.depth.final_id == fresh_item.depth.final_id);
    }
    if (fresh_item.type == ReplayItemType::snapshot) {
      FUZZ_CHECK(reused_item.snapshot.bids == fresh_item.snapshot.bids);
      FUZZ_CHECK(reused_item.snapshot.asks == fresh_item.snapshot.asks);
      FUZZ_CHECK(reused_item.snapshot.last_update_id == fresh_item.snapshot.last_update_id);
    }
    // Trade items (depthrec-export's trades): both parsers read the same event, exact decimals.
    FUZZ_CHECK(reused_item.has_trade == fresh_item.has_trade);
    if (fresh_item.has_trade) {
      FUZZ_CHECK(reused_item.trade.id == fresh_item.trade.id &&
                 reused_item.trade.kind == fresh_item.trade.kind &&
                 reused_item.trade.price == fresh_item.trade.price &&
                 reused_item.trade.quantity == fresh_item.trade.quantity &&
                 reused_item.trade.buyer_is_maker == fresh_item.trade.buyer_is_maker);
      FUZZ_CHECK(fresh_item.type == ReplayItemType::other);
      check_decimal(fresh_item.trade.price);
      check_decimal(fresh_item.trade.quantity);
    }
    check_item(fresh_item, fresh_line);
    accepted.push_back(Accepted{i + 1, fresh_item.type, fresh_item.recv_ns});
  }
  return accepted;
}

struct Fd {
  int fd = -1;
  explicit Fd(int descriptor) : fd(descriptor) {}
  Fd(Fd&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// `size` bytes in a memfd; its path is /proc/self/fd/<fd>.
Fd memfd_with(const std::uint8_t* data, std::size_t size) {
  Fd file(memfd_create("fuzz_replay", 0));
  FUZZ_CHECK(file.fd >= 0);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = write(file.fd, data + done, size - done);
    FUZZ_CHECK(n > 0);
    done += static_cast<std::size_t>(n);
  }
  return file;
}

std::string path_of(const Fd& file) {
  return "/proc/self/fd/" + std::to_string(file.fd);
}

// Level 3: plain text in two files at the first line boundary after the middle, merged.
void read_as_two_inputs(const std::uint8_t* data, std::size_t size,
                        const std::vector<Accepted>& lines) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n', size / 2);
  if (newline == std::string_view::npos || newline + 1 >= size) return;
  const std::size_t cut = newline + 1;
  const Fd first = memfd_with(data, cut);
  const Fd second = memfd_with(data + cut, size - cut);
  std::string error;
  const std::unique_ptr<ReplayReader> reader =
      ReplayReader::open(std::vector<std::string>{path_of(first), path_of(second)}, error);
  FUZZ_CHECK(reader != nullptr);
  const std::uint64_t first_lines =
      static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + cut, '\n'));
  ReplayItem item;
  std::uint64_t items = 0;
  std::uint64_t previous_line[2] = {0, 0};
  while (reader->next(item)) {
    const bool in_first = item.source == path_of(first);
    FUZZ_CHECK(in_first || item.source == path_of(second));
    FUZZ_CHECK(item.line > previous_line[in_first ? 0 : 1]);
    previous_line[in_first ? 0 : 1] = item.line;
    // The same line as in the single file, whose type it has.
    const std::uint64_t whole_line = in_first ? item.line : first_lines + item.line;
    const auto match = std::find_if(lines.begin(), lines.end(), [&](const Accepted& accepted) {
      return accepted.line == whole_line;
    });
    FUZZ_CHECK(match != lines.end() && match->type == item.type && match->recv_ns == item.recv_ns);
    ++items;
  }
  FUZZ_CHECK(items == lines.size());
  FUZZ_CHECK(reader->stats().items == items);
}

// Level 2.
void read_as_file(const std::uint8_t* data, std::size_t size, const std::vector<Accepted>& lines) {
  const Fd file = memfd_with(data, size);
  const std::string path = path_of(file);
  std::string error;
  std::unique_ptr<ReplayReader> reader = ReplayReader::open(path, error);
  FUZZ_CHECK(reader != nullptr);  // an existing readable file always opens (even an empty one)

  ReplayItem item;
  std::vector<Accepted> items;
  std::uint64_t previous_line = 0;
  while (reader->next(item)) {
    FUZZ_CHECK(item.source == path);
    FUZZ_CHECK(item.line > previous_line);
    previous_line = item.line;
    items.push_back(Accepted{item.line, item.type, item.recv_ns});
  }
  FUZZ_CHECK(!reader->next(item));  // the end stays the end
  const ReplayStats& stats = reader->stats();
  FUZZ_CHECK(stats.items == items.size());
  FUZZ_CHECK(stats.raw_lines + stats.ndjson_lines + stats.cryptofeed_lines == stats.items);
  std::uint64_t timed = 0;
  for (const std::uint64_t count : stats.time_units) timed += count;
  FUZZ_CHECK(timed <= stats.raw_lines + stats.cryptofeed_lines);
  FUZZ_CHECK(stats.items + stats.bad_lines <= stats.lines);
  FUZZ_CHECK(previous_line <= stats.lines);
  FUZZ_CHECK(stats.first_bad_lines.size() ==
             std::min<std::uint64_t>(stats.bad_lines, ReplayStats::kMaxListedBadLines));
  for (const ReplayLineError& bad : stats.first_bad_lines) {
    FUZZ_CHECK(bad.line >= 1 && bad.line <= stats.lines && !bad.reason.empty());
  }

  const bool gzip = size >= 2 && data[0] == kGzipMagic[0] && data[1] == kGzipMagic[1];
  if (gzip) return;  // decompressed content is not the input: only the checks above apply
  FUZZ_CHECK(stats.truncated_sources.empty() && stats.io_errors.empty());
  FUZZ_CHECK(items.size() == lines.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    FUZZ_CHECK(items[i].line == lines[i].line && items[i].type == lines[i].type);
    FUZZ_CHECK(items[i].recv_ns == lines[i].recv_ns);
  }
  read_as_two_inputs(data, size, lines);
}

// Opening a reader costs ~1 ms under ASan (it maps ~1 MB of zlib and line buffers), 20 times the
// line parsing: only gzip inputs and one plain input in eight (by content, so a given input always
// takes the same path) go through the file level.
bool read_as_file_too(const std::uint8_t* data, std::size_t size) {
  if (size >= 2 && data[0] == kGzipMagic[0] && data[1] == kGzipMagic[1]) return true;
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 16777619u;
  return hash % 8 == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<Accepted> accepted = parse_lines(text);
  if (read_as_file_too(data, size)) read_as_file(data, size, accepted);
  return 0;
}

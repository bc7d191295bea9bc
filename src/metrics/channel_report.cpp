#include "metrics/channel_report.hpp"

#include <map>

#include "metrics/json_fields.hpp"

namespace depthrec {
namespace {

using metrics_document::Writer;

// The figures a stream entry and a channel's sum share.
void counts(Writer& w, const ChannelFigures& f) {
  json_fields::count(w, "frames", f.frames);
  json_fields::count(w, "bytes", f.bytes);
  json_fields::count(w, "events", f.events);
  json_fields::count(w, "gaps", f.gaps);
  json_fields::count(w, "missing_ids", f.missing_ids);
  json_fields::count(w, "duplicates", f.duplicates);
  json_fields::count(w, "backwards", f.backwards);
  json_fields::count(w, "other_symbol", f.other_symbol);
  json_fields::key(w, "parse_errors");
  w.StartObject();
  json_fields::count(w, "total", f.parse_errors);
  for (std::size_t i = 1; i < f.parse_errors_by_kind.size(); ++i) {
    json_fields::count(w, std::string(to_string(static_cast<ParseError>(i))).c_str(),
                       f.parse_errors_by_kind[i]);
  }
  w.EndObject();
  const RepairFigures& r = f.repairs;
  json_fields::key(w, "repairs");  // --repair-trades; zero without it
  w.StartObject();
  json_fields::count(w, "requested", r.requested);
  json_fields::count(w, "filled", r.filled);
  json_fields::count(w, "partial", r.partial);
  json_fields::count(w, "failed", r.failed);
  json_fields::count(w, "requests", r.requests);
  json_fields::count(w, "trades", r.trades);
  json_fields::count(w, "answer_errors", r.answer_errors);
  json_fields::count(w, "ignored_ids", r.ignored_ids);
  w.EndObject();
}

void add(RepairFigures& sum, const RepairFigures& r) {
  sum.requested += r.requested;
  sum.filled += r.filled;
  sum.partial += r.partial;
  sum.failed += r.failed;
  sum.requests += r.requests;
  sum.trades += r.trades;
  sum.answer_errors += r.answer_errors;
  sum.ignored_ids += r.ignored_ids;
}

void add(ChannelFigures& sum, const ChannelFigures& f) {
  sum.frames += f.frames;
  sum.bytes += f.bytes;
  sum.events += f.events;
  sum.gaps += f.gaps;
  sum.missing_ids += f.missing_ids;
  sum.duplicates += f.duplicates;
  sum.backwards += f.backwards;
  sum.other_symbol += f.other_symbol;
  sum.parse_errors += f.parse_errors;
  add(sum.repairs, f.repairs);
  for (std::size_t i = 0; i < f.parse_errors_by_kind.size(); ++i)
    sum.parse_errors_by_kind[i] += f.parse_errors_by_kind[i];
}

}  // namespace

void write_channel_members(Writer& w, const std::vector<ChannelFigures>& streams) {
  std::map<std::string, std::pair<std::size_t, ChannelFigures>> sums;  // by channel name
  json_fields::key(w, "channel_streams");
  w.StartArray();
  for (const ChannelFigures& f : streams) {
    w.StartObject();
    json_fields::text(w, "stream", f.stream);
    json_fields::text(w, "market", std::string(to_string(f.market)));
    json_fields::text(w, "symbol", f.symbol);
    json_fields::text(w, "channel", f.channel);
    json_fields::text(w, "state", f.removed ? "removed" : "recording");
    counts(w, f);
    json_fields::key(w, "last_id");
    if (f.last_id) {
      w.Uint64(*f.last_id);
    } else {
      w.Null();
    }
    json_fields::key(w, "last_event_time_ms");
    if (f.last_event_time_ms > 0) {
      w.Int64(f.last_event_time_ms);
    } else {
      w.Null();
    }
    w.EndObject();
    auto& [count, sum] = sums[f.channel];
    ++count;
    add(sum, f);
  }
  w.EndArray();
  json_fields::key(w, "channels");
  w.StartObject();
  for (const auto& [name, entry] : sums) {
    json_fields::key(w, name.c_str());
    w.StartObject();
    json_fields::count(w, "streams", entry.first);
    counts(w, entry.second);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace depthrec

#include "depthrec/stream_metrics.hpp"

#include "metrics/channel_report.hpp"

#include <algorithm>
#include <cmath>

#include "depthrec/metrics_report.hpp"
#include "metrics/json_fields.hpp"
#include "metrics/metrics_document.hpp"

namespace depthrec {
namespace {

// Counters and rates; the histogram summaries come from the merged histograms.
void merge_figures(FeedFigures& into, const FeedFigures& f) {
  into.counters += f.counters;
  into.seconds = std::max(into.seconds, f.seconds);
  into.recv_rate += f.recv_rate;
  into.bytes_rate += f.bytes_rate;
}

void merge_gaps(std::vector<std::pair<std::string, std::uint64_t>>& into,
                const std::vector<std::pair<std::string, std::uint64_t>>& gaps) {
  for (const auto& gap : gaps) {
    // (C++17 lambdas cannot capture a structured binding: clang refuses it.)
    auto it =
        std::find_if(into.begin(), into.end(), [&](const auto& g) { return g.first == gap.first; });
    if (it == into.end()) {
      into.emplace_back(gap);
    } else {
      it->second += gap.second;
    }
  }
}

using Writer = metrics_document::Writer;
using namespace json_fields;

double ms(std::int64_t ns) {
  return ns < 0 ? -1.0 : std::round(static_cast<double>(ns) / 1e3) / 1e3;
}

// {"p50":..,"p95":..,"p99":..,"max":..} in ms of a histogram in us.
void percentiles_ms(Writer& w, const HistogramSummary& us) {
  w.StartObject();
  number(w, "p50", static_cast<double>(us.p50) / 1e3);
  number(w, "p95", static_cast<double>(us.p95) / 1e3);
  number(w, "p99", static_cast<double>(us.p99) / 1e3);
  number(w, "max", static_cast<double>(us.max) / 1e3);
  w.EndObject();
}

void stream_entry(Writer& w, const MetricsSnapshot& s, const StreamStatus* status) {
  const FeedCounters& c = s.run.counters;
  w.StartObject();
  text(w, "stream", s.key.stream);
  text(w, "market", std::string(to_string(s.key.market)));
  text(w, "symbol", s.key.symbol);
  if (status != nullptr) {
    text(w, "state", status->removed ? "removed" : "recording");
    if (status->removed) text(w, "removed_reason", status->removed_reason);
    count(w, "subscription_errors", status->subscription_errors);
  }
  count(w, "total_messages", c.messages);
  number(w, "recv_rate", round_to(s.run.recv_rate, 2));
  count(w, "ticker_messages", c.ticker_messages);
  w.Key("continuity");
  w.StartObject();
  count(w, "breaks", c.breaks);
  count(w, "resyncs", c.resyncs);
  count(w, "reconnects", c.reconnects);
  count(w, "gaps", c.gaps);
  count(w, "stale_dropped", c.stale_dropped);
  count(w, "duplicates", c.duplicates);
  count(w, "parse_errors", c.parse_errors);
  w.EndObject();
  w.Key("snapshots");
  w.StartObject();
  count(w, "ok", c.snapshot_ok);
  count(w, "failed", c.snapshot_failed);
  count(w, "rate_limited", c.snapshot_rate_limited);
  count(w, "banned", c.snapshot_banned);
  count(w, "consecutive_failures", s.snapshot_failures_in_a_row);
  w.EndObject();
  w.Key("sync");
  w.StartObject();
  number(w, "initial_sync_ms", ms(s.sync.initial_sync_ns));
  number(w, "last_resync_ms", ms(s.sync.last_resync_ns));
  number(w, "max_resync_ms", ms(s.sync.max_resync_ns));
  flag(w, "in_progress", s.sync.in_progress);
  w.EndObject();
  w.Key("book");
  w.StartObject();
  flag(w, "synced", s.book.synced);
  count(w, "last_update_id", s.book.last_update_id);
  text(w, "best_bid", s.book.best_bid);
  text(w, "best_ask", s.book.best_ask);
  count(w, "levels_dropped", s.book.levels_dropped);
  number(w, "unsynced_ms", round_to(static_cast<double>(s.book.unsynced_ns) / 1e6, 3));
  w.EndObject();
  if (s.presync.bounded) metrics_document::write_presync(w, s.presync, false);
  key(w, "latency_ms");
  percentiles_ms(w, s.run.event_latency_us);
  if (s.run.event_latency_corrected_us.count > 0) {  // only with a clock offset estimate
    key(w, "event_latency_corrected_ms");
    percentiles_ms(w, s.run.event_latency_corrected_us);
  }
  number(w, "last_message_age_ms", ms(s.last_message_age_ns));
  w.EndObject();
}

}  // namespace

MetricsSnapshot aggregate_metrics(const std::vector<MetricsSnapshot>& streams,
                                  const FeedMetrics::MergedHistograms& merged) {
  std::vector<const MetricsSnapshot*> pointers;
  pointers.reserve(streams.size());
  for (const MetricsSnapshot& s : streams) pointers.push_back(&s);
  return aggregate_metrics(pointers, merged);
}

MetricsSnapshot aggregate_metrics(const std::vector<const MetricsSnapshot*>& streams,
                                  const FeedMetrics::MergedHistograms& merged) {
  MetricsSnapshot out = *streams.front();
  merged.run.summarise(out.run);
  merged.window.summarise(out.window);
  for (std::size_t i = 1; i < streams.size(); ++i) {
    const MetricsSnapshot& s = *streams[i];
    merge_figures(out.run, s.run);
    merge_figures(out.window, s.window);
    for (std::size_t e = 0; e < out.parse_errors.size(); ++e)
      out.parse_errors[e] += s.parse_errors[e];
    merge_gaps(out.gaps, s.gaps);
    const bool all_synced = out.sync.initial_sync_ns >= 0 && s.sync.initial_sync_ns >= 0;
    out.sync.initial_sync_ns =
        all_synced ? std::max(out.sync.initial_sync_ns, s.sync.initial_sync_ns) : -1;
    out.sync.last_resync_ns = std::max(out.sync.last_resync_ns, s.sync.last_resync_ns);
    out.sync.max_resync_ns = std::max(out.sync.max_resync_ns, s.sync.max_resync_ns);
    out.sync.in_progress = out.sync.in_progress || s.sync.in_progress;
    out.sync.in_progress_ns = std::max(out.sync.in_progress_ns, s.sync.in_progress_ns);
    out.snapshot_failures_in_a_row =
        std::max(out.snapshot_failures_in_a_row, s.snapshot_failures_in_a_row);
    out.book.synced = out.book.synced && s.book.synced;
    out.book.unsynced_ns = std::max(out.book.unsynced_ns, s.book.unsynced_ns);
    out.book.levels_dropped += s.book.levels_dropped;
    out.presync.bounded = out.presync.bounded || s.presync.bounded;
    out.presync.buffered_bytes += s.presync.buffered_bytes;
    out.presync.tail_trimmed += s.presync.tail_trimmed;
    out.presync.budget_dropped += s.presync.budget_dropped;
    out.presync.snapshots_too_old += s.presync.snapshots_too_old;
    if (s.last_message_age_ns >= 0 &&
        (out.last_message_age_ns < 0 || s.last_message_age_ns < out.last_message_age_ns))
      out.last_message_age_ns = s.last_message_age_ns;
  }
  return out;
}

std::string to_metrics_json(const MetricsSnapshot& aggregate,
                            const std::vector<MetricsSnapshot>& streams,
                            const SelectionFigures* selection,
                            const std::vector<StreamStatus>* statuses,
                            const std::vector<ChannelFigures>* channels) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  metrics_document::configure(w);
  w.StartObject();
  metrics_document::write_members(w, aggregate);
  if (selection != nullptr) {
    key(w, "symbols");
    w.StartObject();
    json_fields::count(w, "recorded", selection->recorded);
    json_fields::count(w, "not_recorded", selection->not_recorded);
    json_fields::count(w, "capped", selection->capped);
    json_fields::count(w, "unfit_names", selection->unfit_names);
    json_fields::count(w, "exchange_info_failures", selection->exchange_info_failures);
    json_fields::count(w, "listed", selection->listed);
    json_fields::count(w, "removed", selection->removed);
    json_fields::count(w, "retuned", selection->retuned);
    w.EndObject();
    json_fields::count(w, "subscription_errors", selection->subscription_errors);
  }
  key(w, "streams");
  w.StartArray();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const StreamStatus* status =
        statuses != nullptr && i < statuses->size() ? &(*statuses)[i] : nullptr;
    stream_entry(w, streams[i], status);
  }
  w.EndArray();
  if (channels != nullptr && !channels->empty()) write_channel_members(w, *channels);
  w.EndObject();
  return metrics_document::text_of(buffer);
}

}  // namespace depthrec

// The one writer of metrics.json: the single-stream document (metrics_report.cpp) and the
// many-stream one (stream_metrics.cpp) are written through the same pretty writer, the seed's
// members first, so a many-stream file is the single-stream file plus its `streams` member
// (no text surgery: the writer places commas, indentation and escapes).
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string>

#include "depthrec/metrics_snapshot.hpp"

namespace depthrec::metrics_document {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// A writer with metrics.json's indentation (2 spaces).
inline void configure(Writer& w) {
  w.SetIndent(' ', 2);
}

// Every top-level member of metrics.json for `snapshot`, inside an object the caller opened.
void write_members(Writer& w, const MetricsSnapshot& snapshot);

// The `presync` member (a many-stream run's pre-sync bounds): a stream's figures, and with
// `run_wide` the shared bound's too (the top level).
void write_presync(Writer& w, const PresyncState& presync, bool run_wide);

// The finished document's text, ending with a newline.
inline std::string text_of(const rapidjson::StringBuffer& buffer) {
  std::string text(buffer.GetString(), buffer.GetSize());
  text += '\n';
  return text;
}

}  // namespace depthrec::metrics_document

// depthrec-check on every entry of a many-stream metrics.json's `streams` (issue 12): the same
// limits as the top level, each stream's own figures, only the alerts kept (see metrics_check.hpp).
#pragma once

#include <rapidjson/document.h>

#include "depthrec/metrics_check.hpp"

namespace depthrec {

// Checks doc["streams"] (absent: nothing to do) into report.streams, raising report.status;
// `corrected_latency`: the top level's choice of latency, followed by the entries that have it.
void check_streams(const rapidjson::Value& doc, const CheckOptions& options, bool corrected_latency,
                   CheckReport& report);

}  // namespace depthrec

// The families of what the process has once, whatever its streams: the writer, the text log and
// the REST budget (from the snapshot that carries them: the first recorded stream's; no labels but
// the budget's), and the standard process_* figures.
#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "depthrec/metrics_snapshot.hpp"
#include "exposition/process_figures.hpp"

namespace depthrec::exposition {

void add_process_wide_families(std::vector<prometheus::MetricFamily>& families,
                               const MetricsSnapshot& process_wide);
void add_process_families(std::vector<prometheus::MetricFamily>& families,
                          const ProcessFigures& process);

}  // namespace depthrec::exposition

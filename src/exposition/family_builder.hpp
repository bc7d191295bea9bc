// Building prometheus-cpp's MetricFamily values by hand (the exposition's families are built at
// scrape time from snapshots, not kept in prometheus-cpp's registry): a family, and one value in
// it.
#pragma once

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace depthrec::exposition {

using Labels = std::vector<prometheus::ClientMetric::Label>;

// Appends an empty family and returns it (valid until the next append).
prometheus::MetricFamily& add_family(std::vector<prometheus::MetricFamily>& families,
                                     std::string name, std::string help,
                                     prometheus::MetricType type);
// One series: a counter's or a gauge's value, by the family's type.
void add_value(prometheus::MetricFamily& family, Labels labels, double value);

}  // namespace depthrec::exposition

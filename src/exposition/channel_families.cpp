#include "exposition/channel_families.hpp"

#include <string>

#include "exposition/family_builder.hpp"

namespace depthrec::exposition {

using prometheus::MetricType;

void add_trade_repair_families(std::vector<prometheus::MetricFamily>& families,
                               const std::vector<ChannelFigures>& channels) {
  std::vector<const ChannelFigures*> repairable;
  for (const ChannelFigures& f : channels) {
    if (f.channel == "aggTrade") repairable.push_back(&f);
  }
  if (repairable.empty()) return;
  const auto labels_of = [](const ChannelFigures& f) {
    return Labels{
        {"market", std::string(to_string(f.market))}, {"symbol", f.symbol}, {"channel", f.channel}};
  };
  prometheus::MetricFamily& repairs =
      add_family(families, "depthrec_trade_repairs_total",
                 "aggTrade id gaps by repair outcome: requested (asked for), filled (every id "
                 "recorded from REST), partial, failed",
                 MetricType::Counter);
  for (const ChannelFigures* f : repairable) {
    const std::pair<const char*, std::uint64_t> outcomes[] = {{"requested", f->repairs.requested},
                                                              {"filled", f->repairs.filled},
                                                              {"partial", f->repairs.partial},
                                                              {"failed", f->repairs.failed}};
    for (const auto& [outcome, value] : outcomes) {
      Labels labels = labels_of(*f);
      labels.push_back({"outcome", outcome});
      add_value(repairs, std::move(labels), static_cast<double>(value));
    }
  }
  struct Figure {
    const char* name;
    const char* help;
    std::uint64_t RepairFigures::*field;
  };
  const Figure figures[] = {
      {"depthrec_trade_repair_requests_total", "aggTrades REST requests made to repair gaps",
       &RepairFigures::requests},
      {"depthrec_trade_repair_trades_total",
       "Aggregate trades fetched from REST and recorded with source rest", &RepairFigures::trades},
      {"depthrec_trade_repair_answer_errors_total",
       "Repair requests that failed or answered what could not be read",
       &RepairFigures::answer_errors}};
  for (const Figure& figure : figures) {
    prometheus::MetricFamily& family =
        add_family(families, figure.name, figure.help, MetricType::Counter);
    for (const ChannelFigures* f : repairable)
      add_value(family, labels_of(*f), static_cast<double>(f->repairs.*figure.field));
  }
}

}  // namespace depthrec::exposition

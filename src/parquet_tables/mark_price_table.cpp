// The `markPrice` table: one row per markPrice event recorded (futures), its prices and funding
// rate exact (a negative rate is a negative unscaled DECIMAL).
#include <optional>

#include "column_values.hpp"
#include "export_tables.hpp"

namespace depthrec::export_parquet {
namespace {

using namespace depthrec::parquet;

enum MarkPriceColumn : std::size_t {
  kMarkRecv,
  kMarkEvent,
  kMarkPrice,
  kMarkIndex,
  kMarkSettle,
  kMarkFunding,
  kMarkNextFunding,
};

// An optional signed payload decimal at `scale`: nullopt (and `fits` true) when absent; `fits`
// false when it does not convert exactly.
std::optional<std::int64_t> signed_unscaled(const OptionalSignedDecimal& value, int scale,
                                            bool& fits) {
  if (!value.present) return std::nullopt;
  const std::optional<std::int64_t> magnitude = unscaled(value.magnitude, scale);
  if (!magnitude) {
    fits = false;
    return std::nullopt;
  }
  return value.negative ? -*magnitude : *magnitude;
}

}  // namespace

std::vector<ColumnSpec> mark_price_schema(const SymbolFacts& facts) {
  const int precision = facts.mark_price.precision();
  const int scale = facts.mark_price.scale;
  return {timestamp_nanos_column("recv_time"),
          timestamp_millis_column("event_time"),
          decimal_column("mark_price", precision, scale),
          decimal_column("index_price", precision, scale),
          decimal_column("estimated_settle_price", precision, scale, true),
          decimal_column("funding_rate", facts.funding_rate.precision(), facts.funding_rate.scale,
                         true),
          timestamp_millis_column("next_funding_time", true)};
}

long append_mark_price_row(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  const MarketEvent& mark = item.market_event;
  const std::optional<std::int64_t> price = unscaled(mark.price, facts.mark_price.scale);
  const std::optional<std::int64_t> index = unscaled(mark.index_price, facts.mark_price.scale);
  bool fits = price && index;
  const auto settle = signed_unscaled(mark.settle_price, facts.mark_price.scale, fits);
  const auto funding = signed_unscaled(mark.funding_rate, facts.funding_rate.scale, fits);
  if (!fits) return -1;
  writer.set_int64(kMarkRecv, item.recv_ns);
  writer.set_int64(kMarkEvent, mark.event_time_ms);
  writer.set_int64(kMarkPrice, *price);
  writer.set_int64(kMarkIndex, *index);
  if (settle) {
    writer.set_int64(kMarkSettle, *settle);
  } else {
    writer.set_null(kMarkSettle);
  }
  if (funding) {
    writer.set_int64(kMarkFunding, *funding);
  } else {
    writer.set_null(kMarkFunding);
  }
  set_time_ms(writer, kMarkNextFunding, mark.time_ms);  // 0 on delivery contracts: null
  return writer.end_row() ? 1 : -1;
}

}  // namespace depthrec::export_parquet

// The `forceOrder` table: one row per liquidation order event recorded (futures), its prices and
// quantity exact at the symbol's price and quantity scales.
#include <optional>

#include "column_values.hpp"
#include "export_tables.hpp"

namespace depthrec::export_parquet {
namespace {

using namespace depthrec::parquet;

enum ForceOrderColumn : std::size_t {
  kForceRecv,
  kForceEvent,
  kForceTrade,
  kForceSide,
  kForcePrice,
  kForceAverage,
  kForceQty,
  kForceStatus,
};

}  // namespace

std::vector<ColumnSpec> force_order_schema(const SymbolFacts& facts) {
  const int price_precision = facts.price.precision();
  return {timestamp_nanos_column("recv_time"),
          timestamp_millis_column("event_time"),
          timestamp_millis_column("trade_time"),
          dictionary_string_column("side"),
          decimal_column("price", price_precision, facts.price.scale),
          decimal_column("average_price", price_precision, facts.price.scale),
          decimal_column("quantity", facts.quantity.precision(), facts.quantity.scale),
          dictionary_string_column("status")};
}

long append_force_order_row(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  const MarketEvent& order = item.market_event;
  const std::optional<std::int64_t> price = unscaled(order.price, facts.price.scale);
  const std::optional<std::int64_t> average = unscaled(order.average_price, facts.price.scale);
  const std::optional<std::int64_t> qty = unscaled(order.quantity, facts.quantity.scale);
  if (!price || !average || !qty) return -1;
  writer.set_int64(kForceRecv, item.recv_ns);
  writer.set_int64(kForceEvent, order.event_time_ms);
  writer.set_int64(kForceTrade, order.time_ms);
  writer.set_bytes(kForceSide, order.side);
  writer.set_int64(kForcePrice, *price);
  writer.set_int64(kForceAverage, *average);
  writer.set_int64(kForceQty, *qty);
  writer.set_bytes(kForceStatus, order.status);
  return writer.end_row() ? 1 : -1;
}

}  // namespace depthrec::export_parquet

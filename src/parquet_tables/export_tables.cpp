#include "export_tables.hpp"

#include "column_values.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

namespace depthrec::export_parquet {
namespace {

using namespace depthrec::parquet;

// Column positions, in schema order.
enum DepthColumn : std::size_t {
  kDepthRecv,
  kDepthEvent,
  kDepthTransaction,
  kDepthFirstId,
  kDepthFinalId,
  kDepthPrevId,
  kDepthSide,
  kDepthPrice,
  kDepthQty,
  kDepthSnapshot,
};
enum TradeColumn : std::size_t {
  kTradeRecv,
  kTradeEvent,
  kTradeTime,
  kTradeId,
  kTradePrice,
  kTradeQty,
  kTradeBuyerMaker,
  kTradeFirstId,  // aggTrade only
  kTradeLastId,
};
enum GapColumn : std::size_t {
  kGapRecv,
  kGapStream,
  kGapRecord,
  kGapReason,
  kGapLastU,
  kGapExpected,
  kGapGotFirst,
  kGapGotPrev,
  kGapGotFinal,
  kGapFromId,
  kGapToId,
  kGapDropped,
  kGapSnapshotId,
  kGapFirstId,
  kGapFinalId,
};

long append_levels(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts,
                   bool snapshot) {
  long rows = 0;
  for (const Side side : {Side::bid, Side::ask}) {
    const std::vector<PriceLevel>& levels =
        snapshot ? (side == Side::bid ? item.snapshot.bids : item.snapshot.asks)
                 : (side == Side::bid ? item.depth.bids : item.depth.asks);
    for (const PriceLevel& level : levels) {
      // Converted before any value of the row is set: a refused row leaves the writer clean.
      const std::optional<std::int64_t> price = unscaled(level.price, facts.price.scale);
      const std::optional<std::int64_t> qty = unscaled(level.qty, facts.quantity.scale);
      if (!price || !qty) return -1;
      writer.set_int64(kDepthRecv, item.recv_ns);
      if (snapshot) {
        set_time_ms(writer, kDepthEvent, item.snapshot.event_time_ms);
        set_time_ms(writer, kDepthTransaction, item.snapshot.transaction_time_ms);
        writer.set_int64(kDepthFirstId, as_int64(item.snapshot.last_update_id));
        writer.set_int64(kDepthFinalId, as_int64(item.snapshot.last_update_id));
        writer.set_null(kDepthPrevId);
      } else {
        set_time_ms(writer, kDepthEvent, item.depth.event_time_ms);
        set_time_ms(writer, kDepthTransaction, item.depth.transaction_time_ms);
        writer.set_int64(kDepthFirstId, as_int64(item.depth.first_id));
        writer.set_int64(kDepthFinalId, as_int64(item.depth.final_id));
        if (item.depth.has_prev_final_id) {
          writer.set_int64(kDepthPrevId, as_int64(item.depth.prev_final_id));
        } else {
          writer.set_null(kDepthPrevId);
        }
      }
      writer.set_bytes(kDepthSide, side == Side::bid ? "bid" : "ask");
      writer.set_int64(kDepthPrice, *price);
      writer.set_int64(kDepthQty, *qty);
      writer.set_bool(kDepthSnapshot, snapshot);
      if (!writer.end_row()) return -1;
      ++rows;
    }
  }
  return rows;
}

}  // namespace

std::string_view channel_name(Table table) {
  switch (table) {
    case Table::depth:
      return "depth";
    case Table::trade:
      return "trade";
    case Table::agg_trade:
      return "aggTrade";
    case Table::gaps:
      return "gaps";
    case Table::book:
      return "book";
    case Table::book_ticker:
      return "bookTicker";
    case Table::kline:
      return "kline";
    case Table::mark_price:
      return "markPrice";
    case Table::force_order:
      return "forceOrder";
  }
  return "?";
}

std::vector<ColumnSpec> table_schema(Table table, const SymbolFacts& facts,
                                     std::size_t book_levels) {
  const int price_precision = facts.price.precision();
  const int qty_precision = facts.quantity.precision();
  switch (table) {
    case Table::depth:
      return {timestamp_nanos_column("recv_time"),
              timestamp_millis_column("event_time", true),
              timestamp_millis_column("transaction_time", true),
              int64_column("first_update_id"),
              int64_column("final_update_id"),
              int64_column("prev_final_update_id", true),
              dictionary_string_column("side"),
              decimal_column("price", price_precision, facts.price.scale),
              decimal_column("quantity", qty_precision, facts.quantity.scale),
              bool_column("is_snapshot")};
    case Table::trade:
    case Table::agg_trade: {
      std::vector<ColumnSpec> columns = {
          timestamp_nanos_column("recv_time"),
          timestamp_millis_column("event_time"),
          timestamp_millis_column("trade_time"),
          int64_column(table == Table::trade ? "trade_id" : "agg_trade_id"),
          decimal_column("price", price_precision, facts.price.scale),
          decimal_column("quantity", qty_precision, facts.quantity.scale),
          bool_column("buyer_is_maker")};
      if (table == Table::agg_trade) {
        columns.push_back(int64_column("first_trade_id"));
        columns.push_back(int64_column("last_trade_id"));
      }
      return columns;
    }
    case Table::gaps:
      return {timestamp_nanos_column("recv_time"),
              dictionary_string_column("stream", true),
              dictionary_string_column("record"),
              dictionary_string_column("reason", true),
              int64_column("last_u", true),
              int64_column("expected", true),
              int64_column("got_first_id", true),
              int64_column("got_prev_final_id", true),
              int64_column("got_final_id", true),
              int64_column("missing_from_id", true),
              int64_column("missing_to_id", true),
              int64_column("dropped"),
              int64_column("snapshot_update_id", true),
              int64_column("first_update_id", true),
              int64_column("final_update_id", true)};
    case Table::book:
      return book_schema(facts, book_levels);
    case Table::book_ticker:
      return book_ticker_schema(facts);
    case Table::kline:
      return kline_schema(facts);
    case Table::mark_price:
      return mark_price_schema(facts);
    case Table::force_order:
      return force_order_schema(facts);
  }
  return {};
}

long append_depth_rows(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  return append_levels(writer, item, facts, item.type == ReplayItemType::snapshot);
}

long append_trade_row(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  const TradeEvent& trade = item.trade;
  const std::optional<std::int64_t> price = unscaled(trade.price, facts.price.scale);
  const std::optional<std::int64_t> qty = unscaled(trade.quantity, facts.quantity.scale);
  if (!price || !qty) return -1;
  writer.set_int64(kTradeRecv, item.recv_ns);
  writer.set_int64(kTradeEvent, trade.event_time_ms);
  writer.set_int64(kTradeTime, trade.trade_time_ms);
  writer.set_int64(kTradeId, as_int64(trade.id));
  writer.set_int64(kTradePrice, *price);
  writer.set_int64(kTradeQty, *qty);
  writer.set_bool(kTradeBuyerMaker, trade.buyer_is_maker);
  if (trade.kind == TradeKind::agg_trade) {
    writer.set_int64(kTradeFirstId, as_int64(trade.first_trade_id));
    writer.set_int64(kTradeLastId, as_int64(trade.last_trade_id));
  }
  return writer.end_row() ? 1 : -1;
}

long append_gap_row(TableWriter& writer, const ReplayItem& item) {
  const ReplayMarker& marker = item.marker;
  const bool gap = marker.type == MarkerType::gap;
  writer.set_int64(kGapRecv, item.recv_ns);
  if (item.stream.empty()) {
    writer.set_null(kGapStream);
  } else {
    writer.set_bytes(kGapStream, item.stream);
  }
  writer.set_bytes(kGapRecord, gap ? "gap" : "resync");
  if (marker.reason.empty()) {
    writer.set_null(kGapReason);
  } else {
    writer.set_bytes(kGapReason, marker.reason);
  }
  const std::optional<std::uint64_t> none;
  set_optional_id(writer, kGapLastU, gap ? marker.last_u : none);
  set_optional_id(writer, kGapExpected, gap ? marker.expected : none);
  set_optional_id(writer, kGapGotFirst, gap ? marker.got_first_id : none);
  set_optional_id(writer, kGapGotPrev, gap ? marker.got_prev_final_id : none);
  set_optional_id(writer, kGapGotFinal, gap ? marker.got_final_id : none);
  set_optional_id(writer, kGapFromId, gap ? marker.id_from : none);
  set_optional_id(writer, kGapToId, gap ? marker.id_to : none);
  // gap: records lost (0 when the record does not say: an id_gap's are its missing ids); resync:
  // stale events dropped before the sync.
  writer.set_int64(kGapDropped, as_int64(gap ? marker.dropped : marker.dropped_stale));
  set_optional_id(writer, kGapSnapshotId,
                  gap ? none : std::optional<std::uint64_t>(marker.last_update_id));
  set_optional_id(writer, kGapFirstId, gap ? none : std::optional<std::uint64_t>(marker.first_id));
  set_optional_id(writer, kGapFinalId, gap ? none : std::optional<std::uint64_t>(marker.final_id));
  return writer.end_row() ? 1 : -1;
}

}  // namespace depthrec::export_parquet

#include "parquet_tables/table_route.hpp"

#include <cstdio>

#include "recording/utc_time.hpp"

namespace depthrec::export_parquet {

TableRoute route_item(const ReplayItem& item) {
  switch (item.type) {
    case ReplayItemType::depth:
    case ReplayItemType::snapshot:
      return {Table::depth, {}};
    case ReplayItemType::marker:
      if (item.marker.type == MarkerType::gap || item.marker.type == MarkerType::resync) {
        return {Table::gaps, {}};
      }
      return {std::nullopt, std::string(to_string(item.marker.type)) + " records (not exported)"};
    case ReplayItemType::ticker:
      return {Table::book_ticker, {}};
    case ReplayItemType::other:
      if (item.other_type == "trade" || item.other_type == "aggTrade") {
        if (!item.has_trade)
          return {std::nullopt, std::string(item.other_type) + " payloads refused"};
        return {item.trade.kind == TradeKind::trade ? Table::trade : Table::agg_trade, {}};
      }
      if (item.other_type == "markPrice" || item.other_type == "markPriceUpdate") {
        if (!item.has_market_event) return {std::nullopt, "markPrice payloads refused"};
        return {Table::mark_price, {}};
      }
      if (item.other_type == "forceOrder") {
        if (!item.has_market_event) return {std::nullopt, "forceOrder payloads refused"};
        return {Table::force_order, {}};
      }
      if (item.other_type == "kline") {
        if (!item.has_kline) return {std::nullopt, "kline payloads refused"};
        return {Table::kline, {}};
      }
      return {std::nullopt, "`" + std::string(item.other_type.empty() ? "?" : item.other_type) +
                                "` items (unknown or not exported)"};
  }
  return {std::nullopt, "unknown items"};
}

std::string utc_date(std::int64_t recv_ns) {
  const recording::UtcDateTime time = recording::utc_from_epoch_ms(recv_ns / 1'000'000);
  char text[16];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02d", static_cast<long long>(time.year),
                time.month, time.day);
  return text;
}

std::string partition_dir(const std::string& out_dir, Table table, const std::string& market,
                          const std::string& symbol, const std::string& date) {
  return out_dir + "/channel=" + std::string(channel_name(table)) + "/market=" + market +
         "/symbol=" + symbol + "/date=" + date;
}

long append_item_rows(parquet::TableWriter& writer, Table table, const ReplayItem& item,
                      const SymbolFacts& facts) {
  switch (table) {
    case Table::depth:
      return append_depth_rows(writer, item, facts);
    case Table::trade:
    case Table::agg_trade:
      return append_trade_row(writer, item, facts);
    case Table::gaps:
      return append_gap_row(writer, item);
    case Table::book_ticker:
      return append_book_ticker_row(writer, item, facts);
    case Table::kline:
      return append_kline_row(writer, item, facts);
    case Table::mark_price:
      return append_mark_price_row(writer, item, facts);
    case Table::force_order:
      return append_force_order_row(writer, item, facts);
    case Table::book:  // book states are rows of their own, not of an item
      return 0;
  }
  return -1;
}

}  // namespace depthrec::export_parquet

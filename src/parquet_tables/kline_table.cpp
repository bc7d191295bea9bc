// The `kline` table: one row per candle update recorded (`closed` marks a candle's last one),
// with seed 000's ten columns as exact decimals and the open/close times as TIMESTAMP(MILLIS).
#include <optional>

#include "column_values.hpp"
#include "export_tables.hpp"

namespace depthrec::export_parquet {
namespace {

using namespace depthrec::parquet;

enum KlineColumn : std::size_t {
  kKlineRecv,
  kKlineEvent,
  kKlineInterval,
  kKlineOpenTime,
  kKlineCloseTime,
  kKlineOpen,
  kKlineHigh,
  kKlineLow,
  kKlineClose,
  kKlineBaseVolume,
  kKlineQuoteVolume,
  kKlineTradeCount,
  kKlineTakerBase,
  kKlineTakerQuote,
  kKlineFirstTrade,
  kKlineLastTrade,
  kKlineClosed,
};

void set_trade_id(TableWriter& writer, std::size_t column, std::int64_t id) {
  if (id < 0) {
    writer.set_null(column);  // -1: no trade in the candle
  } else {
    writer.set_int64(column, id);
  }
}

}  // namespace

std::vector<ColumnSpec> kline_schema(const SymbolFacts& facts) {
  const auto price = [&](const char* name) {
    return decimal_column(name, facts.price.precision(), facts.price.scale);
  };
  const auto base = [&](const char* name) {
    return decimal_column(name, facts.quantity.precision(), facts.quantity.scale);
  };
  const auto quote = [&](const char* name) {
    return decimal_column(name, facts.quote.precision(), facts.quote.scale);
  };
  return {timestamp_nanos_column("recv_time"),
          timestamp_millis_column("event_time"),
          dictionary_string_column("interval"),
          timestamp_millis_column("open_time"),
          timestamp_millis_column("close_time"),
          price("open"),
          price("high"),
          price("low"),
          price("close"),
          base("base_volume"),
          quote("quote_volume"),
          int64_column("trade_count"),
          base("taker_buy_base_volume"),
          quote("taker_buy_quote_volume"),
          int64_column("first_trade_id", true),
          int64_column("last_trade_id", true),
          bool_column("closed")};
}

long append_kline_row(TableWriter& writer, const ReplayItem& item, const SymbolFacts& facts) {
  const KlineEvent& kline = item.kline;
  const std::optional<std::int64_t> values[] = {
      unscaled(kline.open, facts.price.scale),
      unscaled(kline.high, facts.price.scale),
      unscaled(kline.low, facts.price.scale),
      unscaled(kline.close, facts.price.scale),
      unscaled(kline.base_volume, facts.quantity.scale),
      unscaled(kline.quote_volume, facts.quote.scale),
      unscaled(kline.taker_buy_base_volume, facts.quantity.scale),
      unscaled(kline.taker_buy_quote_volume, facts.quote.scale)};
  for (const auto& value : values) {
    if (!value) return -1;
  }
  writer.set_int64(kKlineRecv, item.recv_ns);
  writer.set_int64(kKlineEvent, kline.event_time_ms);
  writer.set_bytes(kKlineInterval, to_string(kline.interval));
  writer.set_int64(kKlineOpenTime, kline.open_time_ms);
  writer.set_int64(kKlineCloseTime, kline.close_time_ms);
  writer.set_int64(kKlineOpen, *values[0]);
  writer.set_int64(kKlineHigh, *values[1]);
  writer.set_int64(kKlineLow, *values[2]);
  writer.set_int64(kKlineClose, *values[3]);
  writer.set_int64(kKlineBaseVolume, *values[4]);
  writer.set_int64(kKlineQuoteVolume, *values[5]);
  writer.set_int64(kKlineTradeCount, as_int64(kline.trade_count));
  writer.set_int64(kKlineTakerBase, *values[6]);
  writer.set_int64(kKlineTakerQuote, *values[7]);
  set_trade_id(writer, kKlineFirstTrade, kline.first_trade_id);
  set_trade_id(writer, kKlineLastTrade, kline.last_trade_id);
  writer.set_bool(kKlineClosed, kline.closed);
  return writer.end_row() ? 1 : -1;
}

}  // namespace depthrec::export_parquet

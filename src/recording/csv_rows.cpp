#include "recording/csv_rows.hpp"

#include <array>
#include <charconv>
#include <initializer_list>

#include "depthrec/market.hpp"

namespace depthrec::recording {
namespace {

// Numbers are read as their text (kParseNumbersAsStringsFlag): ids and times are copied exactly
// as recorded, whatever their size, and no value goes through a double.
constexpr unsigned kParseFlags = rapidjson::kParseNumbersAsStringsFlag;

constexpr std::array<std::string_view, 9> kHeaders{
    "recv_ns,event_time,transaction_time,first_update_id,final_update_id,prev_final_update_id,"
    "kind,side,price,quantity\n",
    "recv_ns,last_update_id,event_time,transaction_time,side,price,quantity\n",
    "recv_ns,event_time,trade_time,trade_id,price,quantity,is_buyer_maker,source\n",
    "recv_ns,event_time,trade_time,agg_trade_id,price,quantity,first_trade_id,last_trade_id,"
    "is_buyer_maker,source\n",
    "open_time,open,high,low,close,base_volume,quote_volume,trade_count,taker_buy_base_volume,"
    "taker_buy_quote_volume,close_time,closed,first_trade_id,last_trade_id,event_time,recv_ns\n",
    "recv_ns,update_id,bid_price,bid_quantity,ask_price,ask_quantity,event_time,transaction_time\n",
    "recv_ns,event_time,mark_price,index_price,estimated_settle_price,funding_rate,"
    "next_funding_time\n",
    "recv_ns,event_time,side,order_type,time_in_force,quantity,price,average_price,order_status,"
    "last_filled_quantity,filled_accumulated_quantity,trade_time\n",
    "recv_ns,type,stream,reason,record\n",
};

using Value = rapidjson::Value;

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// A scalar's text: a string or number as recorded, true/false, and "" for null or absent. An
// array or object is no column's value: false.
bool scalar_text(const Value* value, std::string_view& text) {
  if (!value || value->IsNull()) {
    text = {};
  } else if (value->IsString()) {
    text = std::string_view(value->GetString(), value->GetStringLength());
  } else if (value->IsBool()) {
    text = value->GetBool() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

// Appends the named members of `object` as fields, each after a comma.
bool append_members(std::string& out, const Value& object,
                    std::initializer_list<const char*> names) {
  for (const char* name : names) {
    std::string_view text;
    if (!scalar_text(member(object, name), text)) return false;
    out += ',';
    append_csv_field(out, text);
  }
  return true;
}

// Rows of level arrays [["price","qty"],...], one per level after `prefix`.
bool append_level_rows(std::string& rows, const std::string& prefix, const Value* levels,
                       std::string_view side, std::size_t& count) {
  if (!levels || levels->IsNull()) return true;
  if (!levels->IsArray()) return false;
  for (const Value& level : levels->GetArray()) {
    if (!level.IsArray() || level.Size() < 2) return false;
    std::string_view price, qty;
    if (!scalar_text(&level[0], price) || !scalar_text(&level[1], qty)) return false;
    rows += prefix;
    rows += side;
    rows += ',';
    append_csv_field(rows, price);
    rows += ',';
    append_csv_field(rows, qty);
    rows += '\n';
    ++count;
  }
  return true;
}

bool depth_rows(const Value& record, std::string& rows, std::string& prefix) {
  std::string_view recv;
  scalar_text(member(record, "recv_ns"), recv);
  prefix.assign(recv);
  if (!append_members(prefix, record, {"E", "T", "U", "u", "pu", "kind"})) return false;
  prefix += ',';
  std::size_t count = 0;
  if (!append_level_rows(rows, prefix, member(record, "b"), "bid", count) ||
      !append_level_rows(rows, prefix, member(record, "a"), "ask", count))
    return false;
  // An event without levels is still an event: one row with empty side, price and quantity.
  if (count == 0) rows.append(prefix).append(",,\n");
  return true;
}

bool snapshot_rows(const Value& record, std::string& rows, std::string& prefix) {
  std::string_view recv;
  scalar_text(member(record, "recv_ns"), recv);
  prefix.assign(recv);
  if (!append_members(prefix, record, {"lastUpdateId", "E", "T"})) return false;
  prefix += ',';
  std::size_t count = 0;
  return append_level_rows(rows, prefix, member(record, "bids"), "bid", count) &&
         append_level_rows(rows, prefix, member(record, "asks"), "ask", count);
}

// trade, aggTrade: the event's columns from `data` (the payload or REST object as received).
bool trade_row(const Value& record, bool aggregate, std::string& row) {
  const Value* data = member(record, "data");
  if (!data || !data->IsObject()) return false;
  if (!append_members(row, record, {"E"}) || !append_members(row, *data, {"T"})) return false;
  if (!append_members(row, record, {"id"}) || !append_members(row, *data, {"p", "q"})) return false;
  if (aggregate && !append_members(row, *data, {"f", "l"})) return false;
  if (!append_members(row, *data, {"m"})) return false;
  std::string_view source;
  if (!scalar_text(member(record, "source"), source)) return false;
  row += ',';
  row += source.empty() ? std::string_view("ws") : source;
  return true;
}

bool kline_row(const Value& record, std::string& row) {
  const Value* k = member(record, "data") ? member(*member(record, "data"), "k") : nullptr;
  if (!k || !k->IsObject()) return false;
  std::string_view open_time;
  if (!scalar_text(member(*k, "t"), open_time)) return false;
  append_csv_field(row, open_time);
  return append_members(row, *k,
                        {"o", "h", "l", "c", "v", "q", "n", "V", "Q", "T", "x", "f", "L"}) &&
         append_members(row, record, {"E", "recv_ns"});
}

}  // namespace

std::string_view csv_header(CsvTable table) {
  return kHeaders[static_cast<std::size_t>(table)];
}

void append_csv_field(std::string& out, std::string_view text) {
  bool quote = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

CsvLineResult CsvRowFormatter::format(std::string_view line, CsvTarget& target, std::string& rows) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  document_.Parse<kParseFlags>(line.data(), line.size());
  if (document_.HasParseError() || !document_.IsObject()) return CsvLineResult::unreadable;
  const Value& record = document_;
  std::string_view type, market, symbol, stream, recv;
  if (!scalar_text(member(record, "type"), type) || type.empty()) return CsvLineResult::unreadable;

  CsvTable table;
  std::string stem;
  if (type == "depth") {
    table = CsvTable::depth;
    stem = "depth";
  } else if (type == "snapshot") {
    table = CsvTable::snapshot;
  } else if (type == "trade") {
    table = CsvTable::trade;
    stem = "trade";
  } else if (type == "aggTrade") {
    table = CsvTable::agg_trade;
    stem = "aggtrade";
  } else if (type == "kline") {
    table = CsvTable::kline;
  } else if (type == "ticker") {
    table = CsvTable::book_ticker;
    stem = "bookticker";
  } else if (type == "markPrice") {
    table = CsvTable::mark_price;
  } else if (type == "forceOrder") {
    table = CsvTable::force_order;
    stem = "forceorder";
  } else if (type == "gap" || type == "resync" || type == "gap_fill") {
    table = CsvTable::markers;
    stem = "markers";
  } else {
    return CsvLineResult::not_csv;
  }

  if (!scalar_text(member(record, "market"), market) ||
      !scalar_text(member(record, "symbol"), symbol) ||
      !scalar_text(member(record, "stream"), stream) ||
      !scalar_text(member(record, "recv_ns"), recv))
    return CsvLineResult::unreadable;
  if (market != "spot" && market != "usdm" && market != "coinm") return CsvLineResult::unreadable;
  // The symbol and interval become part of a file name: is_valid_symbol's letters, digits, '_'
  // and '-' only (COIN-M's BTCUSD_PERP), so that no record can name a path.
  if (!is_valid_symbol(symbol)) return CsvLineResult::unreadable;
  std::int64_t recv_ns = 0;
  const auto parsed = std::from_chars(recv.data(), recv.data() + recv.size(), recv_ns);
  if (parsed.ec != std::errc() || parsed.ptr != recv.data() + recv.size() || recv_ns < 0)
    return CsvLineResult::unreadable;

  if (table == CsvTable::snapshot) {
    stem.assign(symbol).append("_depth_snapshot");
  } else {
    if (table == CsvTable::kline) {
      std::string_view interval;
      if (!scalar_text(member(record, "interval"), interval) || !is_valid_symbol(interval))
        return CsvLineResult::unreadable;
      stem.assign("kline_").append(interval);
    } else if (table == CsvTable::mark_price) {
      // markPrice and markPrice@1s of one symbol are two streams: two files.
      const std::size_t at = stream.rfind('@');
      const std::string_view suffix = at == std::string_view::npos ? "" : stream.substr(at + 1);
      stem = "markprice";
      if (suffix != "markPrice" && is_valid_symbol(suffix))
        stem.append("_").append(to_lower(suffix));
    }
    stem.append("_").append(symbol);
  }

  const std::size_t rows_before = rows.size();
  bool ok = true;
  if (table == CsvTable::depth) {
    ok = depth_rows(record, rows, scratch_);
  } else if (table == CsvTable::snapshot) {
    ok = snapshot_rows(record, rows, scratch_);
  } else {
    std::string& row = scratch_;
    row.clear();
    if (table != CsvTable::kline) row.assign(recv);
    switch (table) {
      case CsvTable::trade:
      case CsvTable::agg_trade:
        ok = trade_row(record, table == CsvTable::agg_trade, row);
        break;
      case CsvTable::kline:
        ok = kline_row(record, row);
        break;
      case CsvTable::book_ticker: {
        // The decimals as sent when the record kept them ("sent", since issue 13), else the
        // canonical ones of older records.
        const Value* sent = member(record, "sent");
        ok = append_members(row, record, {"u"}) &&
             append_members(row, sent && sent->IsObject() ? *sent : record, {"b", "B", "a", "A"}) &&
             append_members(row, record, {"E", "T"});
        break;
      }
      case CsvTable::mark_price: {
        const Value* data = member(record, "data");
        ok = data && append_members(row, record, {"E"}) &&
             append_members(row, *data, {"p", "i", "P", "r", "T"});
        break;
      }
      case CsvTable::force_order: {
        const Value* data = member(record, "data");
        const Value* order = data ? member(*data, "o") : nullptr;
        ok = order && append_members(row, record, {"E"}) &&
             append_members(row, *order, {"S", "o", "f", "q", "p", "ap", "X", "l", "z", "T"});
        break;
      }
      case CsvTable::markers: {
        ok = append_members(row, record, {"type", "stream", "reason"});
        row += ',';
        append_csv_field(row, line);
        break;
      }
      default:
        ok = false;
    }
    if (ok) rows.append(row).append("\n");
  }
  if (!ok) {
    rows.resize(rows_before);
    return CsvLineResult::unreadable;
  }
  target.table = table;
  target.market.assign(market);
  target.file_stem = std::move(stem);
  target.recv_ns = recv_ns;
  return CsvLineResult::rows;
}

}  // namespace depthrec::recording

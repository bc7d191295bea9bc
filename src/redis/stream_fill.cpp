#include "redis/stream_fill.hpp"

#include <string_view>

namespace depthrec::redis {
namespace {

// Ids are compared as two 64-bit numbers written in decimal (Lua's numbers are doubles: exact
// only to 2^53), by length, then as text.
constexpr const char* kFillScript = R"lua(#!lua
local key = KEYS[1]
local function parts(id)
  return string.match(id, '^(%d+)-(%d+)$')
end
local function number_less(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
local function id_less(a, b)
  local am, as = parts(a)
  local bm, bs = parts(b)
  if am ~= bm then return number_less(am, bm) end
  return number_less(as, bs)
end
local function data_of(fields)
  for j = 1, #fields - 1, 2 do
    if fields[j] == 'data' then return fields[j + 1] end
  end
  return nil
end
local entries = {}
local i = 1
while i <= #ARGV do
  local count = tonumber(ARGV[i + 1])
  local fields = {}
  for j = 1, count do fields[j] = ARGV[i + 1 + j] end
  entries[#entries + 1] = {ARGV[i], fields}
  i = i + 2 + count
end
local present, missing, used = 0, {}, {}
for _, entry in ipairs(entries) do
  local ms, sub = parts(entry[1])
  if sub == '0' then
    if #redis.call('XRANGE', key, entry[1], entry[1]) > 0 then
      present = present + 1
    else
      missing[#missing + 1] = entry
    end
  else
    local data = data_of(entry[2])
    local found, taken, top = false, used[entry[1]] ~= nil, used[ms] or '0'
    for _, item in ipairs(redis.call('XRANGE', key, ms .. '-1', ms .. '-18446744073709551615')) do
      if data_of(item[2]) == data then found = true end
      if item[1] == entry[1] then taken = true end
      local _, item_sub = parts(item[1])
      if number_less(top, item_sub) then top = item_sub end
    end
    if found then
      present = present + 1
    else
      if taken then
        -- after every entry at <ms>-*: the live sink numbered its own gap entry first
        entry[1] = ms .. '-' .. string.format('%d', tonumber(top) + 1)
        _, sub = parts(entry[1])
      end
      used[entry[1]] = true
      if number_less(used[ms] or '0', sub) then used[ms] = sub end
      missing[#missing + 1] = entry
    end
  end
end
if #missing == 0 then return {0, present} end
table.sort(missing, function(a, b) return id_less(a[1], b[1]) end)
local top = nil
if redis.call('EXISTS', key) == 1 then
  local info = redis.call('XINFO', 'STREAM', key)
  for j = 1, #info - 1, 2 do
    if info[j] == 'last-generated-id' then top = info[j + 1] end
  end
end
local all = {}
for _, entry in ipairs(missing) do all[#all + 1] = entry end
if top ~= nil and not id_less(top, missing[1][1]) then
  -- below the top: the entries after the lowest missing id come out and go back in id order
  local tail = redis.call('XRANGE', key, '(' .. missing[1][1], '+')
  for j = 1, #tail, 500 do
    local ids = {}
    for k = j, math.min(j + 499, #tail) do ids[#ids + 1] = tail[k][1] end
    redis.call('XDEL', key, unpack(ids))
  end
  for _, item in ipairs(tail) do all[#all + 1] = item end
  local before = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  redis.call('XSETID', key, #before > 0 and before[1][1] or '0-0')
  table.sort(all, function(a, b) return id_less(a[1], b[1]) end)
end
for _, entry in ipairs(all) do
  redis.call('XADD', key, entry[1], unpack(entry[2]))
end
return {#missing, present}
)lua";

bool is_redis_drop_gap(const RedisReply& item, std::uint64_t first, std::uint64_t last) {
  if (item.kind != RedisReply::Kind::array || item.elements.size() != 2) return false;
  const auto& fields = item.elements[1].elements;
  std::string_view type, reason, from, to;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].text;
    if (name == "type") type = fields[i + 1].text;
    if (name == "reason") reason = fields[i + 1].text;
    if (name == "from") from = fields[i + 1].text;
    if (name == "to") to = fields[i + 1].text;
  }
  if (type != "gap" || reason != "redis_drop" || from.empty() || to.empty()) return false;
  if (from.find_first_not_of("0123456789") != std::string_view::npos ||
      to.find_first_not_of("0123456789") != std::string_view::npos || from.size() > 19 ||
      to.size() > 19)
    return false;  // "null": the range named no sequence, nothing to check it against
  return std::stoull(std::string(from)) >= first && std::stoull(std::string(to)) <= last;
}

}  // namespace

const std::string& fill_script() {
  static const std::string script(kFillScript);
  return script;
}

std::vector<std::string> fill_arguments(const std::vector<PlannedEntry>& entries) {
  std::vector<std::string> argv{"EVAL", fill_script(), "1",
                                entries.empty() ? std::string() : entries.front().key};
  for (const PlannedEntry& entry : entries) {
    argv.push_back(entry.id);
    argv.push_back(std::to_string(entry.fields.size() * 2));
    for (const auto& [name, value] : entry.fields) {
      argv.push_back(name);
      argv.push_back(value);
    }
  }
  return argv;
}

bool fill_batch(RedisConnection& connection, const std::vector<PlannedEntry>& entries,
                FillCounts& counts, std::string& error) {
  if (entries.empty()) return true;
  const std::vector<std::string> argv = fill_arguments(entries);
  const std::vector<std::string_view> views(argv.begin(), argv.end());
  const auto reply = connection.command(views, error);
  if (!reply) return false;
  if (reply->kind == RedisReply::Kind::array && reply->elements.size() == 2 &&
      reply->elements[0].kind == RedisReply::Kind::integer &&
      reply->elements[1].kind == RedisReply::Kind::integer) {
    counts.published += static_cast<std::uint64_t>(reply->elements[0].integer);
    counts.present += static_cast<std::uint64_t>(reply->elements[1].integer);
    return true;
  }
  counts.refused += entries.size();
  counts.last_error = entries.front().key + ": " +
                      (reply->kind == RedisReply::Kind::error ? reply->text : "unexpected reply");
  return true;
}

bool remove_filled_gaps(RedisConnection& connection, const std::string& key,
                        std::uint64_t first_sequence, std::uint64_t last_sequence,
                        FillCounts& counts, std::string& error) {
  std::string start = std::to_string(first_sequence) + "-0";
  const std::string end = std::to_string(last_sequence) + "-18446744073709551615";
  constexpr std::size_t kPage = 1000;
  for (;;) {
    const std::string page = std::to_string(kPage);
    const auto reply = connection.command({"XRANGE", key, start, end, "COUNT", page}, error);
    if (!reply) return false;
    if (reply->kind != RedisReply::Kind::array) {
      error = "XRANGE " + key + ": " + reply->text;
      return false;
    }
    for (const RedisReply& item : reply->elements) {
      if (!is_redis_drop_gap(item, first_sequence, last_sequence)) continue;
      const auto deleted = connection.command({"XDEL", key, item.elements[0].text}, error);
      if (!deleted) return false;
      if (deleted->kind == RedisReply::Kind::integer) counts.gaps_removed += deleted->integer;
    }
    if (reply->elements.size() < kPage) return true;
    start = "(" + reply->elements.back().elements.at(0).text;
  }
}

}  // namespace depthrec::redis

#include "reader_support.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>

#include "child_process.hpp"

namespace itest::parquet_readers {
namespace {

const std::string kScriptDir =
    std::string(DEPTHREC_SOURCE_DIR) + "/tests/integration/parquet_readers";
const std::string kReadersDir = std::string(DEPTHREC_BINARY_DIR) + "/npm-parquet";

Value text_of(const rapidjson::Value& value) {
  if (value.IsNull()) return std::nullopt;
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return std::string(value.GetBool() ? "true" : "false");
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  return std::nullopt;
}

std::string show(const Value& value) {
  return value ? "\"" + *value + "\"" : "null";
}

}  // namespace

const char* name(Reader reader) {
  return reader == Reader::hyparquet ? "hyparquet" : "duckdb";
}

std::string ensure_readers_installed() {
  ChildProcess install("/bin/bash", {kScriptDir + "/install.sh", kReadersDir},
                       make_temp_dir("parquet-readers-install") + "/output.txt");
  const auto code = install.wait_exit(std::chrono::seconds(170));
  if (code && *code == 0) return {};
  return "the Parquet readers (hyparquet, @duckdb/node-api) are not installed in " + kReadersDir +
         " and installing them failed: run tools/setup.sh (CI does), or " + kScriptDir +
         "/install.sh " + kReadersDir + "\n" + install.output();
}

namespace {

Dump dump_of(const rapidjson::Value& document) {
  Dump dump;
  dump.num_rows = document["num_rows"].GetUint64();
  dump.row_groups = document["row_groups"].GetUint64();
  if (document["created_by"].IsString()) dump.created_by = document["created_by"].GetString();
  for (const auto& member : document["key_value_metadata"].GetObject()) {
    dump.key_values[member.name.GetString()] =
        member.value.IsString() ? member.value.GetString() : "";
  }
  for (const auto& column : document["columns"].GetArray()) {
    dump.column_names.emplace_back(column["name"].GetString());
    dump.column_types.emplace_back(column["type"].GetString());
  }
  if (document.HasMember("statistics")) {
    for (const auto& entry : document["statistics"].GetArray()) {
      Statistic statistic;
      statistic.row_group = entry["row_group"].GetUint64();
      statistic.column = entry["column"].GetString();
      statistic.min = text_of(entry["min"]);
      statistic.max = text_of(entry["max"]);
      if (entry["null_count"].IsUint64()) statistic.null_count = entry["null_count"].GetUint64();
      if (entry["encodings"].IsString()) statistic.encodings = entry["encodings"].GetString();
      dump.statistics.push_back(std::move(statistic));
    }
  }
  for (const auto& row : document["rows"].GetArray()) {
    Row values;
    for (const auto& value : row.GetArray()) values.push_back(text_of(value));
    dump.rows.push_back(std::move(values));
  }
  return dump;
}

}  // namespace

std::vector<Dump> read_parquet_files(Reader reader, const std::vector<std::string>& paths) {
  const auto failed = [&](const std::string& error) {
    std::vector<Dump> dumps(paths.size());
    for (Dump& dump : dumps) dump.error = error;
    return dumps;
  };
  if (paths.empty()) return {};
  const std::string output = make_temp_dir(std::string("parquet-") + name(reader)) + "/dump.json";
  const std::string script =
      kScriptDir + (reader == Reader::hyparquet ? "/read_hyparquet.mjs" : "/read_duckdb.mjs");
  std::vector<std::string> args = {"PARQUET_READERS_DIR=" + kReadersDir, "node", script};
  args.insert(args.end(), paths.begin(), paths.end());
  // stdout is the JSON; node's errors go to the same file and make it unparsable, reported whole.
  ChildProcess node("/usr/bin/env", args, output);
  const auto code = node.wait_exit(std::chrono::seconds(100));
  const std::string text = node.output();
  if (!code || *code != 0) {
    return failed(std::string(name(reader)) + " exited " + (code ? std::to_string(*code) : "-") +
                  " on " + paths.front() + "...:\n" + text.substr(0, 2000));
  }
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError() || !document.IsArray() || document.Size() != paths.size()) {
    return failed(std::string(name(reader)) + " printed no JSON array:\n" + text.substr(0, 2000));
  }
  std::vector<Dump> dumps;
  for (const auto& entry : document.GetArray()) dumps.push_back(dump_of(entry));
  return dumps;
}

std::vector<Row> query_duckdb(const std::string& sql, std::string& error) {
  const std::string output = make_temp_dir("parquet-duckdb-query") + "/rows.json";
  ChildProcess node(
      "/usr/bin/env",
      {"PARQUET_READERS_DIR=" + kReadersDir, "node", kScriptDir + "/query_duckdb.mjs", sql},
      output);
  const auto code = node.wait_exit(std::chrono::seconds(100));
  const std::string text = node.output();
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (!code || *code != 0 || document.HasParseError() || !document.IsArray()) {
    error = "duckdb query failed (" + (code ? std::to_string(*code) : std::string("-")) + "):\n" +
            text.substr(0, 2000);
    return {};
  }
  std::vector<Row> rows;
  for (const auto& row : document.GetArray()) {
    Row values;
    for (const auto& value : row.GetArray()) values.push_back(text_of(value));
    rows.push_back(std::move(values));
  }
  return rows;
}

Dump read_parquet(Reader reader, const std::string& path) {
  return read_parquet_files(reader, {path}).front();
}

std::string compare_rows(Reader reader, const Dump& dump, const std::vector<std::string>& columns,
                         const std::vector<Row>& expected,
                         const std::vector<std::string>& nanos_columns) {
  const std::string who = name(reader);
  if (!dump.error.empty()) return dump.error;
  if (dump.column_names != columns) return who + ": columns differ from the schema";
  if (dump.num_rows != expected.size() || dump.rows.size() != expected.size()) {
    return who + ": " + std::to_string(dump.rows.size()) + " rows (footer " +
           std::to_string(dump.num_rows) + "), expected " + std::to_string(expected.size());
  }
  std::vector<bool> micros(columns.size(), false);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    micros[c] = reader == Reader::duckdb && std::find(nanos_columns.begin(), nanos_columns.end(),
                                                      columns[c]) != nanos_columns.end();
  }
  for (std::size_t r = 0; r < expected.size(); ++r) {
    if (dump.rows[r].size() != columns.size()) return who + ": row " + std::to_string(r) + " width";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      Value want = expected[r][c];
      if (want && micros[c]) want = std::to_string(std::stoll(*want) / 1000 * 1000);
      if (dump.rows[r][c] != want) {
        return who + ": row " + std::to_string(r) + " column " + columns[c] + " is " +
               show(dump.rows[r][c]) + ", the source says " + show(want);
      }
    }
  }
  return {};
}

std::string canonical_decimal(std::string text) {
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  const std::size_t first = text.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  if (text[first] == '.') return "0" + text.substr(first);
  return text.substr(first);
}

}  // namespace itest::parquet_readers

#include "config/yaml_reader.hpp"

#include <cmath>
#include <set>
#include <sstream>

namespace depthrec::config {
namespace {

std::string kind_of(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "empty";
  return "'" + node.Scalar() + "'";
}

std::string short_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::string child_key(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

int YamlReader::line_of(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? fallback : mark.line + 1;
}

std::string YamlReader::message(int line, const std::string& key, const std::string& why) const {
  return file_ + ":" + std::to_string(line) + ": " + (key.empty() ? "" : key + ": ") + why;
}

void YamlReader::fail(int line, const std::string& key, const std::string& why) const {
  throw ConfigError(message(line, key, why));
}

void YamlReader::check_unique_keys(const YAML::Node& node, const std::string& key, int line) const {
  if (!node.IsMap()) fail(line, key, "must be a mapping (key: value lines), not " + kind_of(node));
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const int entry_line = line_of(entry.first, line);
    if (!entry.first.IsScalar())
      fail(entry_line, key, "a key must be a plain name, not " + kind_of(entry.first));
    const std::string& name = entry.first.Scalar();
    if (!seen.insert(name).second)
      fail(entry_line, child_key(key, name), "set twice (a duplicate key)");
  }
}

void YamlReader::check_map(const YAML::Node& node, const std::string& key, int line,
                           const std::string_view* allowed, std::size_t count) const {
  check_unique_keys(node, key, line);
  for (const auto& entry : node) {
    const std::string& name = entry.first.Scalar();
    bool known = false;
    for (std::size_t i = 0; i < count; ++i) known = known || allowed[i] == name;
    if (known) continue;
    std::string list;
    for (std::size_t i = 0; i < count; ++i)
      list += (list.empty() ? "" : ", ") + std::string(allowed[i]);
    fail(line_of(entry.first, line), child_key(key, name),
         "unknown key (known here: " + list + ")");
  }
}

std::string YamlReader::text(const YAML::Node& node, const std::string& key, int line) const {
  if (!node.IsScalar()) fail(line_of(node, line), key, "must be a text, not " + kind_of(node));
  return node.Scalar();
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& key, int line) const {
  // yaml-cpp's as<bool>: YAML 1.1's words (true/false, yes/no, on/off, y/n; lower, Capitalised or
  // UPPER case). A quoted scalar ("true") is a string, and a number is not a boolean.
  bool value = false;
  const bool quoted = node.IsScalar() && node.Tag() == "!";
  if (!node.IsScalar() || quoted || !YAML::convert<bool>::decode(node, value))
    fail(line_of(node, line), key,
         "must be true or false (or yes/no, on/off), not " + kind_of(node) +
             (quoted ? " (quoted: a string)" : ""));
  return value;
}

double YamlReader::number(const YAML::Node& node, const std::string& key, int line, double min,
                          double max) const {
  double value = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value))
    fail(line_of(node, line), key, "must be a number, not " + kind_of(node));
  if (value < min || value > max)
    fail(line_of(node, line), key,
         "must be " + short_number(min) + " to " + short_number(max) + ", not " + node.Scalar());
  return value;
}

long long YamlReader::integer(const YAML::Node& node, const std::string& key, int line,
                              long long min, long long max) const {
  long long value = 0;
  if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value))
    fail(line_of(node, line), key, "must be a whole number, not " + kind_of(node));
  if (value < min || value > max)
    fail(
        line_of(node, line), key,
        "must be " + std::to_string(min) + " to " + std::to_string(max) + ", not " + node.Scalar());
  return value;
}

}  // namespace depthrec::config

// Reading a parsed YAML document strictly: every error names the file, the line and the key
// ("config.yaml:12: modes.development.symbols[0].streams[1]: ..."). Maps are checked for
// duplicate and unknown keys (yaml-cpp keeps a duplicate key as a second entry), scalars for their
// type. Errors are thrown as ConfigError; config_file.cpp turns them into its LoadResult.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace depthrec::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class YamlReader {
 public:
  explicit YamlReader(std::string file_name) : file_(std::move(file_name)) {}

  const std::string& file() const { return file_; }
  // The node's 1-based line; `fallback` for a node without a mark (a missing value).
  static int line_of(const YAML::Node& node, int fallback);
  // "FILE:LINE: KEY: why".
  std::string message(int line, const std::string& key, const std::string& why) const;
  [[noreturn]] void fail(int line, const std::string& key, const std::string& why) const;

  // `node` is a map whose keys are scalars, each once, each one of `allowed`.
  template <std::size_t N>
  void check_map(const YAML::Node& node, const std::string& key, int line,
                 const std::array<std::string_view, N>& allowed) const {
    check_map(node, key, line, allowed.data(), N);
  }
  void check_map(const YAML::Node& node, const std::string& key, int line,
                 const std::string_view* allowed, std::size_t count) const;
  // `node` is a map whose keys are scalars, each once (any names).
  void check_unique_keys(const YAML::Node& node, const std::string& key, int line) const;

  std::string text(const YAML::Node& node, const std::string& key, int line) const;
  bool boolean(const YAML::Node& node, const std::string& key, int line) const;
  // A finite number within [min, max].
  double number(const YAML::Node& node, const std::string& key, int line, double min,
                double max) const;
  // A whole number within [min, max].
  long long integer(const YAML::Node& node, const std::string& key, int line, long long min,
                    long long max) const;

 private:
  std::string file_;
};

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string child_key(const std::string& parent, std::string_view name);

}  // namespace depthrec::config

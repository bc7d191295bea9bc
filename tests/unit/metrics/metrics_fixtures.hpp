// Where the metrics_* fixtures are: tests/unit/data. DEPTHREC_TEST_DATA_DIR names that folder
// (or tests/data in the current tests/CMakeLists.txt), so both are tried.
#pragma once

#include <filesystem>
#include <string>

namespace depthrec::test {

inline std::string metrics_fixture_dir() {
  const std::filesystem::path base = DEPTHREC_TEST_DATA_DIR;
  for (const auto& dir : {base, base.parent_path() / "unit" / "data"}) {
    if (std::filesystem::exists(dir / "metrics_seed.json")) return dir.string();
  }
  return base.string();
}

inline std::string metrics_fixture(const std::string& name) {
  return metrics_fixture_dir() + "/" + name;
}

}  // namespace depthrec::test

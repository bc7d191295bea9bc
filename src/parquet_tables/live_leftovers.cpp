#include "parquet_tables/live_leftovers.hpp"

#include <filesystem>
#include <string_view>
#include <system_error>

#include "parquet/checkpoint.hpp"
#include "parquet/durable_rename.hpp"

namespace depthrec::export_parquet {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

LeftoverFiles handle_leftover_temporaries(const std::string& dir) {
  LeftoverFiles result;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return result;
  std::filesystem::recursive_directory_iterator it(dir, error);
  if (error) {
    result.errors.push_back("cannot list " + dir + ": " + error.message());
    return result;
  }
  const std::string sidecar_suffix = ".parquet.tmp" + std::string(parquet::kCheckpointSuffix);
  std::vector<std::filesystem::path> leftovers, sidecars;  // handled after the walk
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (error) {
      result.errors.push_back("cannot list " + dir + ": " + error.message());
      break;
    }
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file(error)) continue;
    if (ends_with(name, ".parquet.tmp")) leftovers.push_back(it->path());
    if (ends_with(name, sidecar_suffix)) sidecars.push_back(it->path());
  }
  for (const std::filesystem::path& path : leftovers) {
    std::string base = path.string();
    base.resize(base.size() - kTemporarySuffix.size() - std::string_view(".parquet").size());
    std::string problem;
    const parquet::RecoveryOutcome outcome =
        parquet::recover_temporary(path.string(), base + std::string(kRecoveredSuffix), problem);
    if (outcome == parquet::RecoveryOutcome::recovered) {
      result.recovered.push_back(base + std::string(kRecoveredSuffix));
      continue;
    }
    if (outcome == parquet::RecoveryOutcome::failed) result.errors.push_back(problem);
    const std::string target = base + ".parquet" + std::string(kPartialSuffix);
    std::string rename_error;
    if (!parquet::rename_durably(path.string(), target, rename_error)) {
      result.errors.push_back(rename_error);
    } else {
      result.partial.push_back(target);
    }
  }
  for (const std::filesystem::path& sidecar : sidecars) {
    std::filesystem::remove(sidecar, error);  // its .tmp was committed (or handled just above)
  }
  return result;
}

}  // namespace depthrec::export_parquet

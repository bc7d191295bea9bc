#include "partition_set.hpp"

#include <filesystem>
#include <system_error>

#include "parquet_tables/table_route.hpp"

namespace depthrec::export_parquet {

std::string PartitionSet::path_of(const PartitionKey& key) const {
  return partition_dir(out_dir_, key.table, key.market, key.symbol, key.date) + "/part-0.parquet";
}

parquet::TableWriter* PartitionSet::writer(const PartitionKey& key, const SymbolFacts& facts) {
  auto found = partitions_.find(key);
  if (found == partitions_.end()) {
    Partition partition;
    partition.path = path_of(key);
    const std::filesystem::path path(partition.path);
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      partition.error = "cannot create " + path.parent_path().string() + ": " + error.message();
    } else if (std::filesystem::exists(path, error)) {
      partition.error = partition.path + " exists: not overwritten (export into a new directory)";
    } else {
      parquet::WriterOptions options = options_;
      options.metadata.emplace_back("depthrec.channel", std::string(channel_name(key.table)));
      options.metadata.emplace_back("depthrec.market", key.market);
      options.metadata.emplace_back("depthrec.symbol", key.symbol);
      if (key.table == Table::book) {
        options.metadata.emplace_back("depthrec.book_levels", std::to_string(book_levels_));
        options.metadata.emplace_back("depthrec.book_every", book_every_);
      }
      std::string open_error;
      auto file = parquet::open_output_file(partition.path, open_error);
      if (!file) {
        partition.error = open_error;
      } else {
        partition.writer = std::make_unique<parquet::TableWriter>(
            std::move(file), table_schema(key.table, facts, book_levels_), std::move(options));
        if (!partition.writer->error().empty()) partition.error = partition.writer->error();
      }
    }
    found = partitions_.emplace(key, std::move(partition)).first;
  }
  Partition& partition = found->second;
  if (!partition.error.empty() || !partition.writer) return nullptr;
  if (!partition.writer->error().empty()) {
    partition.error = partition.writer->error();
    return nullptr;
  }
  return partition.writer.get();
}

std::vector<WrittenFile> PartitionSet::close_all() {
  std::vector<WrittenFile> files;
  for (auto& [key, partition] : partitions_) {
    WrittenFile file;
    file.path = partition.path;
    if (partition.error.empty() && partition.writer && !partition.writer->close()) {
      partition.error = partition.writer->error();
    }
    file.error = partition.error;
    if (partition.writer) {
      file.rows = partition.writer->rows();
      file.row_groups = partition.writer->row_groups();
    }
    std::error_code error;
    if (file.error.empty()) file.bytes = std::filesystem::file_size(file.path, error);
    files.push_back(std::move(file));
    partition.writer.reset();  // a failed file's .tmp is removed here
  }
  return files;
}

}  // namespace depthrec::export_parquet

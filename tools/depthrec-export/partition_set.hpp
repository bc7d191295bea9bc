// The open Parquet files of one export, one per partition
// (OUT/channel=<c>/market=<m>/symbol=<s>/date=<YYYY-MM-DD>/part-0.parquet), each written under
// part-0.parquet.tmp and renamed only when complete. A file already there is never overwritten.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "parquet/table_writer.hpp"
#include "parquet_tables/export_tables.hpp"

namespace depthrec::export_parquet {

struct PartitionKey {
  Table table = Table::depth;
  std::string market, symbol, date;
  friend bool operator<(const PartitionKey& a, const PartitionKey& b) {
    return std::tie(a.table, a.market, a.symbol, a.date) <
           std::tie(b.table, b.market, b.symbol, b.date);
  }
};

struct WrittenFile {
  std::string path;
  std::uint64_t rows = 0, row_groups = 0, bytes = 0;
  std::string error;  // non-empty: the file failed and was removed
};

class PartitionSet {
 public:
  // `book_levels`, `book_every`: the book table's shape, also written to its files' metadata.
  PartitionSet(std::string out_dir, parquet::WriterOptions options, std::size_t book_levels = 0,
               std::string book_every = {})
      : out_dir_(std::move(out_dir)),
        options_(std::move(options)),
        book_levels_(book_levels),
        book_every_(std::move(book_every)) {}

  // The writer of `key`'s partition, opened at its first row (directories created). Null when
  // it cannot be opened or has failed; failures() says why.
  parquet::TableWriter* writer(const PartitionKey& key, const SymbolFacts& facts);
  // Closes every file; returns them in partition order, failed ones with their error.
  std::vector<WrittenFile> close_all();

 private:
  struct Partition {
    std::string path;
    std::unique_ptr<parquet::TableWriter> writer;
    std::string error;
  };
  std::string path_of(const PartitionKey& key) const;

  std::string out_dir_;
  parquet::WriterOptions options_;
  std::size_t book_levels_;
  std::string book_every_;
  std::map<PartitionKey, Partition> partitions_;
};

}  // namespace depthrec::export_parquet

// Blocks are stored in two flat arrays (ranks and quantities, structure of arrays so that the
// search inside a block reads only ranks); the index orders them. Splits and merges move at most
// one block's levels and one index entry per block, never the rest of the book.
#include "model/book_side.hpp"

#include "model/prefetch.hpp"

#include <algorithm>

namespace depthrec {
namespace {

// Below four levels a block could not split into two halves and still leave a merge threshold.
constexpr std::size_t kMinBlockCapacity = 4;

}  // namespace

BookSide::BookSide(Side side, std::size_t block_capacity)
    : bid_side_(side == Side::bid), capacity_(std::max(block_capacity, kMinBlockCapacity)) {}

void BookSide::clear() {
  for (const BlockEntry& entry : index_) release_block(entry.block);
  index_.clear();
  size_ = 0;
}

void BookSide::load(const std::vector<PriceLevel>& best_first) {
  clear();
  const auto strictly_best_first = [&] {
    for (std::size_t i = 1; i < best_first.size(); ++i) {
      if (rank_of(best_first[i].price) >= rank_of(best_first[i - 1].price)) return false;
    }
    return true;
  };
  if (strictly_best_first()) {
    // Binance's snapshots: fill blocks from the worst level up, without searching.
    for (auto it = best_first.rbegin(); it != best_first.rend(); ++it) {
      if (!it->qty.is_zero()) append_best(rank_of(it->price), it->qty.units);
    }
    return;
  }
  // Setting the levels in input order is "last occurrence wins, then zeros dropped": a later
  // occurrence overwrites an earlier one, and a zero removes whatever came before it.
  for (const PriceLevel& level : best_first) set(level.price, level.qty);
}

void BookSide::set(Decimal price, Decimal qty) {
  const Rank rank = rank_of(price);
  if (index_.empty()) {
    if (!qty.is_zero()) append_best(rank, qty.units);
    return;
  }
  const std::size_t entry = find_entry(rank);
  const BlockEntry& found = index_[entry];
  const std::size_t pos = lower_bound_in(found, rank);
  if (pos < found.size && ranks(found.block)[pos] == rank) {
    if (qty.is_zero()) {
      erase_at(entry, pos);
    } else {
      quantities(found.block)[pos] = qty.units;
    }
  } else if (!qty.is_zero()) {
    insert_at(entry, pos, rank, qty.units);
  }
}

void BookSide::prefetch(const std::vector<PriceLevel>& levels) const {
  if (index_.empty()) return;
  // Levels come best first, so neighbours share blocks: each block is asked for once in a row.
  std::uint32_t last_block = UINT32_MAX;
  for (const PriceLevel& level : levels) {
    const BlockEntry& entry = index_[find_entry(rank_of(level.price))];
    if (entry.block == last_block) continue;
    last_block = entry.block;
    // The ranks are searched (read); a quantity is written, or the block's tail shifted.
    prefetch_range(ranks(entry.block), entry.size * sizeof(Rank), PrefetchFor::read);
    prefetch_range(quantities(entry.block), entry.size * sizeof(Quantity), PrefetchFor::write);
  }
}

std::size_t BookSide::drop_worst(std::size_t keep) {
  std::size_t dropped = 0;
  // The worst level is the first of the first block (blocks run from the worst to the best).
  for (; size_ > keep; ++dropped) erase_at(0, 0);
  return dropped;
}

PriceLevel BookSide::level(std::size_t i) const {
  std::size_t entry = index_.size();
  for (;;) {
    const BlockEntry& block = index_[--entry];
    if (i < block.size) return level_at(block, block.size - 1 - i);
    i -= block.size;
  }
}

std::optional<PriceLevel> BookSide::best() const {
  if (index_.empty()) return std::nullopt;
  return level_at(index_.back(), index_.back().size - 1);
}

void BookSide::append_top(std::size_t n, std::vector<PriceLevel>& out) const {
  for (auto entry = index_.rbegin(); n > 0 && entry != index_.rend(); ++entry) {
    const Rank* block_ranks = ranks(entry->block);
    const Quantity* block_quantities = quantities(entry->block);
    for (std::size_t pos = entry->size; pos > 0 && n > 0; --pos, --n) {
      out.push_back(PriceLevel{price_of(block_ranks[pos - 1]), Decimal{block_quantities[pos - 1]}});
    }
  }
}

PriceLevel BookSide::level_at(const BlockEntry& entry, std::size_t pos) const {
  return PriceLevel{price_of(ranks(entry.block)[pos]), Decimal{quantities(entry.block)[pos]}};
}

// Both searches below are branch-free binary searches (the comparison selects a pointer, which
// compiles to a conditional move): the changed prices are random enough that a branching search
// mispredicts about every other step, and that cost more than the searches' instructions.

std::size_t BookSide::find_entry(Rank rank) const {
  // The last block whose floor is not above `rank`; a rank below every floor goes to the first.
  // The top block first: it takes enough of the changes to pay for the branch (book_apply 2-6 %
  // faster); the same test for the bottom block measured no gain.
  if (rank >= index_.back().floor) return index_.size() - 1;
  const BlockEntry* base = index_.data();
  for (std::size_t n = index_.size() - 1; n > 1;) {
    const std::size_t half = n / 2;
    base = base[half].floor <= rank ? base + half : base;
    n -= half;
  }
  return static_cast<std::size_t>(base - index_.data());
}

std::size_t BookSide::lower_bound_in(const BlockEntry& entry, Rank rank) const {
  // Blocks in the index are never empty.
  const Rank* first = ranks(entry.block);
  const Rank* base = first;
  for (std::size_t n = entry.size; n > 1;) {
    const std::size_t half = n / 2;
    base = base[half] < rank ? base + half : base;
    n -= half;
  }
  return static_cast<std::size_t>(base - first) + (*base < rank ? 1 : 0);
}

void BookSide::insert_at(std::size_t entry, std::size_t pos, Rank rank, Quantity qty) {
  if (index_[entry].size == capacity_) {
    split(entry);
    const std::size_t lower_size = index_[entry].size;
    if (pos > lower_size) {  // at lower_size exactly the level ends the lower half
      pos -= lower_size;
      ++entry;
    }
  }
  BlockEntry& target = index_[entry];
  Rank* block_ranks = ranks(target.block);
  Quantity* block_quantities = quantities(target.block);
  std::copy_backward(block_ranks + pos, block_ranks + target.size, block_ranks + target.size + 1);
  std::copy_backward(block_quantities + pos, block_quantities + target.size,
                     block_quantities + target.size + 1);
  block_ranks[pos] = rank;
  block_quantities[pos] = qty;
  ++target.size;
  ++size_;
  if (pos == 0) target.floor = rank;
}

void BookSide::erase_at(std::size_t entry, std::size_t pos) {
  BlockEntry& target = index_[entry];
  Rank* block_ranks = ranks(target.block);
  Quantity* block_quantities = quantities(target.block);
  std::copy(block_ranks + pos + 1, block_ranks + target.size, block_ranks + pos);
  std::copy(block_quantities + pos + 1, block_quantities + target.size, block_quantities + pos);
  --target.size;
  --size_;
  if (target.size == 0) {
    release_block(target.block);
    index_.erase(index_.begin() + static_cast<std::ptrdiff_t>(entry));
    return;
  }
  if (pos == 0) target.floor = block_ranks[0];
  merge_if_sparse(entry);
}

void BookSide::split(std::size_t entry) {
  const std::uint32_t upper = acquire_block();  // may move the storage: take pointers after it
  BlockEntry& lower = index_[entry];
  const std::size_t keep = lower.size / 2;
  const std::size_t moved = lower.size - keep;
  std::copy_n(ranks(lower.block) + keep, moved, ranks(upper));
  std::copy_n(quantities(lower.block) + keep, moved, quantities(upper));
  lower.size = static_cast<std::uint32_t>(keep);
  const BlockEntry upper_entry{ranks(upper)[0], upper, static_cast<std::uint32_t>(moved)};
  index_.insert(index_.begin() + static_cast<std::ptrdiff_t>(entry) + 1, upper_entry);
}

void BookSide::merge_if_sparse(std::size_t entry) {
  const BlockEntry sparse = index_[entry];
  if (sparse.size > capacity_ / 4) return;
  // The merged block keeps a quarter of its capacity free, so that the next inserts there do
  // not split it straight away.
  const std::size_t merged_limit = capacity_ * 3 / 4;
  if (entry > 0 && index_[entry - 1].size + sparse.size <= merged_limit) {
    BlockEntry& worse = index_[entry - 1];
    std::copy_n(ranks(sparse.block), sparse.size, ranks(worse.block) + worse.size);
    std::copy_n(quantities(sparse.block), sparse.size, quantities(worse.block) + worse.size);
    worse.size += sparse.size;
  } else if (entry + 1 < index_.size() && index_[entry + 1].size + sparse.size <= merged_limit) {
    BlockEntry& better = index_[entry + 1];
    Rank* better_ranks = ranks(better.block);
    Quantity* better_quantities = quantities(better.block);
    std::copy_backward(better_ranks, better_ranks + better.size,
                       better_ranks + better.size + sparse.size);
    std::copy_backward(better_quantities, better_quantities + better.size,
                       better_quantities + better.size + sparse.size);
    std::copy_n(ranks(sparse.block), sparse.size, better_ranks);
    std::copy_n(quantities(sparse.block), sparse.size, better_quantities);
    better.size += sparse.size;
    better.floor = sparse.floor;
  } else {
    return;
  }
  release_block(sparse.block);
  index_.erase(index_.begin() + static_cast<std::ptrdiff_t>(entry));
}

void BookSide::append_best(Rank rank, Quantity qty) {
  // Loaded blocks are filled to three quarters, leaving room for the inserts that follow.
  if (index_.empty() || index_.back().size >= capacity_ * 3 / 4) {
    const std::uint32_t block = acquire_block();
    index_.push_back(BlockEntry{rank, block, 0});
  }
  BlockEntry& best = index_.back();
  ranks(best.block)[best.size] = rank;
  quantities(best.block)[best.size] = qty;
  ++best.size;
  ++size_;
}

std::uint32_t BookSide::acquire_block() {
  if (!free_blocks_.empty()) {
    const std::uint32_t block = free_blocks_.back();
    free_blocks_.pop_back();
    return block;
  }
  const std::size_t block = ranks_.size() / capacity_;
  ranks_.resize(ranks_.size() + capacity_);
  quantities_.resize(quantities_.size() + capacity_);
  // Room for every block the storage can hold, so that releasing one never allocates.
  free_blocks_.reserve(ranks_.capacity() / capacity_);
  return static_cast<std::uint32_t>(block);
}

void BookSide::release_block(std::uint32_t block) {
  free_blocks_.push_back(block);
}

}  // namespace depthrec

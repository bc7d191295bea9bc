// What depthrec-consume prints of a rebuilt book: the per-stream summary (text or JSON) and one
// NDJSON line of its top N levels for each change (--ndjson).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "stream_book.hpp"

namespace depthrec::consume {

// One line per stream: entries, books synced, breaks, gap entries, top of book.
std::string summary_text(const std::string& key, const StreamBook& book);

// {"streams":[{"key":..,"entries":..,...,"synced":bool,"last_update_id":N,"bids":[["p","q"]..],
// "asks":[..]}]}: the top `levels` of each book.
std::string summary_json(const std::vector<std::string>& keys, const std::vector<StreamBook>& books,
                         std::size_t levels);

// {"key":K,"id":ID,"u":N,"bids":[..],"asks":[..]}: the book's top `levels` after entry `id`.
std::string top_line(const std::string& key, const std::string& id, const StreamBook& book,
                     std::size_t levels);

}  // namespace depthrec::consume

#include "book_report.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace depthrec::consume {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_levels(JsonWriter& w, const char* name, const std::vector<PriceLevel>& levels) {
  w.Key(name);
  w.StartArray();
  for (const PriceLevel& level : levels) {
    w.StartArray();
    const std::string price = to_string(level.price);
    const std::string qty = to_string(level.qty);
    w.String(price.c_str(), static_cast<rapidjson::SizeType>(price.size()));
    w.String(qty.c_str(), static_cast<rapidjson::SizeType>(qty.size()));
    w.EndArray();
  }
  w.EndArray();
}

void write_book(JsonWriter& w, const StreamBook& book, std::size_t levels) {
  const BookSynchronizer* sync = book.sync();
  const bool synced = sync && sync->book_valid();
  w.Key("synced");
  w.Bool(synced);
  w.Key("last_update_id");
  w.Uint64(sync ? sync->last_final_id() : 0);
  std::vector<PriceLevel> bids, asks;
  if (synced) sync->book().top(levels, bids, asks);
  write_levels(w, "bids", bids);
  write_levels(w, "asks", asks);
}

void write_key(JsonWriter& w, const std::string& key) {
  w.Key("key");
  w.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
}

std::string level_text(const std::optional<PriceLevel>& level) {
  return level ? to_string(level->price) + " x " + to_string(level->qty) : "none";
}

}  // namespace

std::string summary_text(const std::string& key, const StreamBook& book) {
  const StreamCounts& c = book.counts();
  std::string out = key + ": entries " + std::to_string(c.entries) + " (malformed " +
                    std::to_string(c.malformed) + ", claimed " + std::to_string(c.claimed) +
                    "), depth events " + std::to_string(c.depth_events) + " (applied " +
                    std::to_string(c.applied) + ", stale " + std::to_string(c.stale) +
                    "), start entries " + std::to_string(c.start_entries) + ", books synced " +
                    std::to_string(c.books_synced) + ", gap entries " +
                    std::to_string(c.gap_entries) + " (redis_drop " +
                    std::to_string(c.redis_drops) + "), breaks " + std::to_string(c.breaks) +
                    " (unmarked " + std::to_string(c.unmarked_breaks) + ")";
  const BookSynchronizer* sync = book.sync();
  if (sync && sync->book_valid()) {
    out += ", book at u=" + std::to_string(sync->last_final_id()) + " bid " +
           level_text(sync->book().best_bid()) + " ask " + level_text(sync->book().best_ask());
  } else {
    out += ", no synced book";
  }
  return out;
}

std::string summary_json(const std::vector<std::string>& keys, const std::vector<StreamBook>& books,
                         std::size_t levels) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("streams");
  w.StartArray();
  for (std::size_t i = 0; i < keys.size() && i < books.size(); ++i) {
    const StreamCounts& c = books[i].counts();
    w.StartObject();
    write_key(w, keys[i]);
    const std::pair<const char*, std::uint64_t> counts[] = {{"entries", c.entries},
                                                            {"malformed", c.malformed},
                                                            {"claimed", c.claimed},
                                                            {"depth_events", c.depth_events},
                                                            {"applied", c.applied},
                                                            {"stale", c.stale},
                                                            {"start_entries", c.start_entries},
                                                            {"books_synced", c.books_synced},
                                                            {"gap_entries", c.gap_entries},
                                                            {"redis_drops", c.redis_drops},
                                                            {"breaks", c.breaks},
                                                            {"unmarked_breaks", c.unmarked_breaks}};
    for (const auto& [name, value] : counts) {
      w.Key(name);
      w.Uint64(value);
    }
    write_book(w, books[i], levels);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string top_line(const std::string& key, const std::string& id, const StreamBook& book,
                     std::size_t levels) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, key);
  w.Key("id");
  w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  write_book(w, book, levels);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace depthrec::consume

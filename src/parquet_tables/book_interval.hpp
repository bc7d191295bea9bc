// The sampling interval of the `book` table (depthrec-export --book-every, the recorder's
// --parquet-book-every) as text: "100ms", "1s", "250us", "5m", or "event" (every change).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace depthrec::export_parquet {

// "100ms" -> 100'000'000 ns, "event" -> 0; nullopt when it is neither (a count of 1 to 9
// digits, > 0, with a unit ns, us, ms, s or m).
std::optional<std::int64_t> parse_book_every(const std::string& text);
// The text of an interval in ns, in the largest unit that holds it exactly ("100ms", "1s").
std::string book_every_text(std::int64_t every_ns);

}  // namespace depthrec::export_parquet

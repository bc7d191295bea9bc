#include "parquet_tables/book_interval.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace depthrec::export_parquet {
namespace {

constexpr std::array<std::pair<const char*, std::int64_t>, 5> kBookEveryUnits = {
    {{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}, {"m", 60'000'000'000}}};

}  // namespace

std::optional<std::int64_t> parse_book_every(const std::string& text) {
  if (text == "event") return 0;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const std::int64_t count = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  for (const auto& [name, ns] : kBookEveryUnits) {
    if (unit == name && count > 0) return count * ns;
  }
  return std::nullopt;
}

std::string book_every_text(std::int64_t every_ns) {
  if (every_ns <= 0) return "event";
  for (auto unit = kBookEveryUnits.rbegin(); unit != kBookEveryUnits.rend(); ++unit) {
    if (every_ns % unit->second == 0) return std::to_string(every_ns / unit->second) + unit->first;
  }
  return std::to_string(every_ns) + "ns";
}

}  // namespace depthrec::export_parquet

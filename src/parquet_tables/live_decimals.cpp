#include "parquet_tables/live_decimals.hpp"

#include <array>

namespace depthrec::export_parquet {
namespace {

// The decimal columns of SymbolFacts, for the checks that treat them alike.
constexpr std::array<DecimalNeeds SymbolFacts::*, 5> kDecimalMembers = {
    &SymbolFacts::price, &SymbolFacts::quantity, &SymbolFacts::quote, &SymbolFacts::mark_price,
    &SymbolFacts::funding_rate};

}  // namespace

bool fits_int64_decimals(const SymbolFacts& needs) {
  for (const auto member : kDecimalMembers) {
    if (!(needs.*member).fits_int64()) return false;
  }
  return true;
}

SymbolFacts live_columns_for(const SymbolFacts& needs) {
  SymbolFacts columns = needs;
  for (const auto member : kDecimalMembers) {
    DecimalNeeds& column = columns.*member;
    column.integer_digits = kMaxInt64Precision - column.scale;
  }
  return columns;
}

bool fits_columns(const SymbolFacts& needs, const SymbolFacts& columns) {
  for (const auto member : kDecimalMembers) {
    const DecimalNeeds& need = needs.*member;
    const DecimalNeeds& column = columns.*member;
    if (need.scale > column.scale || need.integer_digits > column.integer_digits) return false;
  }
  return true;
}

SymbolFacts merged_needs(const SymbolFacts& a, const SymbolFacts& b) {
  SymbolFacts merged = a;
  for (const auto member : kDecimalMembers) (merged.*member).merge(b.*member);
  return merged;
}

}  // namespace depthrec::export_parquet

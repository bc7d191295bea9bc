// The decimal types of live --parquet files. A live writer cannot survey a recording first, so
// each file's types are decided by its first rows (buffered until then): every decimal column is
// DECIMAL(18, s) on INT64, s the most fraction digits its values showed (Binance pads a symbol's
// prices and quantities to its precision, so a few rows tell it), leaving 18 - s integer digits.
// A later value that needs a larger scale or more integer digits does not fit: the file closes
// and the next part takes the wider type. INT64, not DECIMAL(38) on FIXED_LEN_BYTE_ARRAY: every
// Binance value fits 18 digits at its symbol's own scale (a PEPE quantity of 1e13 has at most 2
// fraction digits, a price of 1e5 at most 8), and INT64 decimals are what every reader handles
// fastest; only a value needing more than 18 significant digits is refused (and counted).
#pragma once

#include "parquet_tables/symbol_survey.hpp"

namespace depthrec::export_parquet {

// Every decimal column of `needs` fits DECIMAL(18) on INT64 (scale + integer digits <= 18).
bool fits_int64_decimals(const SymbolFacts& needs);
// The columns a file of values needing `needs` gets: DECIMAL(18, scale) each.
SymbolFacts live_columns_for(const SymbolFacts& needs);
// Every value needing `needs` fits `columns` (exactly, within their precision).
bool fits_columns(const SymbolFacts& needs, const SymbolFacts& columns);
// Each column's needs, the larger of both.
SymbolFacts merged_needs(const SymbolFacts& a, const SymbolFacts& b);

}  // namespace depthrec::export_parquet

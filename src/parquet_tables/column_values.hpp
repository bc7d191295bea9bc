// Setting one value of a row, the way every table of the export does: ids as INT64, absent
// times as null, decimals as unscaled integers at their column's scale.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "decimal_scale.hpp"
#include "parquet/table_writer.hpp"

namespace depthrec::export_parquet {

inline std::int64_t as_int64(std::uint64_t id) {
  // Binance's ids are far below 2^63; a larger one would read back negative, so it is clamped.
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(id, std::numeric_limits<std::int64_t>::max()));
}

inline void set_time_ms(parquet::TableWriter& writer, std::size_t column, std::int64_t ms) {
  if (ms == 0) {
    writer.set_null(column);  // absent in the payload (spot depth has no T, spot partial no E)
  } else {
    writer.set_int64(column, ms);
  }
}

inline void set_optional_id(parquet::TableWriter& writer, std::size_t column,
                            const std::optional<std::uint64_t>& id) {
  if (id) {
    writer.set_int64(column, as_int64(*id));
  } else {
    writer.set_null(column);
  }
}

}  // namespace depthrec::export_parquet

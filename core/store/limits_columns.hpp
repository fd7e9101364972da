// The limit and budget columns keys and teams share (models, rpm, tpm, max_parallel,
// budget_nano_usd, budget_period, budget_reset_at, spend_nano_usd: in that order in both tables),
// read from one row of a RecordSet.
#pragma once

#include <Poco/Data/RecordSet.h>

#include <cstddef>

#include "store/json_list.hpp"
#include "store/records.hpp"
#include "store/row_values.hpp"

namespace llmgw::store::detail {

/// Reads the eight columns from `col` on; `col` ends past them.
inline Limits read_limits(Poco::Data::RecordSet& rs, std::size_t& col, std::size_t row) {
  Limits l;
  l.models = parse_json_array(text_at(rs, col++, row));
  l.rpm = int_at(rs, col++, row);
  l.tpm = int_at(rs, col++, row);
  l.max_parallel = int_at(rs, col++, row);
  l.budget_nano_usd = int_at(rs, col++, row);
  l.budget_period = text_at(rs, col++, row);
  l.budget_reset_at = int_at(rs, col++, row);
  l.spend_nano_usd = int_at(rs, col++, row);
  return l;
}

}  // namespace llmgw::store::detail
